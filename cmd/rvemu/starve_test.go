package main

import (
	"io"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/rvemu/rvemu/internal/rvasm"
)

// guestDeafSpin turns interrupts off, prints one byte and spins: it never
// sets the UART up to receive, so typed keys stay with the host.
const guestDeafSpin = `
	.globl _start
_start:
	csrci mstatus, 8       # MIE off
	csrw mie, zero
	li t0, 0x10000000
	li t1, 'r'
	sb t1, 0(t0)
1:	j 1b
`

// A guest spinning with interrupts off and never reading its console
// cannot keep rvemu from quitting: a signal or Ctrl-A X ends the run
// promptly, with the terminal settings restored, also after keys the
// guest never took were typed.
func TestSpinningGuestCannotStarveQuit(t *testing.T) {
	kernel := rvasm.Build(t, guestDeafSpin, rvasm.Options{})

	tests := []struct {
		name     string
		flags    []string
		typed    []string // written one at a time before the quit
		signal   syscall.Signal
		quitKeys string
		wantCode int
	}{
		{"SIGTERM", nil, nil, syscall.SIGTERM, "", 128 + 15},
		{"SIGINT", nil, nil, syscall.SIGINT, "", 128 + 2},
		{"SIGHUP (terminal closed, ssh dropped)", nil, nil, syscall.SIGHUP, "", 128 + 1},
		{"SIGQUIT", nil, nil, syscall.SIGQUIT, "", 128 + 3},
		{"SIGTERM, 2 harts, no spin detection", []string{"--smp", "2", "--no-spin-detect"}, nil, syscall.SIGTERM, "", 128 + 15},
		{"Ctrl-A X", nil, nil, 0, "\x01x", 0},
		{"Ctrl-A X after keys the guest never read", nil, []string{"l", "s", "\r", "hello\r"}, 0, "\x01x", 0},
		{"SIGTERM after keys the guest never read", nil, []string{"l", "s", "\r"}, syscall.SIGTERM, "", 128 + 15},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctrl, tty := openPTY(t)
			before, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
			require.NoError(t, err)

			cmd := rvemuCommand(t, append(append([]string{"boot"}, tc.flags...), kernel)...)
			// A test binary that dies of its timeout takes the spinning
			// guest with it.
			cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
			cmd.Stdin = tty
			stdout, err := cmd.StdoutPipe()
			require.NoError(t, err)
			require.NoError(t, cmd.Start())
			defer cmd.Process.Kill()
			_, err = io.ReadFull(stdout, make([]byte, 1)) // the guest runs
			require.NoError(t, err)
			exited := make(chan error, 1)
			go func() {
				io.Copy(io.Discard, stdout)
				exited <- cmd.Wait()
			}()
			for _, keys := range tc.typed {
				_, err := ctrl.Write([]byte(keys))
				require.NoError(t, err)
				time.Sleep(20 * time.Millisecond) // separate reads
			}
			if tc.signal != 0 {
				require.NoError(t, cmd.Process.Signal(tc.signal))
			} else {
				_, err := ctrl.Write([]byte(tc.quitKeys))
				require.NoError(t, err)
			}

			select {
			case err = <-exited:
			case <-time.After(20 * time.Second): // a hang, not a speed limit
				t.Fatal("rvemu did not exit")
			}
			code := 0
			if exit, ok := err.(*exec.ExitError); ok {
				code = exit.ExitCode()
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tc.wantCode, code)

			after, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
			require.NoError(t, err)
			assert.Equal(t, before.Lflag, after.Lflag, "terminal restored")
			assert.Equal(t, before.Iflag, after.Iflag)
			assert.Equal(t, before.Oflag, after.Oflag)
		})
	}
}
