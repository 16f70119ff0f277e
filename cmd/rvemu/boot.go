package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/rvemu/rvemu/console"
	"github.com/rvemu/rvemu/machine"
	"github.com/rvemu/rvemu/trace"
)

const bootDescription = `Boots KERNEL (an ELF64 RISC-V executable, or a raw binary loaded at
0x80000000) on a QEMU-virt-compatible board: CLINT, PLIC, NS16550A UART on
stdin/stdout, virtio-mmio disk, PCIe. The guest's poweroff status is
rvemu's exit status.

Network (--net user, the default): an Intel E1000 at PCI 00:01.0 on a
user-mode network like QEMU's: the guest is 10.0.2.15, UDP to 10.0.2.2:P
reaches the host's 127.0.0.1:P, DNS is answered inside (--dns-host,
/etc/hosts), and nothing else leaves unless --net-egress all.

Console: on a terminal, Ctrl-A X quits, Ctrl-A H lists the keys, Ctrl-A
Ctrl-A sends Ctrl-A, Ctrl-A C switches to the QEMU monitor, "(qemu) ",
and back (info mem, info registers, x /4xw ADDR, stop, cont, quit; help
lists them). Piped input is fed to the guest as it reads it.

Exit status: the guest's (SiFive test device or HTIF), 124 on --timeout,
2 for usage errors (missing kernel, not a RISC-V ELF, unopenable disk,
disk image in use by another rvemu).

Examples:
   rvemu boot --disk fs.img kernel/kernel
   rvemu boot --smp 3 --virtio legacy --disk fs.img kernel   # xv6 before 2022
   rvemu boot -m 256M --timeout 60s --trace trap,mmio kernel 2>trace.txt
   rvemu boot --disk fs.img --trace trap,virtio,plic,insn:usertrap --trace-file t.txt kernel
   rvemu boot --smp 3 --disk fs.img --hostfwd udp::25999-:2000 --pcap packets.pcap kernel   # net lab
   rvemu boot --smp 3 --disk fs.img --check e1000 --trace e1000,net kernel    # debugging a driver
   echo ls | rvemu boot --disk fs.img kernel
   rvemu boot --disk fs.img --disk-snapshot kernel            # fs.img stays as it was`

func bootCommand(stdin *os.File, stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:        "boot",
		Usage:       "boot a kernel",
		ArgsUsage:   "KERNEL",
		Description: bootDescription,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "disk", Usage: "virtio block device image `FILE` (written back in place, locked against a second rvemu)"},
			&cli.BoolFlag{Name: "disk-snapshot", Usage: "keep the guest's disk writes in memory: the image file stays untouched (QEMU -snapshot)"},
			&cli.StringFlag{Name: "virtio", Value: "modern", Usage: "virtio-mmio interface: legacy (version 1) or modern (version 2)"},
			&cli.IntFlag{Name: "smp", Value: 1, Usage: "number of harts `N`"},
			&cli.StringFlag{Name: "memory", Aliases: []string{"m"}, Value: "128M", Usage: "RAM `SIZE` (128M, 1G, or bytes)"},
			&cli.DurationFlag{Name: "timeout", Usage: "stop after `DURATION` with exit status 124"},
			&cli.StringFlag{Name: "trace", Usage: "comma-separated trace `LIST` to stderr: " + strings.Join(trace.Names(), ", ") +
				"; insn:SYMBOL or insn:0xLO-0xHI traces only that code"},
			&cli.StringFlag{Name: "trace-file", Usage: "write trace lines to `FILE` instead of stderr"},
			&cli.StringFlag{Name: "check", Value: "none", Usage: "driver `CHECKER` warning on stderr when the guest's driver breaks the device's rules: e1000 or none"},
			&cli.IntFlag{Name: "quantum", Value: machine.DefaultQuantum, Usage: "instructions per hart turn (tuning)"},
			&cli.BoolFlag{Name: "stats", Usage: "print instructions, time, speed, and what bounded queues dropped on stderr at exit"},
			&cli.BoolFlag{Name: "no-spin-detect", Usage: "run spinning harts full quanta (tuning)"},
			&cli.BoolFlag{Name: "parallel", Usage: "each hart on its own host thread: the default with --smp 2 or more, except with --clock virtual or --record/--replay; --parallel=false makes the harts take turns on one thread, repeatably"},
			&cli.StringFlag{Name: "cpuprofile", Usage: "write a Go CPU profile of the emulator to `FILE`"},
			&cli.StringFlag{Name: "clock", Value: "wall", Usage: "mtime source: wall (host clock) or virtual (retired instructions; repeatable runs)"},
			&cli.StringFlag{Name: "record", Usage: "log every console input with the instruction count where it entered to `FILE` (implies --clock virtual)"},
			&cli.StringFlag{Name: "replay", Usage: "re-run a --record `FILE` exactly: its input, no host input, stop where it stopped (implies --clock virtual)"},
			&cli.StringFlag{Name: "jit", Usage: "execution `ENGINE`: on (translate hot code to host code), off (interpret everything), lockstep (check the translator against the interpreter; slow); default $" + machine.JITEnv + ", else " + machine.DefaultJIT},
			monitorFlag,
		}, append(append([]cli.Flag{}, gdbFlags...), netFlags()...)...),
		Action: func(c *cli.Context) error { return boot(c, stdin, stdout, stderr) },
	}
}

