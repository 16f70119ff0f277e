//go:build linux

package console

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// childEnv makes the test binary a program that puts its stdin terminal
// in raw mode and then ends without restoring it, in the way the value
// names.
const childEnv = "CONSOLE_TEST_CHILD"

func TestMain(m *testing.M) {
	RunGuardIfAsked()
	switch os.Getenv(childEnv) {
	case "":
		os.Exit(m.Run())
	case "panic":
		if _, err := MakeRaw(os.Stdin); err != nil {
			os.Exit(3)
		}
		os.Stdout.Write([]byte("raw\n"))
		done := make(chan bool)
		go func() { panic("a host bug on another goroutine") }()
		<-done
	case "sleep":
		if _, err := MakeRaw(os.Stdin); err != nil {
			os.Exit(3)
		}
		os.Stdout.Write([]byte("raw\n"))
		time.Sleep(time.Minute)
	}
}

func openPTY(t *testing.T) (ctrl, tty *os.File) {
	t.Helper()
	ctrl, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	require.NoError(t, err)
	require.NoError(t, unix.IoctlSetPointerInt(int(ctrl.Fd()), unix.TIOCSPTLCK, 0))
	n, err := unix.IoctlGetInt(int(ctrl.Fd()), unix.TIOCGPTN)
	require.NoError(t, err)
	tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	require.NoError(t, err)
	t.Cleanup(func() { ctrl.Close(); tty.Close() })
	return ctrl, tty
}

// The guard puts the terminal back when the process that made it raw dies
// without doing so: a panic on a goroutine no defer covers, or SIGKILL.
func TestGuardRestoresAfterACrash(t *testing.T) {
	self, err := os.Executable()
	require.NoError(t, err)
	for _, how := range []string{"panic", "sleep"} {
		t.Run(how, func(t *testing.T) {
			_, tty := openPTY(t)
			before, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
			require.NoError(t, err)
			cmd := exec.Command(self)
			cmd.Env = append(os.Environ(), childEnv+"="+how)
			cmd.Stdin = tty
			cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
			out, err := cmd.StdoutPipe()
			require.NoError(t, err)
			require.NoError(t, cmd.Start())
			line := make([]byte, 4)
			_, err = io.ReadFull(out, line)
			require.NoError(t, err)
			raw, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
			require.NoError(t, err)
			require.Zero(t, raw.Lflag&unix.ICANON, "the child made the terminal raw")
			if how == "sleep" {
				require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
			}
			assert.Error(t, cmd.Wait(), "the child died")
			// The guard acts once the child is gone: give it time.
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
		})
	}
}

// A normal Restore releases the guard, which then leaves the terminal
// alone (a shell may have changed it by then).
func TestGuardReleasedAfterRestore(t *testing.T) {
	_, tty := openPTY(t)
	term, err := MakeRaw(tty)
	require.NoError(t, err)
	require.NotNil(t, term.guard, "the guard started")
	term.Restore()
	select {
	case <-term.guard.exited:
	case <-time.After(10 * time.Second):
		t.Fatal("the guard still runs after Restore")
	}
	assert.True(t, term.guard.cmd.ProcessState.Success(), "released, not restoring")
}
