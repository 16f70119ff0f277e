package console

import (
	"io"
	"os"
	"os/exec"
	"os/signal"
	"time"

	"golang.org/x/term"
)

// GuardEnv is set in the environment of the guard process: rvemu started
// again to watch over the terminal (RunGuardIfAsked).
//
// Why a process: a host panic on any goroutine (a device's, the network's,
// a parallel hart's) ends the program without running the deferred
// Restore, and so do SIGKILL and the out-of-memory killer. The guard saves
// the terminal's settings before rvemu makes it raw and waits on a pipe;
// when rvemu ends without saying it restored the terminal, the pipe
// closes and the guard puts the settings back.
const GuardEnv = "RVEMU_TERMINAL_GUARD"

// guardReadyWait bounds how long rvemu waits for the guard to save the
// settings; without an answer it runs unguarded.
const guardReadyWait = 5 * time.Second

// Messages on the guard's pipes.
const (
	guardReady    = 'r' // guard -> rvemu: settings saved
	guardReleased = 'd' // rvemu -> guard: restored, nothing to do
)

// guard is rvemu's side of a running guard process.
type guard struct {
	cmd    *exec.Cmd
	alive  *os.File      // closed by exit, whatever the cause
	exited chan struct{} // closed once the guard process is reaped
}

// startGuard starts the guard for terminal f, or returns nil when it
// cannot (no executable, an emulated run that cannot exec itself): then
// only the deferred Restore protects the terminal.
func startGuard(f *os.File) *guard {
	exe, err := os.Executable()
	if err != nil {
		return nil
	}
	aliveR, aliveW, err := os.Pipe()
	if err != nil {
		return nil
	}
	readyR, readyW, err := os.Pipe()
	if err != nil {
		aliveR.Close()
		aliveW.Close()
		return nil
	}
	cmd := exec.Command(exe)
	// GORACE: a race-detector build (the test suite) otherwise lingers a
	// second at exit, and release waits for the guard to end.
	cmd.Env = append(os.Environ(), GuardEnv+"=1", "GORACE=atexit_sleep_ms=0")
	cmd.Stdin, cmd.Stdout = aliveR, readyW
	passTerminal(cmd, f)
	err = cmd.Start()
	aliveR.Close()
	readyW.Close()
	defer readyR.Close()
	if err != nil {
		aliveW.Close()
		return nil
	}
	g := &guard{cmd: cmd, alive: aliveW, exited: make(chan struct{})}
	go func() {
		cmd.Wait()
		close(g.exited)
	}()
	ready := make(chan bool, 1)
	go func() {
		var b [1]byte
		_, err := io.ReadFull(readyR, b[:])
		ready <- err == nil && b[0] == guardReady
	}()
	select {
	case ok := <-ready:
		if ok {
			return g
		}
	case <-time.After(guardReadyWait):
	}
	g.cmd.Process.Kill()
	g.release()
	return nil
}

// guardExitWait bounds how long release waits for the guard to end.
const guardExitWait = time.Second

// release tells the guard the terminal is restored, and waits (briefly)
// for it to end, so no guard outlives rvemu.
func (g *guard) release() {
	if g == nil {
		return
	}
	g.alive.Write([]byte{guardReleased})
	g.alive.Close()
	select {
	case <-g.exited:
	case <-time.After(guardExitWait):
	}
}

// RunGuardIfAsked makes this process the guard when it was started as one,
// and never returns then. Call it first thing in main.
func RunGuardIfAsked() {
	if os.Getenv(GuardEnv) == "" {
		return
	}
	// The signals that stop rvemu must not stop its guard first.
	signal.Ignore(guardIgnored...)
	fd, err := guardTerminal()
	if err != nil {
		os.Exit(1)
	}
	saved, err := term.GetState(fd)
	if err != nil {
		os.Exit(1)
	}
	if _, err := os.Stdout.Write([]byte{guardReady}); err != nil {
		os.Exit(1)
	}
	var b [1]byte
	if n, _ := os.Stdin.Read(b[:]); n == 1 && b[0] == guardReleased {
		os.Exit(0)
	}
	// rvemu is gone and did not restore the terminal.
	_ = term.Restore(fd, saved)
	os.Exit(0)
}
