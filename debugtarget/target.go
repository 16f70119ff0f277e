// Package debugtarget is the board's side of a GDB session: it implements
// gdbstub.Target over a small Board interface (the harts and their
// System, physical memory, the machine loop, and running one hart a few
// instructions as the loop would), so the stub never sees the board and
// the board never sees the protocol.
//
// Breakpoints and watchpoints are the CPU's (cpu.System.SetBreakpoint,
// SetWatchpoints: marks in the decode cache, pages kept out of the data
// TLBs), so the board runs its ordinary quanta while they are set and a
// hit costs nothing until it happens: the hart that hits one holds itself
// and the System's OnDebugStop hook (hit) stops the others. A watchpoint
// stops the hart at the instruction making the access, before it runs, as
// gdb's RISC-V port expects and QEMU does (gdb steps over it itself).
// Stopping is holding every hart (cpu.Hart.Hold: Run runs nothing,
// Waiting reports true); resuming releases them, and a released hart runs
// the instruction at its pc unchecked (neither a breakpoint there nor its
// watched access stops it). Turn is needed only for a single step.
//
// Two boards drive it. The serial board runs every hart on one goroutine
// and calls Turn while Active (a step). The parallel board runs each hart
// on a goroutine of its own, parks a held hart's goroutine, and has the
// hart being stepped (Stepping) take its step itself (StepHart). All-stop
// there works like this:
//   - gdbstub.Target's methods run inside Post, which the parallel board
//     runs with every hart goroutine standing between two quanta: they
//     change the harts, the System's breakpoints and this target's state
//     without racing a hart.
//   - hit (a breakpoint or watchpoint) and a finished step run on the
//     hart's own goroutine: the run state is atomic and stopMu makes the
//     first stop the one gdb hears of. Holding is an atomic flag per hart,
//     so the others stop at the end of their quantum (a hart that meets
//     its own breakpoint meanwhile stays held there, unreported).
package debugtarget

import (
	"errors"
	"sync"
	"sync/atomic"

	"github.com/rvemu/rvemu/bus"
	"github.com/rvemu/rvemu/cpu"
	"github.com/rvemu/rvemu/gdbstub"
)

// Board is what the target needs of the machine.
type Board interface {
	// Harts are the board's harts, by id.
	Harts() []*cpu.Hart
	// System is the harts' shared state, which holds the breakpoints and
	// watchpoints.
	System() *cpu.System
	// Bus is the physical address space; debugger writes go through its
	// DMA path, which keeps decoded instructions and LR reservations
	// coherent.
	Bus() *bus.Bus
	// Post runs fn on the machine loop; any goroutine may call it.
	Post(fn func())
	// Run runs h for up to n instructions as the board's loop does (time
	// advances, device lines are re-sampled after a device access) and
	// reports how many retired and whether the guest has powered off.
	Run(h *cpu.Hart, n int) (retired int, exited bool)
}

// errMemory: an address that does not map to RAM.
var errMemory = errors.New("address not in RAM")

// Target is a gdbstub.Target for one board.
type Target struct {
	board Board
	harts []*cpu.Hart
	bus   *bus.Bus

	server *gdbstub.Server
	addr   string        // where server listens; set once before Run
	final  gdbstub.Stats // the server's counters when it closed
	onStop func(gdbstub.Stop)

	sys *cpu.System
	// The run state: halted (every hart held by the debugger), step (the
	// hart to step one instruction, -1 none) and active (it caches "Turn
	// is needed" for the serial loop's branch). Hart goroutines read them
	// while they run, and a hart that stops the others writes them (under
	// stopMu); everything else writes them from a posted method, with the
	// harts standing still.
	halted      atomic.Bool
	step        atomic.Int32
	active      atomic.Bool
	stopMu      sync.Mutex
	breakpoints []uint64
	watchpoints []gdbstub.Watchpoint // as set, in the System's order
	killed      bool
	// commands runs gdb's "monitor CMD" lines (nil: not offered).
	commands func(hart int, line string) string
}

// New returns a target for board b; halted holds every hart until the
// debugger resumes them (QEMU's -S).
func New(b Board, halted bool) *Target {
	t := &Target{board: b, harts: b.Harts(), bus: b.Bus(), sys: b.System()}
	t.sys.OnDebugStop(t.hit)
	if halted {
		t.hold()
	}
	t.setRun(halted, -1)
	return t
}

// Active reports whether the board must run this turn through Turn (a
// step, or the harts halted).
func (t *Target) Active() bool { return t.active.Load() }

// Stepping reports whether hart i is the one to step now: on the parallel
// board its goroutine then calls StepHart instead of running a quantum.
// Any goroutine may ask.
func (t *Target) Stepping(i int) bool { return !t.halted.Load() && int(t.step.Load()) == i }

// Attached reports that a debugger is connected (between Attach and
// Detach or its hang-up).
func (t *Target) Attached() bool { return t.onStop != nil }

