package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"

	"github.com/rvemu/rvemu/console"
	"github.com/rvemu/rvemu/machine"
	"github.com/rvemu/rvemu/qemucli"
)

// frontEnd is what differs between the two command lines that boot a
// board (boot's flags, QEMU's options): the name on its error lines and
// the extras boot offers.
type frontEnd struct {
	prefix         string        // starts every error line: "rvemu: boot", "qemu-system-riscv64"
	stdio          qemucli.Stdio // what shares the terminal: the guest's console, the monitor
	words          hintWords     // how its hints name a fix
	stdin          *os.File
	stdout, stderr io.Writer
	stats          bool   // --stats: counters and limits at exit
	cpuProfile     string // --cpuprofile FILE
}

// testHookRunning, when set (by tests only), is called once the board is
// built and the terminal is raw.
var testHookRunning func()

// runBoard is the one sequence from a board configuration to an exit
// status, shared by boot and qemu: the terminal in raw mode (restored on
// every way out, a crash included), shared between the guest's console and
// the monitor behind the Ctrl-A keys, the board built and run, and the way
// it ended turned into the status (see exitOK).
func (f *frontEnd) runBoard(ctx context.Context, cfg machine.Config) int {
	ctx, quit := context.WithCancel(ctx)
	defer quit()
	lines := newSharedLines(f.stdout, f.stderr)
	stderr := lines.own(f.stderr)
	defer lines.end(f.stderr)
	if cfg.Log == nil {
		cfg.Log = stderr
	}
	cfg.OnPanic = func(p machine.GuestPanic) {
		if h := panicHint(p, cfg.Disk, f.words); h != "" {
			fmt.Fprintf(stderr, "rvemu: hint: %s\n", h)
		}
	}
	goroutinesAtStart := runtime.NumGoroutine()
	var esc *console.Escaper
	var shared *terminal
	if cfg.Replay == nil {
		term, err := console.MakeRaw(f.stdin)
		if err != nil {
			return f.hostError(stderr, fmt.Errorf("console: %w", err))
		}
		// Restored on every way out of here, before any error is printed;
		// signals cancel ctx (see run), so they come back this way too.
		defer term.Restore()
		shared = shareTerminal(&cfg, f.stdio, term != nil, f.stdin, f.stdout, stderr, quit)
		esc = shared.esc
	} else {
		cfg.ConsoleOut = f.stdout // a replay takes no host input: the terminal stays as it is
	}
	cfg.ConsoleOut = lines.guest(cfg.ConsoleOut)
	m, err := machine.New(cfg)
	if shared != nil {
		shared.bind(m) // nil on error: monitor commands typed meanwhile give up
	}
	if err != nil {
		return f.hostError(stderr, err)
	}
	boundGarbage(uint64(len(m.Bus().RAM)))
	if f.cpuProfile != "" {
		stop, err := startProfile(f.cpuProfile)
		if err != nil {
			m.Close()
			return f.hostError(stderr, err)
		}
		defer stop()
	}
	if testHookRunning != nil {
		testHookRunning()
	}
	code, err := m.Run(ctx)
	// The network's counters: asked for, or telling of frames lost.
	if line, lost := m.NetSummary(); line != "" && (f.stats || lost) {
		fmt.Fprintf(stderr, "rvemu: %s\n", line)
	}
	if f.stats {
		fmt.Fprintf(stderr, "rvemu: %s\n", m.Stats())
		if j := m.JITStats(); j != "" {
			fmt.Fprintf(stderr, "rvemu: %s\n", j)
		}
		fmt.Fprintf(stderr, "rvemu: %s\n", limitsLine(esc, m, goroutinesAtStart))
	}
	switch {
	case err == nil:
		return code
	case errors.Is(err, machine.ErrTimeout):
		fmt.Fprintf(stderr, "%s: timeout after %v\n", f.prefix, cfg.Timeout)
		return code
	case errors.Is(err, context.Canceled):
		return exitOK // Ctrl-A X, or a signal (run reports that one)
	}
	return f.hostError(stderr, err)
}

// hostError prints err as the front end's one error line; exitUsage.
func (f *frontEnd) hostError(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "%s: %v\n", f.prefix, err)
	return exitUsage
}
