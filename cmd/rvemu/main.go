// Command rvemu boots RISC-V kernels built for QEMU's virt board.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/rvemu/rvemu/console"
	"github.com/rvemu/rvemu/internal/cmdline"
	"github.com/rvemu/rvemu/sandbox"
)

// Exit statuses, the same in boot, grade and qemu. A guest that powers
// off with a failure status N (SiFive test device, HTIF) exits N, as QEMU
// does; a run stopped by --timeout exits 124, by a signal 128+N.
const (
	exitOK    = 0
	exitGuest = 1 // the guest failed, or the score is not full
	exitUsage = 2 // usage or host error: bad option, bad file, port in use, missing tool
)

// qemuName is the program name under which rvemu speaks QEMU's command
// line (a symlink qemu-system-riscv64 -> rvemu lets lab Makefiles run it).
const qemuName = "qemu-system-riscv64"

func main() {
	// `rvemu class` runs each grade under this same binary as its init.
	sandbox.RunInitIfAsked()
	console.RunGuardIfAsked()
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// run is main without os.Exit, so tests can drive the CLI in-process.
func run(args []string, stdin *os.File, stdout, stderr io.Writer) int {
	ctx, caught := stopOnSignal()
	var code int
	if filepath.Base(args[0]) == qemuName || filepath.Base(args[0]) == qemuName+".exe" {
		code = runQEMU(ctx, qemuName, args[1:], stdin, stdout, stderr)
	} else {
		code = dispatch(ctx, args[1:], stdin, stdout, stderr)
	}
	if sig := caught(); sig != nil {
		// The terminal is restored by now (the run's defers ran).
		fmt.Fprintf(stderr, "rvemu: stopped by signal %d (%v)\n", signalNumber(sig), sig)
		return 128 + signalNumber(sig)
	}
	return code
}

const topHelp = `rvemu: a RISC-V (RV64) system emulator for xv6, modelling QEMU's virt board.

Usage:
  rvemu boot [OPTIONS] KERNEL    boot a kernel on this terminal
  rvemu grade [OPTIONS] KERNEL   grade an xv6 net lab kernel offline
  rvemu class [OPTIONS] GRADER SUBMISSIONS
                                 grade a class's submissions of a lab
  rvemu qemu QEMU-OPTIONS...     take QEMU's command line, as lab Makefiles
                                 write it (also: a link named
                                 qemu-system-riscv64 to rvemu)
  rvemu version                  print the version (also rvemu --version)
  rvemu help [COMMAND]           this help, or a command's (also --help)

Options may come before or after KERNEL.

Exit status: 0 success; 1 the guest failed or the score is not full (a
guest that powers off with status N exits N); 2 a usage or host error (bad
option, missing file, port in use); 124 --timeout; 128+N stopped by signal N.
`

// dispatch picks the command.
func dispatch(ctx context.Context, args []string, stdin *os.File, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		io.WriteString(stderr, topHelp)
		return exitUsage
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "boot":
		return runBoot(ctx, rest, stdin, stdout, stderr)
	case "grade":
		return runGrade(ctx, rest, stdout, stderr)
	case "class":
		return runClass(ctx, rest, stdout, stderr)
	case "qemu":
		return runQEMU(ctx, qemuName, rest, stdin, stdout, stderr)
	case "version", "--version", "-version", "-V":
		readBuildVersion().Write(stdout)
		return exitOK
	case "help", "--help", "-help", "-h":
		if len(rest) == 0 {
			io.WriteString(stdout, topHelp)
			return exitOK
		}
		switch rest[0] {
		case "boot":
			return runBoot(ctx, []string{"--help"}, stdin, stdout, stderr)
		case "grade":
			return runGrade(ctx, []string{"--help"}, stdout, stderr)
		case "class":
			return runClass(ctx, []string{"--help"}, stdout, stderr)
		case "qemu":
			return runQEMU(ctx, qemuName, []string{"-help"}, stdin, stdout, stderr)
		}
		fmt.Fprintf(stderr, "rvemu: help: no command %q (boot, grade, class, qemu, version)\n", rest[0])
		return exitUsage
	default:
		fmt.Fprintf(stderr, "rvemu: unknown command %q (see rvemu --help)\n", cmd)
		return exitUsage
	}
}

// parseOptions reads a command's options; on -h it prints the help, on a
// mistake one line naming it. ok is false when the command should end
// with status code.
func parseOptions(set *cmdline.Set, name string, args []string, stdout, stderr io.Writer) (operands []string, code int, ok bool) {
	operands, err := set.Parse(args)
	switch {
	case errors.Is(err, cmdline.ErrHelp):
		set.WriteHelp(stdout)
		return nil, exitOK, false
	case err != nil:
		return nil, usageError(stderr, name, err), false
	}
	return operands, 0, true
}

// usageError prints a mistake on the command line as one line that names
// it and where the options are listed, and returns exitUsage.
func usageError(stderr io.Writer, command string, err error) int {
	fmt.Fprintf(stderr, "rvemu: %s: %v (see rvemu %s --help)\n", command, err, command)
	return exitUsage
}

// hostError prints a problem on the host (a file, a port) as one line and
// returns exitUsage.
func hostError(stderr io.Writer, command string, err error) int {
	fmt.Fprintf(stderr, "rvemu: %s: %v\n", command, err)
	return exitUsage
}

// stopOnSignal returns a context cancelled by one of stopSignals, and a
// function that tells which signal (nil if none) once the run is over.
func stopOnSignal() (context.Context, func() os.Signal) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, stopSignals...)
	got := make(chan os.Signal, 1)
	go func() {
		select {
		case s := <-ch:
			got <- s
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, func() os.Signal {
		signal.Stop(ch)
		defer cancel()
		select {
		case s := <-got:
			return s
		default:
			return nil
		}
	}
}

// signalNumber is the number of a stop signal, for the 128+N status.
func signalNumber(s os.Signal) int {
	if n, ok := s.(syscall.Signal); ok {
		return int(n)
	}
	return 2 // os.Interrupt where it is not a syscall.Signal
}