// Halted reports that the harts are held: stopped by the debugger, or
// from the start (QEMU's -S) until someone resumes them.
func (t *Target) Halted() bool { return t.halted.Load() }

// SetCommands offers gdb's "monitor CMD" (gdbstub.Commander): run gets
// gdb's current hart and the line, on the machine loop, and returns the
// output.
func (t *Target) SetCommands(run func(hart int, line string) string) { t.commands = run }

// Command implements gdbstub.Commander.
func (t *Target) Command(hart int, line string) string {
	if t.commands == nil {
		return "monitor commands are not available\n"
	}
	return t.commands(hart, line)
}

// Killed reports that the debugger asked to end the run (status 0).
func (t *Target) Killed() bool { return t.killed }

// setRun sets the run state and what it makes of Active.
func (t *Target) setRun(halted bool, step int) {
	t.halted.Store(halted)
	t.step.Store(int32(step))
	t.active.Store(halted || step >= 0)
}

func (t *Target) report(st gdbstub.Stop) {
	if t.onStop != nil {
		t.onStop(st)
	}
}

// stop halts every hart and tells the debugger why. The caller holds
// stopMu.
func (t *Target) stop(st gdbstub.Stop) {
	t.hold()
	t.setRun(true, -1)
	t.report(st)
}

// hold stops every hart; release lets them all run again.
func (t *Target) hold() {
	for _, h := range t.harts {
		h.Hold()
	}
}

func (t *Target) release() {
	for _, h := range t.harts {
		h.Release()
	}
}

// hit is the System's OnDebugStop hook: hart h stopped at a breakpoint or
// after a watched access.
func (t *Target) hit(h *cpu.Hart, st cpu.DebugStop) {
	t.stopMu.Lock()
	defer t.stopMu.Unlock()
	if t.halted.Load() {
		return // already stopping (another hart was first): h stays held
	}
	i := t.index(h)
	if st.Breakpoint {
		t.stop(gdbstub.Stop{Reason: gdbstub.StopBreakpoint, Hart: i})
		return
	}
	t.stop(gdbstub.Stop{Reason: gdbstub.StopWatch, Hart: i, Watch: t.watchpoints[st.Watch]})
}

func (t *Target) index(h *cpu.Hart) int {
	for i, x := range t.harts {
		if x == h {
			return i
		}
	}
	return 0
}

// gdbstub.Target ------------------------------------------------------

func (t *Target) Post(fn func()) { t.board.Post(fn) }

func (t *Target) Attach(onStop func(gdbstub.Stop)) {
	t.onStop = onStop
	t.hold()
	t.setRun(true, -1)
}

func (t *Target) Detach() {
	t.onStop = nil
	for _, a := range t.breakpoints {
		t.sys.SetBreakpoint(a, false)
	}
	t.breakpoints, t.watchpoints = nil, nil
	t.sys.SetWatchpoints(nil)
	t.setRun(false, -1)
	t.release()
}

func (t *Target) Harts() int { return len(t.harts) }

func (t *Target) hart(i int) (*cpu.Hart, bool) {
	if i < 0 || i >= len(t.harts) {
		return nil, false
	}
	return t.harts[i], true
}

func (t *Target) ReadRegister(i int, r gdbstub.Reg) (uint64, bool) {
	h, ok := t.hart(i)
	if !ok {
		return 0, false
	}
	switch {
	case r < 32:
		return h.X[r], true
	case r == gdbstub.RegPC:
		return h.PC, true
	case r == gdbstub.RegPriv:
		return uint64(h.Priv), true
	}
	if n, ok := r.IsF(); ok {
		return h.F[n], true
	}
	if n, ok := r.IsCSR(); ok {
		return h.ReadCSR(n), true
	}
	return 0, false
}

func (t *Target) WriteRegister(i int, r gdbstub.Reg, v uint64) bool {
	h, ok := t.hart(i)
	if !ok {
		return false
	}
	switch {
	case r == 0: // x0 stays zero
	case r < 32:
		h.X[r] = v
	case r == gdbstub.RegPC:
		h.PC = v
	case r == gdbstub.RegPriv:
		if v != cpu.PrivU && v != cpu.PrivS && v != cpu.PrivM {
			return false
		}
		h.SetPriv(uint8(v))
	default:
		if n, ok := r.IsF(); ok {
			h.F[n] = v // the hart reads F directly: no decoded state to drop
			return true
		}
		n, ok := r.IsCSR()
		if !ok {
			return false
		}
		h.WriteCSR(n, v)
	}
	return true
}

// pieces splits [va, va+n) at page boundaries into physical RAM ranges,
// translated as a debugger reads (cpu.Hart.DebugTranslate). It fails if
// any page is unmapped or outside RAM.
func (t *Target) pieces(i int, va uint64, n int) ([][2]uint64, error) {
	h, ok := t.hart(i)
	if !ok {
		return nil, errMemory
	}
	var out [][2]uint64
	for n > 0 {
		chunk := min(uint64(n), 4096-va&4095)
		pa, ok := h.DebugTranslate(va)
		if !ok || !t.bus.InRAM(pa, chunk) {
			return nil, errMemory
		}
		out = append(out, [2]uint64{pa, chunk})
		va += chunk
		n -= int(chunk)
	}
	return out, nil
}

