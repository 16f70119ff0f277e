package machine

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/rvemu/rvemu/trace"
)

// VirtioMode picks the virtio-mmio interface generation of the disk.
type VirtioMode int

const (
	// VirtioModern is virtio-mmio version 2 (xv6 from 2022 on).
	VirtioModern VirtioMode = iota
	// VirtioLegacy is virtio-mmio version 1 (xv6 before 2022).
	VirtioLegacy
)

func (v VirtioMode) String() string {
	if v == VirtioLegacy {
		return "legacy"
	}
	return "modern"
}

// ParseVirtioMode reads the --virtio flag.
func ParseVirtioMode(s string) (VirtioMode, error) {
	switch s {
	case "modern":
		return VirtioModern, nil
	case "legacy":
		return VirtioLegacy, nil
	}
	return 0, fmt.Errorf("virtio mode %q: want legacy or modern", s)
}

// ClockKind selects where mtime comes from.
type ClockKind int

const (
	// ClockWall: mtime follows the host's monotonic clock at 10 MHz.
	ClockWall ClockKind = iota
	// ClockVirtual: mtime follows retired instructions; idle time is
	// skipped. Runs are repeatable for the same input.
	ClockVirtual
)

// ParseClock reads the --clock flag.
func ParseClock(s string) (ClockKind, error) {
	switch s {
	case "wall", "":
		return ClockWall, nil
	case "virtual":
		return ClockVirtual, nil
	}
	return 0, fmt.Errorf("clock %q: want wall or virtual", s)
}

// Threads says how the harts share host threads.
type Threads int

const (
	// ThreadsAuto: a goroutine per hart when there is more than one,
	// unless the run must repeat (the virtual clock, record, replay) or
	// the host cannot (big-endian); turns on one goroutine otherwise.
	ThreadsAuto Threads = iota
	// ThreadsSingle: the harts take turns on one goroutine, in an order
	// that repeats (QEMU's -accel tcg,thread=single; --parallel=false).
	ThreadsSingle
	// ThreadsMulti: a goroutine per hart, asked for by name; refused with
	// what needs a repeatable run.
	ThreadsMulti
)

// ParseThreads reads QEMU's -accel thread= value ("single", "multi"; ""
// or "auto" for the default).
func ParseThreads(s string) (Threads, error) {
	switch s {
	case "", "auto":
		return ThreadsAuto, nil
	case "single":
		return ThreadsSingle, nil
	case "multi":
		return ThreadsMulti, nil
	}
	return 0, fmt.Errorf("threads %q: want single or multi", s)
}

// Config is everything the board needs to start. Zero values mean the
// defaults noted on each field.
type Config struct {
	Kernel string // ELF or raw image path (required)
	Disk   string // virtio block image, written back in place; "" for none
	Virtio VirtioMode
	Harts  int    // default 1
	RAM    uint64 // bytes, default DefaultRAMSize
	// Timeout stops the run with ExitTimeout; 0 means none.
	Timeout time.Duration
	// Trace: the --trace categories (trace.ParseList reads the flag).
	Trace trace.Set
	// TraceInsn limits "--trace insn" to a code range: a kernel symbol
	// ("e1000_recv"), "0xLO-0xHI" (HI exclusive) or one address; "" traces
	// every instruction.
	TraceInsn string
	// TraceOut receives trace lines; nil means Log.
	TraceOut io.Writer
	// Check turns on driver checkers (--check e1000); their warnings go
	// to CheckOut (nil: Log).
	Check    Check
	CheckOut io.Writer
	Clock    ClockKind
	// Net adds the E1000 at 00:01.0 and the user-mode network (off when zero).
	Net NetConfig
	// Quantum is the number of instructions a hart runs before the next
	// hart's turn; default DefaultQuantum.
	Quantum int
	// NoSpinDetect turns off the recognition of spinning harts (spin.go),
	// for comparison and as an escape hatch.
	NoSpinDetect bool
	// DiskSnapshot keeps guest writes to Disk in memory and leaves the
	// image file untouched (QEMU's -snapshot).
	DiskSnapshot bool

	ConsoleIn  io.Reader // bytes typed to the guest; nil for none
	ConsoleOut io.Writer // guest console output; nil discards
	// OnPanic, when set, is called once, on the machine loop, when the
	// guest's console prints a line starting with "panic" (xv6's panic()),
	// with that line and the state of the disk: front ends turn it into a
	// hint in their own words.
	OnPanic func(GuestPanic)
	// Log receives diagnostics and trace lines (HTIF FAIL, hints); nil
	// discards.
	Log io.Writer

	// Record, when set, receives a log of every external input with the
	// point of the run where it entered (package replay). Needs
	// ClockVirtual.
	Record io.Writer
	// Replay, when set, is such a log: its inputs are delivered at their
	// points instead of ConsoleIn's (ignored), and the run stops where the
	// recording stopped. Needs ClockVirtual and the same kernel, disk,
	// harts, memory and quantum as the recording.
	Replay io.Reader

	// GDBListen, when set, serves GDB's remote protocol on this TCP
	// address: HOST:PORT, :PORT or PORT, optionally "tcp:"-prefixed
	// (QEMU's -gdb tcp::1234); an empty host means 127.0.0.1.
	GDBListen string
	// Threads says how the harts share host threads (parallel.go). The
	// zero value, ThreadsAuto, runs each hart on a goroutine of its own
	// when there is more than one and the run need not repeat, as QEMU's
	// multi-threaded TCG does on this board.
	Threads Threads

	// NoReboot: a guest that resets the board (the test device's reset
	// value) ends the run with status 0 instead of booting again (QEMU's
	// -no-reboot).
	NoReboot bool

	// Paused starts with every hart stopped until the monitor's cont
	// (QEMU's -S without -gdb).
	Paused bool
	// GDBWait starts with all harts halted until the debugger resumes
	// them (QEMU's -S). It needs GDBListen.
	GDBWait bool

	// JIT chooses the execution engine (jit.go): "on" translates hot
	// code to host code, "off" interprets everything, "lockstep" checks
	// the translator against the interpreter as it runs (slow; for
	// tests). Empty: $RVEMU_JIT, else DefaultJIT.
	JIT string
}

