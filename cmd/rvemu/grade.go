package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/rvemu/rvemu/grade"
	"github.com/rvemu/rvemu/internal/cmdline"
	"github.com/rvemu/rvemu/machine"
)

const gradeAbout = `Grades an xv6 network lab kernel offline, the way the lab's "make grade" does, with no Python and no network: rvemu plays the lab's host side on 127.0.0.1, boots KERNEL with an E1000 behind its user-mode network, waits for the shell prompt "$ ", types the lab's command, waits for the next prompt (or --timeout) and scores the console with the lab's patterns.

Labs (--lab):
   2019        nettests; host echoes "hello world!"; 100 points
   2020-2023   nettests; host answers "this is the host!"; DNS; 100 points
               (2020, 2021: legacy virtio; 2022, 2023: modern)
   2024, 2025  nettest grade; host checks txone, sends rxone, reflects
               pings; 171 points
   auto        boots with every lab's host side and picks the lab from what
               the guest prints (tries "nettest grade" without nettests)`

// gradeMore is the help after the options; it names this user's ports.
func gradeMore() string {
	p := grade.PortsForUID(os.Getuid())
	return fmt.Sprintf(`Host side for your uid (%d), as the lab Makefiles compute it: UDP server 127.0.0.1:%d; forwards 127.0.0.1:%d to guest port 2000 and 127.0.0.1:%d to guest port 2001. DNS is answered offline (nothing leaves the machine): %s.

time.txt: the lab gives 1 point for a time.txt holding one integer. rvemu checks the one it finds (--time-file, else ./time.txt, else next to the kernel or up to two directories above); with none the row shows n/a and the point is left out of the maximum.

The E1000 driver checker is on (--check none turns it off): when the driver breaks the NIC's rules (a ring length in descriptors, a reused TX slot, RDT moved over an unread frame, ICR never acknowledged, ...) it says so once per mistake on stderr, with the pc and the ring state.

Exit status: 0 on a full score; 1 when points are missing; 2 for a usage or host error (bad option, missing kernel, a port in use).

Examples:
   rvemu grade kernel/kernel --disk fs.img
   rvemu grade --lab 2024 --disk fs.img --json score.json kernel/kernel
   rvemu grade -v --lab 2020 --command nettests --disk fs.img kernel/kernel`,
		os.Getuid(), p.Server, p.Forward[0], p.Forward[1], machine.LabDNS())
}

// gradeOptions is grade's command line.
type gradeOptions struct {
	disk, virtio, lab, command, json, timeFile, memory, forwardPorts, check string
	smp                                                                     int
	timeout                                                                 time.Duration
	serverPort                                                              string
	verbose                                                                 bool
}

func gradeFlags(o *gradeOptions) *cmdline.Set {
	*o = gradeOptions{lab: "auto", timeout: 30 * time.Second, memory: "128M", check: "e1000"}
	s := cmdline.New("rvemu grade", "KERNEL")
	s.Describe(gradeAbout, gradeMore())
	s.String(&o.disk, "disk", "FILE", "virtio disk image (fs.img)")
	s.String(&o.lab, "lab", "YEAR", "the lab's year: "+strings.Join(grade.LabNames(), ", "))
	s.Int(&o.smp, "smp", "N", "harts (default: the lab's, 3; 2019: 1)")
	s.String(&o.virtio, "virtio", "MODE", "legacy or modern (default: the lab's; auto tries modern, then legacy)")
	s.String(&o.command, "command", "TEXT", "typed at the prompt instead of the lab's (nettests, nettest grade)")
	s.Duration(&o.timeout, "timeout", "TIME", "limit for the whole run, boot included (the lab's)")
	s.String(&o.json, "json", "FILE", "also write the score to FILE as JSON")
	s.String(&o.timeFile, "time-file", "FILE", "the lab's time.txt (default: searched, see below)")
	s.String(&o.memory, "memory,m", "SIZE", "RAM in MiB, or with a K, M or G suffix")
	s.String(&o.serverPort, "server-port", "PORT", "host UDP server port (default: from the uid, as below; 0: any free port)")
	s.String(&o.forwardPorts, "forward-ports", "PORTS", "host ports forwarded to guest 2000,2001 (default: from the uid)")
	s.Bool(&o.verbose, "verbose,v", "show the guest console live")
	s.String(&o.check, "check", "CHECKER", "warn when the driver breaks the E1000's rules: e1000 or none")
	return s
}