func (t *Target) ReadMemory(i int, va uint64, p []byte) error {
	ps, err := t.pieces(i, va, len(p))
	if err != nil {
		return err
	}
	for _, pc := range ps {
		t.bus.ReadDMA(pc[0], p[:pc[1]])
		p = p[pc[1]:]
	}
	return nil
}

// WriteMemory goes through the bus's DMA path, which keeps the CPU's
// decoded-instruction cache and LR reservations coherent.
func (t *Target) WriteMemory(i int, va uint64, p []byte) error {
	ps, err := t.pieces(i, va, len(p))
	if err != nil {
		return err
	}
	for _, pc := range ps {
		t.bus.WriteDMA(pc[0], p[:pc[1]])
		p = p[pc[1]:]
	}
	return nil
}

func (t *Target) SetBreakpoint(addr uint64, on bool) {
	for i, a := range t.breakpoints {
		if a == addr {
			if !on {
				t.breakpoints = append(t.breakpoints[:i], t.breakpoints[i+1:]...)
				t.sys.SetBreakpoint(addr, false)
			}
			return
		}
	}
	if on {
		t.breakpoints = append(t.breakpoints, addr)
		t.sys.SetBreakpoint(addr, true)
	}
}

func (t *Target) SetWatchpoint(w gdbstub.Watchpoint, on bool) {
	if on {
		t.watchpoints = append(t.watchpoints, w)
	} else {
		for i, x := range t.watchpoints {
			if x == w {
				t.watchpoints = append(t.watchpoints[:i], t.watchpoints[i+1:]...)
				break
			}
		}
	}
	ws := make([]cpu.Watchpoint, len(t.watchpoints))
	for i, x := range t.watchpoints {
		ws[i] = cpu.Watchpoint{Addr: x.Addr, Len: x.Len,
			Load: x.Kind != gdbstub.WatchWrite, Store: x.Kind != gdbstub.WatchRead}
	}
	t.sys.SetWatchpoints(ws)
}

func (t *Target) Continue() {
	t.setRun(false, -1)
	t.release()
}

// ContinueHarts releases only the listed harts (vCont;c:N); unknown ones
// are left out, and with none left nothing runs (gdb then waits for a
// stop it can only get by interrupting).
func (t *Target) ContinueHarts(harts []int) {
	var run []*cpu.Hart
	for _, i := range harts {
		if h, ok := t.hart(i); ok {
			run = append(run, h)
		}
	}
	if len(run) == 0 {
		return
	}
	t.setRun(false, -1)
	for _, h := range run {
		h.Release()
	}
}

func (t *Target) Step(i int) {
	h, ok := t.hart(i)
	if !ok {
		t.report(gdbstub.Stop{Reason: gdbstub.StopStep})
		return
	}
	t.setRun(false, i)
	h.Release()
}

// Halt stops every hart and always reports (gdbstub.Target's contract),
// also when they were halted already.
func (t *Target) Halt() {
	t.stopMu.Lock()
	defer t.stopMu.Unlock()
	t.stop(gdbstub.Stop{Reason: gdbstub.StopHalted})
}

func (t *Target) Kill() {
	t.killed = true
	t.onStop = nil
}

// running the harts ----------------------------------------------------

// Turn runs the stepped hart one instruction: the serial board's turn
// while Active. progress is false when nothing ran (the harts are
// halted).
func (t *Target) Turn() (progress bool) {
	i := int(t.step.Load())
	if !t.Stepping(i) {
		return false
	}
	t.StepHart(i)
	return true
}

// StepHart runs hart i, the one being stepped, one instruction and stops
// every hart (a stepped hart waiting in WFI stops where it is). The
// parallel board calls it from hart i's goroutine.
func (t *Target) StepHart(i int) {
	h := t.harts[i]
	if !h.Waiting() {
		t.stepWithoutInterrupts(h)
	}
	t.stopMu.Lock()
	defer t.stopMu.Unlock()
	if !t.halted.Load() { // not stopped by a watchpoint on the way
		t.stop(gdbstub.Stop{Reason: gdbstub.StopStep, Hart: i})
	}
}

// csrMie is the machine interrupt-enable CSR, masked during a step.
const csrMie = 0x304

// stepWithoutInterrupts runs one instruction with interrupts masked, as
// QEMU steps by default: stepi moves to the next instruction, not into a
// timer handler. (An instruction that itself clears mie gets it back.)
func (t *Target) stepWithoutInterrupts(h *cpu.Hart) {
	mie := h.ReadCSR(csrMie)
	h.WriteCSR(csrMie, 0)
	t.board.Run(h, 1)
	if h.ReadCSR(csrMie) == 0 {
		h.WriteCSR(csrMie, mie)
	}
}