// DefaultQuantum keeps interrupt latency small (a few microseconds of guest
// time) while amortising the per-turn bookkeeping. It is a multiple of
// lcm(1..10) so that spin loops of short period are recognised (spin.go).
const DefaultQuantum = 5040

// ExitTimeout is the exit status of a run stopped by Config.Timeout (the
// timeout(1) convention).
const ExitTimeout = 124

// ErrTimeout is returned by Run with ExitTimeout.
var ErrTimeout = errors.New("timeout")

func (c *Config) withDefaults() Config {
	d := *c
	if d.Harts == 0 {
		d.Harts = 1
	}
	if d.RAM == 0 {
		d.RAM = DefaultRAMSize
	}
	if d.Quantum == 0 {
		d.Quantum = DefaultQuantum
	}
	if d.ConsoleOut == nil {
		d.ConsoleOut = io.Discard
	}
	if d.Log == nil {
		d.Log = io.Discard
	}
	// The machine loop, the GDB stub and the network goroutines all log:
	// one lock keeps their lines whole and the writer race-free.
	d.Log = &lockedWriter{w: d.Log}
	if d.CheckOut == nil {
		d.CheckOut = d.Log
	} else {
		d.CheckOut = &lockedWriter{w: d.CheckOut}
	}
	if d.TraceOut == nil {
		d.TraceOut = d.Log
	} else {
		d.TraceOut = &lockedWriter{w: d.TraceOut}
	}
	return d
}

// lockedWriter serialises writes from several goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// MaxHarts matches xv6's NCPU and the CLINT/PLIC layouts we model.
const MaxHarts = 8

func (c *Config) validate() error {
	if c.Kernel == "" {
		return errors.New("no kernel given")
	}
	if c.Harts < 1 || c.Harts > MaxHarts {
		return fmt.Errorf("harts: %d, want 1..%d", c.Harts, MaxHarts)
	}
	if err := CheckRAM(c.RAM); err != nil {
		return err
	}
	if c.GDBWait && c.GDBListen == "" {
		return errors.New("waiting for gdb needs a gdb address to listen on")
	}
	if c.Record != nil && c.Replay != nil {
		return errors.New("record and replay: choose one")
	}
	if (c.Record != nil || c.Replay != nil) && c.Clock != ClockVirtual {
		return errors.New("record/replay needs the virtual clock (--clock virtual): wall time differs run to run")
	}
	if err := c.validateThreads(); err != nil {
		return err
	}
	if c.Quantum < 1 {
		return fmt.Errorf("quantum %d must be positive", c.Quantum)
	}
	if _, _, err := c.jitMode(); err != nil {
		return err
	}
	return nil
}

// CheckRAM says whether the board can have ram bytes of RAM: a multiple of
// 4 KiB from 1 MiB to MaxRAMSize (4 GiB, so the 2019 labs' -m 3G fits).
// Memory is committed as the guest touches it, so a large size costs
// nothing until used (xv6 uses its first 128 MiB only).
func CheckRAM(ram uint64) error {
	if ram < 1<<20 || ram%4096 != 0 || ram > MaxRAMSize {
		return fmt.Errorf("%d bytes of RAM: want a multiple of 4 KiB from 1 MiB to %d GiB", ram, MaxRAMSize>>30)
	}
	return nil
}
