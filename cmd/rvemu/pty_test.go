package main

import (
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

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
	cmd := rvemuCommand(t, "boot", kernel)
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

// A host panic (a bug in rvemu, on any goroutine) still leaves the
// terminal as it was: the guard process restores it.
func TestGuardRestoresTerminalAfterHostPanic(t *testing.T) {
	_, tty := openPTY(t)
	before, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	require.NoError(t, err)
	kernel := rvasm.Build(t, guestSpin, rvasm.Options{})
	cmd := rvemuCommand(t, "boot", kernel)
	cmd.Env = append(cmd.Env, testPanicEnv+"=1")
	cmd.Stdin = tty
	var errOut strings.Builder
	cmd.Stderr = &errOut
	err = cmd.Run()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit)
	assert.Equal(t, 2, exit.ExitCode(), "Go's status for a panic")
	assert.Contains(t, errOut.String(), "panic: test: a host bug")

	var after *unix.Termios
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		after, err = unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
		require.NoError(t, err)
		if after.Lflag == before.Lflag {
			break
		}
	}
	assert.Equal(t, before.Lflag, after.Lflag, "terminal restored")
	assert.Equal(t, before.Iflag, after.Iflag)
	assert.Equal(t, before.Oflag, after.Oflag)
}
