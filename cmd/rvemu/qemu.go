package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/rvemu/rvemu/console"
	"github.com/rvemu/rvemu/machine"
	"github.com/rvemu/rvemu/qemucli"
)

// qemuName is the program name under which rvemu speaks QEMU's command
// line (a symlink qemu-system-riscv64 -> rvemu lets lab Makefiles run it).
const qemuName = "qemu-system-riscv64"

// checkEnv turns on driver checkers in the QEMU front end ("e1000").
const checkEnv = "RVEMU_CHECK"

// isQEMUName reports whether argv[0] asks for the QEMU front end.
func isQEMUName(argv0 string) bool { return filepath.Base(argv0) == qemuName }

func qemuCommand(stdin *os.File, stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:            "qemu",
		Usage:           "run with QEMU's command line (what xv6 lab Makefiles pass); see rvemu qemu -help",
		ArgsUsage:       "QEMU-OPTIONS...",
		SkipFlagParsing: true,
		HideHelp:        true,
		Action: func(c *cli.Context) error {
			code := runQEMU(c.Context, qemuName, c.Args().Slice(), stdin, stdout, stderr)
			if code == 0 {
				return nil
			}
			return &exitError{code: code, err: errors.New("")}
		},
	}
}

// runQEMU is the QEMU front end: QEMU's options in, QEMU's exit conventions
// out (errors are one line "PROG: message", status 1).
func runQEMU(ctx context.Context, prog string, args []string, stdin *os.File, stdout, stderr io.Writer) int {
	o, err := qemucli.Parse(args)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return 1
	}
	switch {
	case o.Help:
		qemucli.WriteHelp(stdout, prog, Version)
		return 0
	case o.Version:
		qemucli.WriteVersion(stdout, prog, Version)
		return 0
	}
	if o.RAM > machine.MaxRAMSize {
		// The 2019 lab Makefile asks for 3G; xv6 uses only its first
		// 128 MiB (PHYSTOP), and the board maps at most 2 GiB of RAM.
		fmt.Fprintf(stderr, "%s: warning: -m %d MiB: rvemu's board holds at most %d MiB; using that\n",
			prog, o.RAM>>20, machine.MaxRAMSize>>20)
		o.RAM = machine.MaxRAMSize
	}
	cfg := machine.Config{Kernel: o.Kernel, Disk: o.Disk, DiskSnapshot: o.Snapshot, Harts: o.Harts, RAM: o.RAM,
		Log: stderr, GDBListen: o.GDB, GDBWait: o.StopAtStart && o.GDB != "",
		// -S without -gdb: the monitor's cont starts the harts.
		Paused: o.StopAtStart && o.GDB == ""}
	if o.VirtioLegacy {
		cfg.Virtio = machine.VirtioLegacy
	}
	cfg.Threads, _ = machine.ParseThreads(o.Thread) // qemucli checked it
	// rvemu-only, and lab Makefiles pass QEMU's options only: the driver
	// checker is asked for through the environment (RVEMU_CHECK=e1000 make qemu).
	if cfg.Check, err = machine.ParseCheck(os.Getenv(checkEnv)); err != nil {
		fmt.Fprintf(stderr, "%s: %s: %v\n", prog, checkEnv, err)
		return 1
	}
	if o.Net != nil {
		n := newLabNet(machine.LabDNS())
		n.Pcap = o.Net.Pcap
		for _, h := range o.Net.HostFwd {
			if h.Proto != "udp" {
				fmt.Fprintf(stderr, "%s: hostfwd=%s: only udp is carried by rvemu's network\n", prog, h.Spec)
				return 1
			}
			if err := n.addForward(h.Spec); err != nil {
				fmt.Fprintf(stderr, "%s: %v\n", prog, err)
				return 1
			}
		}
		applyLabNet(&cfg, n)
	}
	return bootQEMU(ctx, prog, cfg, o.Stdio, stdin, stdout, stderr)
}

// bootQEMU runs the board with the console and the monitor on the
// terminal as st says (-nographic: both, Ctrl-A C switches, Ctrl-A X quits).
func bootQEMU(ctx context.Context, prog string, cfg machine.Config, st qemucli.Stdio, stdin *os.File, stdout, stderr io.Writer) int {
	ctx, quit := context.WithCancel(ctx)
	defer quit()
	term, err := console.MakeRaw(stdin)
	if err != nil {
		fmt.Fprintf(stderr, "%s: console: %v\n", prog, err)
		return 1
	}
	defer term.Restore()
	if cfg.Paused && st.Serial && term == nil {
		// Piped input goes to the guest, so no cont could ever come.
		fmt.Fprintf(stderr, "%s: -S: the monitor is out of reach (stdin is not a terminal, and the guest's console takes it): "+
			"add -gdb tcp::PORT, or -serial none to give stdin to the monitor\n", prog)
		return 1
	}
	shared := shareTerminal(&cfg, st, term != nil, stdin, stdout, stderr, quit)
	m, err := machine.New(cfg)
	shared.bind(m)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return 1
	}
	boundGarbage(uint64(len(m.Bus().RAM)))
	code, err := m.Run(ctx)
	switch {
	case err == nil:
		return code
	case errors.Is(err, context.Canceled):
		return 0 // Ctrl-A X or a signal, as QEMU's quit
	}
	fmt.Fprintf(stderr, "%s: %v\n", prog, err)
	return 1
}