func usageError(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// configFromFlags turns the command line into a machine configuration.
func configFromFlags(c *cli.Context) (machine.Config, error) {
	var cfg machine.Config
	if c.NArg() != 1 {
		return cfg, usageError("boot: want exactly one KERNEL argument, got %d (see rvemu boot --help)", c.NArg())
	}
	cfg.Kernel = c.Args().First()
	cfg.Disk = c.String("disk")
	cfg.DiskSnapshot = c.Bool("disk-snapshot")
	if cfg.DiskSnapshot && cfg.Disk == "" {
		return cfg, usageError("--disk-snapshot needs --disk")
	}
	var err error
	if cfg.Virtio, err = machine.ParseVirtioMode(c.String("virtio")); err != nil {
		return cfg, usageError("%v", err)
	}
	cfg.Harts = c.Int("smp")
	if cfg.Harts < 1 || cfg.Harts > machine.MaxHarts {
		return cfg, usageError("--smp %d: want 1..%d", cfg.Harts, machine.MaxHarts)
	}
	if cfg.RAM, err = machine.ParseSize(c.String("memory")); err != nil {
		return cfg, usageError("%v", err)
	}
	cfg.Timeout = c.Duration("timeout")
	cfg.NoSpinDetect = c.Bool("no-spin-detect")
	if c.IsSet("parallel") {
		cfg.Threads = machine.ThreadsSingle
		if c.Bool("parallel") {
			cfg.Threads = machine.ThreadsMulti
		}
	}
	cfg.JIT = c.String("jit")
	if cfg.Quantum = c.Int("quantum"); cfg.Quantum < 1 {
		return cfg, usageError("--quantum %d: must be positive", cfg.Quantum)
	}
	if cfg.Trace, cfg.TraceInsn, err = trace.ParseList(c.String("trace")); err != nil {
		return cfg, usageError("%v", err)
	}
	if cfg.Check, err = machine.ParseCheck(c.String("check")); err != nil {
		return cfg, usageError("%v", err)
	}
	if cfg.Clock, err = machine.ParseClock(c.String("clock")); err != nil {
		return cfg, usageError("%v", err)
	}
	if (c.IsSet("record") || c.IsSet("replay")) && !c.IsSet("clock") {
		cfg.Clock = machine.ClockVirtual // the only clock that repeats
	}
	if cfg.Net, err = netConfigFromFlags(c); err != nil {
		return cfg, err
	}
	return cfg, gdbConfig(c, &cfg)
}

func boot(c *cli.Context, stdin *os.File, stdout, stderr io.Writer) error {
	cfg, err := configFromFlags(c)
	if err != nil {
		return err
	}
	cfg.ConsoleOut = stdout
	cfg.Log = stderr
	if path := c.String("trace-file"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			return usageError("--trace-file: %v", err)
		}
		defer f.Close()
		// Buffered: a trace is written line by line, often per instruction.
		w := bufio.NewWriterSize(f, 64<<10)
		defer w.Flush()
		cfg.TraceOut = w
	}

	closeLogs, err := openRecordReplay(c, &cfg)
	if err != nil {
		return err
	}
	defer closeLogs()

	goroutinesAtStart := runtime.NumGoroutine()
	ctx, quit := context.WithCancel(c.Context)
	defer quit()
	var esc *console.Escaper
	var shared *terminal
	if cfg.Replay == nil { // a replay takes no host input: the terminal stays as it is
		st, err := bootStdio(c)
		if err != nil {
			return err
		}
		term, err := console.MakeRaw(stdin)
		if err != nil {
			return &exitError{code: 1, err: fmt.Errorf("console: %w", err)}
		}
		// Restored on every way out of here, before run prints any error;
		// signals cancel the context (see run), so they come back this way too.
		defer term.Restore()
		shared = shareTerminal(&cfg, st, term != nil, stdin, stdout, stderr, quit)
		esc = shared.esc
	}

	m, err := machine.New(cfg)
	if shared != nil {
		shared.bind(m)
	}
	if err != nil {
		return usageError("%v", err)
	}
	boundGarbage(uint64(len(m.Bus().RAM)))
	if path := c.String("cpuprofile"); path != "" {
		stopProfile, err := startProfile(path)
		if err != nil {
			return usageError("%v", err)
		}
		defer stopProfile()
	}
	code, err := m.Run(ctx)
	if c.Bool("stats") {
		fmt.Fprintf(stderr, "rvemu: %s\n", m.Stats())
		if j := m.JITStats(); j != "" {
			fmt.Fprintf(stderr, "rvemu: %s\n", j)
		}
		fmt.Fprintf(stderr, "rvemu: %s\n", limitsLine(esc, m, goroutinesAtStart))
	}
	switch {
	case err == nil:
		return exitStatus(code)
	case errors.Is(err, machine.ErrTimeout):
		return &exitError{code: code, err: fmt.Errorf("timeout after %v", cfg.Timeout)}
	case errors.Is(err, context.Canceled):
		return nil // Ctrl-A X, or a signal (run reports that one)
	}
	return &exitError{code: 1, err: err}
}

func exitStatus(code int) error {
	if code == 0 {
		return nil
	}
	return &exitError{code: code, err: errors.New("")}
}

// openRecordReplay opens the --record/--replay files; the returned
// function closes them.
func openRecordReplay(c *cli.Context, cfg *machine.Config) (func(), error) {
	var files []*os.File
	closeAll := func() {
		for _, f := range files {
			f.Close()
		}
	}
	if path := c.String("record"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			return closeAll, usageError("--record: %v", err)
		}
		files = append(files, f)
		cfg.Record = f
	}
	if path := c.String("replay"); path != "" {
		f, err := os.Open(path)
		if err != nil {
			closeAll()
			return func() {}, usageError("--replay: %v", err)
		}
		files = append(files, f)
		cfg.Replay = f
	}
	return closeAll, nil
}
