package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/rvemu/rvemu/console"
	"github.com/rvemu/rvemu/machine"
	"github.com/rvemu/rvemu/qemucli"
)

// checkEnv turns on driver checkers in the QEMU front end ("e1000").
const checkEnv = "RVEMU_CHECK"

// runQEMU is the QEMU front end: QEMU's options in, QEMU's messages out
// ("PROG: message", one line), rvemu's exit statuses (2 for a usage or
// host error, where QEMU says 1).
func runQEMU(ctx context.Context, prog string, args []string, stdin *os.File, stdout, stderr io.Writer) int {
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "%s: %s\n", prog, fmt.Sprintf(format, a...))
		return exitUsage
	}
	o, err := qemucli.Parse(args)
	if err != nil {
		return fail("%v", err)
	}
	switch {
	case o.Help:
		qemucli.WriteHelp(stdout, prog, readBuildVersion().Short())
		return exitOK
	case o.Version:
		qemucli.WriteVersion(stdout, prog, readBuildVersion().Short())
		return exitOK
	}
	if o.RAM != 0 {
		if err := machine.CheckRAM(o.RAM); err != nil {
			return fail("-m: %v", err)
		}
	}
	cfg := machine.Config{Kernel: o.Kernel, Disk: o.Disk, DiskSnapshot: o.Snapshot, Harts: o.Harts, RAM: o.RAM,
		NoReboot: o.NoReboot, Log: stderr, GDBListen: o.GDB, GDBWait: o.StopAtStart && o.GDB != "",
		// -S without -gdb: the monitor's cont starts the harts.
		Paused: o.StopAtStart && o.GDB == ""}
	if cfg.Paused && o.Stdio.Serial && !console.IsTerminal(stdin) {
		// Piped input goes to the guest, so no cont could ever come.
		return fail("-S: the monitor is out of reach (stdin is not a terminal, and the guest's console takes it): " +
			"add -gdb tcp::PORT, or -serial none to give stdin to the monitor")
	}
	if o.VirtioLegacy {
		cfg.Virtio = machine.VirtioLegacy
	}
	cfg.Threads, _ = machine.ParseThreads(o.Thread) // qemucli checked it
	// rvemu-only, and lab Makefiles pass QEMU's options only: the driver
	// checker is asked for through the environment (RVEMU_CHECK=e1000 make qemu).
	if cfg.Check, err = machine.ParseCheck(os.Getenv(checkEnv)); err != nil {
		return fail("%s: %v", checkEnv, err)
	}
	if o.Net != nil {
		n := newLabNet(machine.LabDNS())
		n.Pcap = o.Net.Pcap
		for _, h := range o.Net.HostFwd {
			if h.Proto != "udp" {
				return fail("hostfwd=%s: only udp is carried by rvemu's network", h.Spec)
			}
			if err := n.addForward(h.Spec); err != nil {
				return fail("%v", err)
			}
		}
		applyLabNet(&cfg, n)
	}
	f := &frontEnd{prefix: prog, stdio: o.Stdio, words: qemuWords, stdin: stdin, stdout: stdout, stderr: stderr}
	return f.runBoard(ctx, cfg)
}
