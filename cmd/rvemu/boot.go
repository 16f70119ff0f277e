package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/rvemu/rvemu/gdbstub"
	"github.com/rvemu/rvemu/internal/cmdline"
	"github.com/rvemu/rvemu/loader"
	"github.com/rvemu/rvemu/machine"
	"github.com/rvemu/rvemu/qemucli"
	"github.com/rvemu/rvemu/trace"
)

const bootAbout = `Boots KERNEL, an ELF64 RISC-V executable such as an xv6 tree's kernel/kernel, on a board like QEMU's virt: CLINT, PLIC, a 16550 UART on this terminal, a virtio-mmio disk, PCIe with an Intel E1000 on a user-mode network.

On a terminal, Ctrl-A X quits, Ctrl-A H lists the console keys, Ctrl-A Ctrl-A sends Ctrl-A, Ctrl-A C switches to the QEMU monitor, "(qemu) ", and back (info mem, info registers, x /4xw ADDR, stop, cont, quit; help lists them). Piped input is fed to the guest as it reads it.`

const bootMore = `Network (--net user, the default): the guest is 10.0.2.15; UDP to 10.0.2.2:P reaches the host's 127.0.0.1:P; DNS is answered inside (--dns-host, /etc/hosts); nothing else leaves unless --net-egress all.

Exit status: the guest's own (0 when it powers off cleanly, N when it fails with status N); 0 after Ctrl-A X; 124 on --timeout; 2 for a usage or host error (bad option, missing kernel, not an ELF, unopenable disk, disk in use by another rvemu, port in use); 128+N when stopped by signal N.

Examples:
   rvemu boot kernel/kernel --disk fs.img
   rvemu boot --smp 3 --virtio legacy kernel/kernel --disk fs.img  # 2019-2021
   rvemu boot -m 256 --timeout 60s --trace trap,mmio kernel 2>trace.txt
   rvemu boot kernel --disk fs.img --trace trap,insn:usertrap --trace-file t
   rvemu boot kernel --smp 3 --disk fs.img --hostfwd udp::25999-:2000 \
       --pcap packets.pcap                               # the net lab
   rvemu boot kernel --disk fs.img --check e1000 --trace e1000,net
   echo ls | rvemu boot --disk fs.img kernel
   rvemu boot --disk fs.img --disk-snapshot kernel    # fs.img stays as it was`

// bootOptions is boot's command line.
type bootOptions struct {
	disk, virtio, memory          string
	diskSnapshot, raw, noReboot   bool
	smp, quantum                  int
	timeout                       time.Duration
	traceList, traceFile, check   string
	stats, noSpinDetect, parallel bool
	cpuProfile, clock, jit        string
	monitor                       string
	record, replay                string
	gdb                           string
	gdbWait                       bool
	net                           netOptions
}