// runGrade is `rvemu grade`.
func runGrade(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var o gradeOptions
	set := gradeFlags(&o)
	operands, code, ok := parseOptions(set, "grade", args, stdout, stderr)
	if !ok {
		return code
	}
	s, err := o.session(set, operands, stdout, stderr)
	if err != nil {
		return usageError(stderr, "grade", err)
	}
	if err := checkKernel(o.kernel(operands), false); err != nil {
		return hostError(stderr, "grade", err)
	}
	score, err := s.Run(ctx)
	if err != nil {
		// The board or the lab's host side could not start (a port in
		// use, a disk that cannot be opened): nothing was graded.
		return hostError(stderr, "grade", err)
	}
	grade.WriteTable(stdout, score)
	if o.json != "" {
		if err := grade.WriteJSON(o.json, score); err != nil {
			return hostError(stderr, "grade", err)
		}
	}
	if !score.Full() {
		return exitGuest
	}
	return exitOK
}

func (o *gradeOptions) kernel(operands []string) string { return operands[0] }

// session turns the command line into a grading session; its errors are
// usage errors.
func (o *gradeOptions) session(set *cmdline.Set, operands []string, stdout, stderr io.Writer) (*grade.Session, error) {
	switch len(operands) {
	case 1:
	case 0:
		return nil, fmt.Errorf("no KERNEL given")
	default:
		return nil, fmt.Errorf("one KERNEL expected, got %d operands: %s", len(operands), strings.Join(operands, " "))
	}
	kernel := operands[0]
	lab, err := grade.LabByName(o.lab)
	if err != nil {
		return nil, fmt.Errorf("--lab: %v", err)
	}
	if o.virtio != "" {
		if _, err := machine.ParseVirtioMode(o.virtio); err != nil {
			return nil, fmt.Errorf("--virtio: %v", err)
		}
	}
	if o.smp < 0 || o.smp > machine.MaxHarts {
		return nil, fmt.Errorf("--smp %d: want 1 to %d", o.smp, machine.MaxHarts)
	}
	ram, err := ramSize(o.memory)
	if err != nil {
		return nil, fmt.Errorf("--memory %v", err)
	}
	timeFile := o.timeFile
	if timeFile == "" {
		timeFile = grade.FindTimeFile(kernel)
	}
	ports, err := o.ports(set)
	if err != nil {
		return nil, err
	}
	check, err := machine.ParseCheck(o.check)
	if err != nil {
		return nil, fmt.Errorf("--check: %v", err)
	}
	var live, log io.Writer = nil, io.Discard
	if o.verbose {
		live, log = stdout, stderr
	}
	disk := o.disk
	return &grade.Session{
		Lab: lab, Ports: ports, Timeout: o.timeout,
		Command: o.command, Harts: o.smp, Virtio: o.virtio,
		TimeFile: timeFile, Live: live,
		Boot: func(ctx context.Context, b grade.BootConfig) error {
			return bootForGrade(ctx, kernel, disk, ram, b, log, check, stderr)
		},
	}, nil
}

// bootForGrade runs one boot of a grading session on the board.
// Checker warnings go to checkOut (stderr) even when the log is quiet.
func bootForGrade(ctx context.Context, kernel, disk string, ram uint64, b grade.BootConfig, log io.Writer,
	check machine.Check, checkOut io.Writer) error {
	cfg := machine.Config{
		Kernel: kernel, Disk: disk, Harts: b.Harts, RAM: ram,
		ConsoleIn: b.In, ConsoleOut: b.Out, Log: log,
		Check: check, CheckOut: checkOut,
	}
	if b.Legacy {
		cfg.Virtio = machine.VirtioLegacy
	}
	n := newLabNet(b.Net.DNS)
	for _, f := range b.Net.Forwards {
		if err := n.addForward(fmt.Sprintf("udp:127.0.0.1:%d-:%d", f.HostPort, f.GuestPort)); err != nil {
			return err
		}
	}
	applyLabNet(&cfg, n)
	m, err := machine.New(cfg)
	if err != nil {
		return err
	}
	boundGarbage(uint64(len(m.Bus().RAM)))
	_, err = m.Run(ctx)
	if line, lost := m.NetSummary(); lost {
		fmt.Fprintf(checkOut, "rvemu: %s\n", line) // frames lost on the way: worth knowing
	}
	return err
}

// ports are the lab's ports for this uid, or the ones given (several
// students, or test runs, on one machine under one uid).
func (o *gradeOptions) ports(set *cmdline.Set) (grade.Ports, error) {
	p := grade.PortsForUID(os.Getuid())
	if set.Seen("server-port") {
		n, err := strconv.ParseUint(o.serverPort, 10, 16)
		if err != nil {
			return p, fmt.Errorf("--server-port %q: want 0 to 65535 (0: any free port)", o.serverPort)
		}
		p.Server = uint16(n)
	}
	if s := o.forwardPorts; s != "" {
		p.Forward = nil
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.ParseUint(strings.TrimSpace(f), 10, 16)
			if err != nil || n == 0 {
				return p, fmt.Errorf("--forward-ports %q: want PORT[,PORT]", s)
			}
			p.Forward = append(p.Forward, uint16(n))
		}
	}
	return p, nil
}
