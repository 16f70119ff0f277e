// Package machine is the board: it owns the address map, wires the harts to
// RAM and devices, loads the kernel and runs the harts, each on a
// goroutine of its own (parallel.go) or taking turns on one in fixed
// instruction quanta (run.go), handing host events in between.
package machine

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"time"

	"github.com/rvemu/rvemu/bus"
	"github.com/rvemu/rvemu/clint"
	"github.com/rvemu/rvemu/cpu"
	"github.com/rvemu/rvemu/debugtarget"
	"github.com/rvemu/rvemu/fdt"
	"github.com/rvemu/rvemu/loader"
	"github.com/rvemu/rvemu/monitor"
	"github.com/rvemu/rvemu/pci"
	"github.com/rvemu/rvemu/plic"
	"github.com/rvemu/rvemu/replay"
	"github.com/rvemu/rvemu/symtab"
	"github.com/rvemu/rvemu/trace"
	"github.com/rvemu/rvemu/uart"
	"github.com/rvemu/rvemu/virtio"
)

// Machine is one booted board. Create it with New, start it with Run.
// Everything guest-visible belongs to the goroutine running Run, and on
// the parallel board to the hart goroutines under its rules (parallel.go). Its state
// is grouped by owner: what New wires, the run loop, network timing,
// debugging, recording and the parallel board.
type Machine struct {
	cfg Config

	wiring    // the address space, the harts and the devices (New)
	loop      // the run loop: clock, turn strategy, spins, host work (run.go, turns.go)
	netTiming // when frames crossed and what that changes in the loop (net.go, netspin.go)
	debugging // the GDB target, traces that name code, the checker's hart (debug.go, tracing.go, check.go)
	recording // --record/--replay (record.go)
	parallel  // a goroutine per hart (parallel.go)

	// Image is what the loader found (entry point, HTIF symbols).
	Image *loader.Image
	// FDTAddress is where the device tree blob sits (passed in a1).
	FDTAddress uint64
}

// wiring is the board as New builds it: the address space, the harts and
// every device at its address (memmap.go).
type wiring struct {
	bus   *bus.Bus
	sys   *cpu.System
	harts []*cpu.Hart

	clint *clint.CLINT
	plic  *plic.PLIC
	uart  *uart.UART
	fin   finisher
	htif  *htif
	disk  diskImage
	blk   *virtio.Block
	pci   *pci.Host
	net   *network // nil without --net

	// kernel and fdt are what a reset writes into RAM again (reset.go):
	// the image as read at start, the device tree blob.
	kernel, fdt []byte

	// out buffers guest console output; flushed every turn of the loop,
	// so the UART costs no system call per byte.
	out *bufio.Writer
	// watch sees the console output for a panic line (Config.OnPanic).
	watch *panicWatch
}

// loop is the run loop's state.
type loop struct {
	clock *clock
	// run is the loop itself, serial or parallel; turn gives the harts
	// one turn each in the serial loop (ordinary quanta, the debugger's
	// or the instruction tracer's single steps). Both are chosen once, in
	// New (chooseLoop).
	run  func(ctx context.Context, in *input) (int, error)
	turn func() (ran bool)
	// runSteps runs a hart a few instructions as the loop would (the
	// debugger's and the instruction tracer's single steps): runInsns,
	// or runInsnsParallel on the parallel board.
	runSteps func(h *cpu.Hart, n int) (retired int, exited bool)

	stats stats
	in    *input // console input, held until the UART has room
	spin  []spinTrack
	// mmioCount counts device register accesses (spin detection).
	mmioCount uint64
	// posted carries work from host goroutines onto the machine loop.
	posted chan func()
}

// netTiming is what the network changes in the loop's timing.
type netTiming struct {
	// netSummary and netLost: the counters at the end (NetSummary).
	netSummary string
	netLost    bool
	// netWake is the user network's wake channel (nil without one): the
	// loop polls it itself (pollNet).
	netWake <-chan struct{}
	// rxTurn: a frame reached the NIC; the next hart turn gets
	// rxTurnQuantum. It stays set until a turn takes it, so a replay,
	// which may feed the frame at an MMIO exit instead of the loop's top
	// (the same point), boosts the same turn.
	rxTurn bool
	// lastNet: when a frame last crossed the cable either way (wall clock
	// only); an idle sleep soon after it busy-polls first (see netSpin).
	lastNet time.Time
}

// debugging is the state of the debugger and the diagnostics.
type debugging struct {
	// dbg is the GDB stub's target; nil without --gdb.
	dbg *debugtarget.Target
	// The QEMU monitor (monitor.go): the console's monitor (made at its
	// first command), paused (its stop, or -S without a debugger: no hart
	// runs), quit (its quit: Run returns 0). ended is closed when Run
	// returns, so commands stop waiting for the loop.
	mon    *monitor.Monitor
	paused bool
	quit   bool
	ended  chan struct{}
	// syms names kernel code in traces (nil: none loaded); insn is the
	// per-instruction tracer, nil unless --trace insn.
	syms *symtab.Table
	insn *trace.InsnTracer
	// cur is the hart running now: the driver checker names its pc.
	cur *cpu.Hart
	// logs takes the devices' messages about the guest (logbook.go).
	logs *logBook
}