func bootFlags(o *bootOptions) *cmdline.Set {
	*o = bootOptions{virtio: "modern", memory: "128M", smp: 1, quantum: machine.DefaultQuantum, check: "none", clock: "wall"}
	s := cmdline.New("rvemu boot", "KERNEL")
	s.Describe(bootAbout, bootMore)
	s.String(&o.disk, "disk", "FILE", "virtio disk image (written in place; locked against a second rvemu)")
	s.Bool(&o.diskSnapshot, "disk-snapshot", "keep the guest's disk writes in memory: FILE stays as it was (QEMU -snapshot)")
	s.String(&o.virtio, "virtio", "MODE", "virtio-mmio interface: legacy (version 1, xv6 2019-2021) or modern (version 2)")
	s.Int(&o.smp, "smp", "N", fmt.Sprintf("harts, 1 to %d", machine.MaxHarts))
	s.String(&o.memory, "memory,m", "SIZE", "RAM in MiB, or with a K, M or G suffix: 512, 3G")
	s.Duration(&o.timeout, "timeout", "TIME", "stop after TIME (30s, 2m, or seconds) with status 124")
	s.Bool(&o.raw, "raw", "take a KERNEL that is not ELF: a raw binary loaded and started at 0x80000000")
	s.Bool(&o.noReboot, "no-reboot", "exit (status 0) when the guest resets the board, instead of booting again")
	s.Bool(&o.stats, "stats", "print instructions, time, speed and queue counters at exit")

	s.Section("Network")
	netFlags(s, &o.net)

	s.Section("Debugging")
	s.String(&o.gdb, "gdb", "[HOST:]PORT", "serve the GDB remote protocol (host 127.0.0.1 unless given)")
	s.Bool(&o.gdbWait, "gdb-wait", "hold the harts at the first instruction until gdb continues them")
	s.String(&o.traceList, "trace", "LIST", "comma-separated traces to stderr: "+strings.Join(trace.Names(), ", ")+
		"; insn:SYMBOL or insn:0xLO-0xHI traces only that code")
	s.String(&o.traceFile, "trace-file", "FILE", "write trace lines to FILE instead of stderr")
	s.String(&o.check, "check", "CHECKER", "warn when the guest's driver breaks the device's rules: e1000 or none")
	s.String(&o.clock, "clock", "SOURCE", "mtime from the host clock (wall) or retired instructions (virtual: repeatable)")
	s.String(&o.record, "record", "FILE", "log every console input with the instruction count it entered at (implies --clock virtual)")
	s.String(&o.replay, "replay", "FILE", "re-run a --record FILE exactly: its input, no host input (implies --clock virtual)")
	s.String(&o.monitor, "monitor", "WHERE", "the QEMU monitor: shared with the console behind Ctrl-A C (default), "+
		"stdio (start in the monitor) or none")

	s.Section("Tuning")
	s.Bool(&o.parallel, "parallel", "each hart on its own host thread: the default with --smp 2 or more, except with --clock virtual, --record or --replay; --parallel=false: harts take turns on one thread, repeatably")
	s.Int(&o.quantum, "quantum", "N", "instructions per hart turn")
	s.Bool(&o.noSpinDetect, "no-spin-detect", "run spinning harts full turns")
	s.String(&o.jit, "jit", "ENGINE", "on (translate hot code to host code), off (interpret), lockstep (check the translator "+
		"against the interpreter; slow); default $"+machine.JITEnv+", else "+machine.DefaultJIT)
	s.String(&o.cpuProfile, "cpuprofile", "FILE", "write a Go CPU profile of the emulator to FILE")
	return s
}

// runBoot is `rvemu boot`.
func runBoot(ctx context.Context, args []string, stdin *os.File, stdout, stderr io.Writer) int {
	var o bootOptions
	set := bootFlags(&o)
	operands, code, ok := parseOptions(set, "boot", args, stdout, stderr)
	if !ok {
		return code
	}
	cfg, err := o.config(set, operands)
	if err != nil {
		return usageError(stderr, "boot", err)
	}
	if err := checkKernel(cfg.Kernel, o.raw); err != nil {
		return hostError(stderr, "boot", err)
	}
	if o.traceFile != "" {
		f, err := os.Create(o.traceFile)
		if err != nil {
			return hostError(stderr, "boot", fmt.Errorf("--trace-file: %w", err))
		}
		defer f.Close()
		// Buffered: a trace is written line by line, often per instruction.
		w := bufio.NewWriterSize(f, 64<<10)
		defer w.Flush()
		cfg.TraceOut = w
	}
	closeLogs, err := openRecordReplay(&o, &cfg)
	if err != nil {
		return hostError(stderr, "boot", err)
	}
	defer closeLogs()
	stdio, err := bootStdio(o.monitor)
	if err != nil {
		return usageError(stderr, "boot", err)
	}
	f := &frontEnd{prefix: "rvemu: boot", stdio: stdio, words: bootWords, stdin: stdin, stdout: stdout, stderr: stderr,
		stats: o.stats, cpuProfile: o.cpuProfile}
	return f.runBoard(ctx, cfg)
}

