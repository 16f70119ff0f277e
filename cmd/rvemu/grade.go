package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/rvemu/rvemu/grade"
	"github.com/rvemu/rvemu/machine"
)

func gradeDescription() string {
	p := grade.PortsForUID(os.Getuid())
	return fmt.Sprintf(`Grades an xv6 network lab kernel offline, the way the lab's "make grade"
does, with no Python and no network: rvemu plays the lab's host side on
127.0.0.1, boots KERNEL with an E1000 behind its user-mode network, waits
for the shell prompt "$ ", types the lab's command, waits for the next
prompt (or --timeout) and scores the console with the lab's patterns.

Labs (--lab):
   2019        nettests; host echoes "hello world!"; 100 points
   2020, 2021  nettests; host answers "this is the host!"; DNS; 100 points
   2024, 2025  nettest grade; host checks txone, sends rxone, reflects pings; 171 points
   auto        boots with every lab's host side and picks the lab from what
               the guest prints (tries "nettest grade" if there is no nettests)

Host side for your uid (%d), as the lab Makefiles compute it:
   UDP server 127.0.0.1:%d; forwards 127.0.0.1:%d -> guest 2000, 127.0.0.1:%d -> guest 2001
DNS answered offline (nothing leaves the machine): %s

time.txt: the lab gives 1 point for a time.txt holding one integer. rvemu
checks the one it finds (--time-file, else ./time.txt, else next to the
kernel or up to two directories above); with none the row shows n/a and
the point is left out of the maximum.

Exit status: 0 only on a full score, 1 otherwise, 2 for usage errors.

Examples:
   rvemu grade --disk fs.img kernel/kernel
   rvemu grade --lab 2024 --disk fs.img --json score.json kernel/kernel
   rvemu grade -v --lab 2020 --command "nettests" --disk fs.img kernel/kernel

The E1000 driver checker is on (--check none turns it off): when the
driver breaks the NIC's rules (a ring length in descriptors, a reused TX
slot, RDT moved over an unread frame, ICR never acknowledged, ...) it says
so once per mistake on stderr, with the pc and the ring state.`,
		os.Getuid(), p.Server, p.Forward[0], p.Forward[1], machine.LabDNS())
}

func gradeCommand(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:        "grade",
		Usage:       "grade an xv6 net lab kernel offline (host side, console, score)",
		ArgsUsage:   "KERNEL",
		Description: gradeDescription(),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "disk", Usage: "virtio block device image `FILE` (fs.img)"},
			&cli.IntFlag{Name: "smp", Usage: "harts `N` (default: the lab's, 3; 2019: 1)"},
			&cli.StringFlag{Name: "virtio", Usage: "legacy or modern (default: the lab's; auto tries modern, then legacy)"},
			&cli.StringFlag{Name: "lab", Value: "auto", Usage: "lab `YEAR`: " + strings.Join(grade.LabNames(), ", ")},
			&cli.StringFlag{Name: "command", Usage: "typed at the prompt instead of the lab's (nettests / nettest grade)"},
			&cli.DurationFlag{Name: "timeout", Value: 30 * time.Second, Usage: "limit for the whole run, boot included (the lab's 30s)"},
			&cli.StringFlag{Name: "json", Usage: "also write the score to `FILE` as JSON"},
			&cli.StringFlag{Name: "time-file", Usage: "the lab's time.txt `FILE` (default: searched, see above)"},
			&cli.StringFlag{Name: "memory", Aliases: []string{"m"}, Value: "128M", Usage: "RAM `SIZE`"},
			&cli.UintFlag{Name: "server-port", Usage: "host UDP server `PORT` (default: from the uid, as above; 0: any free port)"},
			&cli.StringFlag{Name: "forward-ports", Usage: "host `PORTS` forwarded to guest 2000,2001 (default: from the uid)"},
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "show the guest console live"},
			&cli.StringFlag{Name: "check", Value: "e1000", Usage: "driver `CHECKER` warning on stderr when the driver breaks the E1000's rules: e1000 or none"},
		},
		Action: func(c *cli.Context) error { return runGrade(c, stdout, stderr) },
	}
}

func runGrade(c *cli.Context, stdout, stderr io.Writer) error {
	if c.NArg() != 1 {
		return usageError("grade: want exactly one KERNEL argument, got %d (see rvemu grade --help)", c.NArg())
	}
	kernel := c.Args().First()
	if _, err := os.Stat(kernel); err != nil {
		return usageError("grade: kernel: %v", err)
	}
	lab, err := grade.LabByName(c.String("lab"))
	if err != nil {
		return usageError("%v", err)
	}
	if v := c.String("virtio"); v != "" {
		if _, err := machine.ParseVirtioMode(v); err != nil {
			return usageError("%v", err)
		}
	}
	if n := c.Int("smp"); n < 0 || n > machine.MaxHarts {
		return usageError("--smp %d: want 1..%d", n, machine.MaxHarts)
	}
	ram, err := machine.ParseSize(c.String("memory"))
	if err != nil {
		return usageError("%v", err)
	}
	timeFile := c.String("time-file")
	if timeFile == "" {
		timeFile = grade.FindTimeFile(kernel)
	}
	ports, err := gradePorts(c)
	if err != nil {
		return usageError("%v", err)
	}
	check, err := machine.ParseCheck(c.String("check"))
	if err != nil {
		return usageError("%v", err)
	}
	var live, log io.Writer = nil, io.Discard
	if c.Bool("verbose") {
		live, log = stdout, stderr
	}
	s := &grade.Session{
		Lab: lab, Ports: ports, Timeout: c.Duration("timeout"),
		Command: c.String("command"), Harts: c.Int("smp"), Virtio: c.String("virtio"),
		TimeFile: timeFile, Live: live,
		Boot: func(ctx context.Context, b grade.BootConfig) error {
			return bootForGrade(ctx, kernel, c.String("disk"), ram, b, log, check, stderr)
		},
	}
	score, err := s.Run(c.Context)
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	grade.WriteTable(stdout, score)
	if path := c.String("json"); path != "" {
		if err := grade.WriteJSON(path, score); err != nil {
			return &exitError{code: 1, err: err}
		}
	}
	if !score.Full() {
		return &exitError{code: 1, err: errors.New("")}
	}
	return nil
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
	return err
}

// gradePorts are the lab's ports for this uid, or the ones given (several
// students, or test runs, on one machine under one uid).
func gradePorts(c *cli.Context) (grade.Ports, error) {
	p := grade.PortsForUID(os.Getuid())
	if c.IsSet("server-port") {
		n := c.Uint("server-port")
		if n > 65535 {
			return p, fmt.Errorf("--server-port %d: want 0..65535 (0: any free port)", n)
		}
		p.Server = uint16(n)
	}
	if s := c.String("forward-ports"); s != "" {
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