// New builds the board described by cfg and loads the kernel. Errors are
// the user's (missing kernel, wrong ELF, unopenable disk) and read as one
// line.
func New(cfg Config) (*Machine, error) {
	c := cfg.withDefaults()
	if err := c.validate(); err != nil {
		return nil, err
	}
	m := &Machine{cfg: c}
	m.logs = newLogBook(c.Log)
	m.clock = newClock(c.Clock)
	m.ended = make(chan struct{})
	m.pause(c.Paused)
	m.bus = bus.New(RAMBase, c.RAM)

	var err error
	if m.kernel, err = os.ReadFile(c.Kernel); err != nil {
		return nil, fmt.Errorf("kernel: %w", err)
	}
	img, err := loader.Load(m.kernel, loader.RAM{Base: RAMBase, Bytes: m.bus.RAM})
	if err != nil {
		return nil, fmt.Errorf("kernel %s: %w", c.Kernel, err)
	}
	m.Image = img
	if err := m.setupTracing(); err != nil {
		return nil, err
	}
	if c.Replay != nil {
		if m.script, err = replay.NewScript(c.Replay, c.Log); err != nil {
			return nil, err
		}
	}
	if c.Record != nil {
		if m.rec, err = replay.NewRecorder(c.Record, c.Log, "kernel "+c.Kernel); err != nil {
			return nil, err
		}
	}
	if c.Disk != "" {
		if m.disk, err = openDisk(c.Disk, c.DiskSnapshot); err != nil {
			return nil, err
		}
	}

	m.watch = &panicWatch{w: c.ConsoleOut, report: m.reportPanic}
	m.out = bufio.NewWriterSize(m.watch, 4096)
	m.wireDevices()
	if err := m.wireNet(); err != nil {
		m.Close()
		return nil, err
	}

	m.fdt = fdt.Encode(deviceTree(c.Harts, c.RAM), 0)
	m.FDTAddress = fdtAddress(c.RAM, len(m.fdt))
	if img.End > m.FDTAddress {
		return nil, fmt.Errorf("kernel %s: image ends at %#x, over the device tree at %#x: give more memory (-m)",
			c.Kernel, img.End, m.FDTAddress)
	}
	copy(m.bus.RAM[m.FDTAddress-RAMBase:], m.fdt)

	if img.HasHTIF {
		m.htif = &htif{bus: m.bus, tohost: img.ToHost, fromhost: img.FromHost, console: m.out, log: c.Log}
	}

	m.sys = cpu.NewSystem(m.bus, m.clock.now)
	for id := 0; id < c.Harts; id++ {
		h := m.sys.NewHart(id)
		m.startHart(h)
		m.harts = append(m.harts, h)
	}
	m.spin = make([]spinTrack, len(m.harts))
	m.reportStorms()
	if c.parallel() {
		if err := m.setupParallel(); err != nil {
			m.Close()
			return nil, err
		}
	}
	jitMode, explicit, _ := c.jitMode() // validated
	m.enableJIT(jitMode, explicit)
	m.posted = make(chan func(), 64)
	m.installTraces()
	if err := m.startGDB(); err != nil {
		m.Close()
		return nil, err
	}
	m.chooseLoop()
	return m, nil
}

// wireDevices creates the devices and maps them at their addresses.
func (m *Machine) wireDevices() {
	c := &m.cfg
	m.clint = clint.New(c.Harts, m.clock.now)
	m.plic = plic.New(c.Harts)
	m.uart = uart.New(m.plic.Line(uartIRQ), m.out)

	m.mapDevice("finisher", finisherBase, finisherSize, &m.fin)
	m.mapDevice("clint", clintBase, clintSize, m.clint)
	m.mapDevice("plic", plicBase, plicSize, m.tracedPLIC(m.plic))
	m.mapDevice("uart", uartBase, uartSize, m.uart)
	m.mapVirtio()
	m.mapPCI()
}

// mapDevice maps d, counted (for spin detection) and wrapped in a tracer
// when MMIO tracing is on.
func (m *Machine) mapDevice(name string, base, size uint64, d bus.Device) {
	if m.cfg.Trace.Has(trace.MMIO) {
		d = trace.MMIODevice(name, base, d, m.cfg.TraceOut)
	}
	m.bus.Map(name, base, size, &countedDevice{dev: d, count: &m.mmioCount})
}

// countedDevice counts register accesses: a hart that touched a device
// may have changed the world, so its loop is not a spin.
type countedDevice struct {
	dev   bus.Device
	count *uint64
}

func (c *countedDevice) Read(offset uint64, size int) uint64 {
	*c.count++
	return c.dev.Read(offset, size)
}

func (c *countedDevice) Write(offset uint64, size int, value uint64) {
	*c.count++
	c.dev.Write(offset, size, value)
}

// Harts exposes the harts for debuggers and tests (read them only while
// Run is not running).
func (m *Machine) Harts() []*cpu.Hart { return m.harts }

// Bus exposes the physical address space for debuggers and tests.
func (m *Machine) Bus() *bus.Bus { return m.bus }

// Close releases host resources (the disk file). Run calls it on return.
func (m *Machine) Close() error {
	m.stopGDB(0)
	m.out.Flush()
	netErr := m.closeNet()
	m.logs.summary()
	if m.disk == nil {
		return netErr
	}
	err := m.disk.Sync()
	if cerr := m.disk.Close(); err == nil {
		err = cerr
	}
	m.disk = nil
	if err != nil {
		return fmt.Errorf("disk: %w", err)
	}
	return netErr
}

// Post runs fn on the machine loop, between quanta; any goroutine may call
// it. Host-side device code (network, timers) uses it to change guest-
// visible state safely, and it wakes an idle board.
func (m *Machine) Post(fn func()) { m.posted <- fn }

// runPosted drains work posted by host goroutines.
func (m *Machine) runPosted() {
	for {
		select {
		case fn := <-m.posted:
			fn()
		default:
			return
		}
	}
}
