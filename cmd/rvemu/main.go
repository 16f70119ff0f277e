// Command rvemu boots RISC-V kernels built for QEMU's virt board.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/rvemu/rvemu/sandbox"
)

// Version is set at link time (-ldflags "-X main.Version=...").
var Version = "dev"

// Exit statuses besides the guest's own.
const (
	exitUsage = 2 // bad flags, missing kernel, wrong ELF, unopenable disk
)

// exitError carries an exit status through urfave/cli's error return.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

func main() {
	// `rvemu class` runs each grade under this same binary as its init.
	sandbox.RunInitIfAsked()
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// run is main without os.Exit, so tests can drive the CLI in-process.
func run(args []string, stdin *os.File, stdout, stderr io.Writer) int {
	ctx, caught := stopOnSignal()
	var err error
	if isQEMUName(args[0]) { // run as qemu-system-riscv64 (a symlink)
		err = (&cli.App{ExitErrHandler: func(*cli.Context, error) {}, Commands: []*cli.Command{qemuCommand(stdin, stdout, stderr)}}).
			RunContext(ctx, append([]string{args[0], "qemu"}, args[1:]...))
	} else {
		err = newApp(stdin, stdout, stderr).RunContext(ctx, args)
	}
	if sig := caught(); sig != 0 {
		// The terminal is restored by now (boot's defers ran).
		fmt.Fprintf(stderr, "rvemu: stopped by signal %d (%v)\n", int(sig), sig)
		return 128 + int(sig)
	}
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.err.Error() != "" {
			fmt.Fprintf(stderr, "rvemu: %v\n", ee.err)
		}
		return ee.code
	}
	// Flag parsing and usage errors from urfave/cli.
	fmt.Fprintf(stderr, "rvemu: %v\n", err)
	return exitUsage
}

// stopOnSignal returns a context cancelled by SIGINT or SIGTERM, and a
// function that tells which signal (0 if none) once the run is over.
func stopOnSignal() (context.Context, func() syscall.Signal) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	got := make(chan syscall.Signal, 1)
	go func() {
		select {
		case s := <-ch:
			got <- s.(syscall.Signal)
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, func() syscall.Signal {
		signal.Stop(ch)
		defer cancel()
		select {
		case s := <-got:
			return s
		default:
			return 0
		}
	}
}

func newApp(stdin *os.File, stdout, stderr io.Writer) *cli.App {
	return &cli.App{
		Name:      "rvemu",
		Usage:     "a RISC-V RV64 system emulator for xv6 (QEMU virt board)",
		Writer:    stdout,
		ErrWriter: stderr,
		// We print errors ourselves, once, and pick the status.
		ExitErrHandler: func(*cli.Context, error) {},
		Commands: []*cli.Command{
			bootCommand(stdin, stdout, stderr),
			gradeCommand(stdout, stderr),
			classCommand(stdout, stderr),
			qemuCommand(stdin, stdout, stderr),
			{
				Name:  "version",
				Usage: "print the version",
				Action: func(c *cli.Context) error {
					fmt.Fprintf(stdout, "rvemu %s\n", Version)
					return nil
				},
			},
		},
	}
}
