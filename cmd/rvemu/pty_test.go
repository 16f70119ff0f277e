package main

import (
	"io"
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/rvemu/rvemu/internal/ptytest"
	"github.com/rvemu/rvemu/internal/rvasm"
)

// openPTY returns a pseudo-terminal pair: the controlling side and the
// terminal the child uses as stdin.
func openPTY(t *testing.T) (ctrl, tty *os.File) { return ptytest.Open(t) }

// TestTerminalCtrlAXQuits: on a terminal, rvemu switches to raw mode,
// Ctrl-A X ends the run with status 0, and the terminal settings are
// restored afterwards.
func TestTerminalCtrlAXQuits(t *testing.T) {
	ctrl, tty := openPTY(t)
	before, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	require.NoError(t, err)

	kernel := rvasm.Build(t, `
	.globl _start
_start:
	li t0, 0x10000000
	li t1, 'r'
	sb t1, 0(t0)
1:	j 1b
`, rvasm.Options{})
	self, err := os.Executable()
	require.NoError(t, err)
	cmd := exec.Command(self, "boot", kernel)
	cmd.Env = append(os.Environ(), "RVEMU_BE_MAIN=1")
	cmd.Stdin = tty
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())

	first := make([]byte, 1)
	_, err = io.ReadFull(stdout, first) // the guest runs: raw mode is on
	require.NoError(t, err)
	during, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	require.NoError(t, err)
	assert.Zero(t, during.Lflag&unix.ICANON, "raw mode: no line editing")
	assert.Zero(t, during.Lflag&unix.ECHO, "raw mode: no echo")

	_, err = ctrl.Write([]byte{0x01, 'x'})
	require.NoError(t, err)
	require.NoError(t, cmd.Wait(), "Ctrl-A X exits with status 0")

	after, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	require.NoError(t, err)
	assert.Equal(t, before.Lflag, after.Lflag, "terminal restored")
	assert.Equal(t, before.Iflag, after.Iflag)
	assert.Equal(t, before.Oflag, after.Oflag)
}