// config turns the command line into a board configuration; its errors
// are usage errors.
func (o *bootOptions) config(set *cmdline.Set, operands []string) (machine.Config, error) {
	var cfg machine.Config
	switch len(operands) {
	case 1:
	case 0:
		return cfg, fmt.Errorf("no KERNEL given")
	default:
		return cfg, fmt.Errorf("one KERNEL expected, got %d operands: %s", len(operands), strings.Join(operands, " "))
	}
	cfg.Kernel = operands[0]
	cfg.Disk = o.disk
	cfg.DiskSnapshot = o.diskSnapshot
	if cfg.DiskSnapshot && cfg.Disk == "" {
		return cfg, fmt.Errorf("--disk-snapshot needs --disk")
	}
	var err error
	if cfg.Virtio, err = machine.ParseVirtioMode(o.virtio); err != nil {
		return cfg, fmt.Errorf("--virtio: %v", err)
	}
	cfg.Harts = o.smp
	if cfg.Harts < 1 || cfg.Harts > machine.MaxHarts {
		return cfg, fmt.Errorf("--smp %d: want 1 to %d", cfg.Harts, machine.MaxHarts)
	}
	if cfg.RAM, err = ramSize(o.memory); err != nil {
		return cfg, fmt.Errorf("--memory %v", err)
	}
	cfg.Timeout = o.timeout
	cfg.NoSpinDetect = o.noSpinDetect
	if set.Seen("parallel") {
		cfg.Threads = machine.ThreadsSingle
		if o.parallel {
			cfg.Threads = machine.ThreadsMulti
		}
	}
	cfg.NoReboot = o.noReboot
	cfg.JIT = o.jit
	if cfg.Quantum = o.quantum; cfg.Quantum < 1 {
		return cfg, fmt.Errorf("--quantum %d: must be positive", cfg.Quantum)
	}
	if cfg.Trace, cfg.TraceInsn, err = trace.ParseList(o.traceList); err != nil {
		return cfg, fmt.Errorf("--trace: %v", err)
	}
	if cfg.Check, err = machine.ParseCheck(o.check); err != nil {
		return cfg, fmt.Errorf("--check: %v", err)
	}
	if cfg.Clock, err = machine.ParseClock(o.clock); err != nil {
		return cfg, fmt.Errorf("--clock: %v", err)
	}
	if (o.record != "" || o.replay != "") && !set.Seen("clock") {
		cfg.Clock = machine.ClockVirtual // the only clock that repeats
	}
	if cfg.Net, err = o.net.config(); err != nil {
		return cfg, err
	}
	cfg.GDBWait = o.gdbWait
	if o.gdb == "" && o.gdbWait {
		return cfg, fmt.Errorf("--gdb-wait needs --gdb [HOST:]PORT")
	}
	if o.gdb != "" {
		if _, err := gdbstub.ListenAddress(o.gdb); err != nil {
			return cfg, fmt.Errorf("--gdb: %v", err)
		}
		cfg.GDBListen = o.gdb
	}
	return cfg, nil
}

// ramSize reads a RAM size as both front ends take it (QEMU's rule: MiB
// unless suffixed) and checks it against what the board holds.
func ramSize(s string) (uint64, error) {
	n, err := qemucli.ParseMemory(s)
	if err != nil {
		return 0, err
	}
	if err := machine.CheckRAM(n); err != nil {
		return 0, fmt.Errorf("%s: %v", s, err)
	}
	return n, nil
}

// checkKernel refuses a KERNEL that is not an ELF executable unless raw
// images were asked for: a text file or a disk image given by mistake
// would otherwise run as code and trap forever.
func checkKernel(path string, raw bool) error {
	format, head, err := loader.Identify(path)
	if err != nil {
		return err
	}
	if format == loader.FormatELF || raw {
		return nil
	}
	return fmt.Errorf("%s is not an ELF executable (it starts %s): boot an xv6 kernel such as kernel/kernel, or give --raw for a raw image",
		path, head)
}

// openRecordReplay opens the --record/--replay files; the returned
// function closes them.
func openRecordReplay(o *bootOptions, cfg *machine.Config) (func(), error) {
	var files []*os.File
	closeAll := func() {
		for _, f := range files {
			f.Close()
		}
	}
	if o.record != "" {
		f, err := os.Create(o.record)
		if err != nil {
			return closeAll, fmt.Errorf("--record: %w", err)
		}
		files = append(files, f)
		cfg.Record = f
	}
	if o.replay != "" {
		f, err := os.Open(o.replay)
		if err != nil {
			closeAll()
			return func() {}, fmt.Errorf("--replay: %w", err)
		}
		files = append(files, f)
		cfg.Replay = f
	}
	return closeAll, nil
}
