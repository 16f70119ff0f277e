// Package debugtarget is the board's side of a GDB session: it implements
// gdbstub.Target over a small Board interface (the harts, physical memory,
// the machine loop, and running one hart a few instructions as the loop
// would), so the stub never sees the board and the board never sees the
// protocol.
//
// While nothing is set (no breakpoint, watchpoint, step or halt) Active is
// false and the board runs its ordinary quanta: the debugger costs one
// branch per turn. Otherwise the board calls Turn, which runs the harts one
// instruction at a time, checking the pc before and the data access
// (cpu.DataAccess, the CPU's own decoder) before each; a watchpoint stops
// the harts before the access, at the instruction, as gdb's RISC-V port
// expects and QEMU does.
//
// Every method but Post runs on the machine loop, which today is the one
// goroutine that runs all harts. Where this is meant to go (not done yet):
//   - all-stop with harts on goroutines of their own (--parallel): the
//     per-hart part of Turn (runHart) already touches one hart and the
//     shared stop state only through stop(); a parallel board would call
//     runHart from each hart's goroutine under one lock around that state,
//     and Halt/stop would ask the board to park the other goroutines;
//   - breakpoints as decode-cache marks: the breakpoint list lives behind
//     SetBreakpoint and breakAt only, so marking a decoded slot (and letting
//     Run stop on it) can replace the pc check, and a breakpoint that is
//     never hit would no longer make Active true.
package debugtarget

import (
	"errors"

	"github.com/rvemu/rvemu/bus"
	"github.com/rvemu/rvemu/cpu"
	"github.com/rvemu/rvemu/gdbstub"
)

// Board is what the target needs of the machine.
type Board interface {
	// Harts are the board's harts, by id.
	Harts() []*cpu.Hart
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
	board   Board
	harts   []*cpu.Hart
	bus     *bus.Bus
	quantum int

	server *gdbstub.Server
	addr   string        // where server listens; set once before Run
	final  gdbstub.Stats // the server's counters when it closed
	onStop func(gdbstub.Stop)

	halted      bool
	step        int // hart to step one instruction, -1 none
	breakpoints []uint64
	watchpoints []gdbstub.Watchpoint
	// resumed: the hart has just been resumed and skips a breakpoint at
	// its pc once (gdb steps over its breakpoints itself; this keeps a
	// resume from stopping where it stands).
	resumed []bool
	killed  bool
	// active caches "the slow path is needed" for the loop's branch.
	active bool
	// commands runs gdb's "monitor CMD" lines (nil: not offered).
	commands func(hart int, line string) string
}

// New returns a target for board b whose Turn gives each hart up to
// quantum instructions; halted holds every hart until the debugger
// resumes them (QEMU's -S).
func New(b Board, halted bool, quantum int) *Target {
	t := &Target{board: b, harts: b.Harts(), bus: b.Bus(), quantum: quantum,
		halted: halted, step: -1}
	t.resumed = make([]bool, len(t.harts))
	t.update()
	return t
}

// Active reports whether the board must run this turn through Turn
// (something is set: a breakpoint, a watchpoint, a step or a halt).
func (t *Target) Active() bool { return t.active }

// Attached reports that a debugger is connected (between Attach and
// Detach or its hang-up).
func (t *Target) Attached() bool { return t.onStop != nil }

// Halted reports that the harts are held: stopped by the debugger, or
// from the start (QEMU's -S) until someone resumes them.
func (t *Target) Halted() bool { return t.halted }

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

func (t *Target) update() {
	t.active = t.halted || t.step >= 0 || len(t.breakpoints) > 0 || len(t.watchpoints) > 0
}

func (t *Target) report(st gdbstub.Stop) {
	if t.onStop != nil {
		t.onStop(st)
	}
}

// stop halts every hart and tells the debugger why.
func (t *Target) stop(st gdbstub.Stop) {
	t.halted, t.step = true, -1
	t.update()
	t.report(st)
}

// gdbstub.Target ------------------------------------------------------

func (t *Target) Post(fn func()) { t.board.Post(fn) }

func (t *Target) Attach(onStop func(gdbstub.Stop)) {
	t.onStop = onStop
	t.halted, t.step = true, -1
	t.update()
}

func (t *Target) Detach() {
	t.onStop = nil
	t.breakpoints, t.watchpoints = nil, nil
	t.halted, t.step = false, -1
	t.update()
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
				t.update()
			}
			return
		}
	}
	if on {
		t.breakpoints = append(t.breakpoints, addr)
		t.update()
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
	t.update()
}

func (t *Target) Continue() {
	t.halted, t.step = false, -1
	for i := range t.resumed {
		t.resumed[i] = true
	}
	t.update()
}

func (t *Target) Step(i int) {
	if _, ok := t.hart(i); !ok {
		t.report(gdbstub.Stop{Reason: gdbstub.StopStep})
		return
	}
	t.halted, t.step = false, i
	t.resumed[i] = true
	t.update()
}

func (t *Target) Halt() {
	t.stop(gdbstub.Stop{Reason: gdbstub.StopHalted})
}

func (t *Target) Kill() {
	t.killed = true
	t.onStop = nil
}

// running the harts ----------------------------------------------------

// Turn gives each hart (or just the stepped one) a quantum, one
// instruction at a time. progress is false when no hart could run.
func (t *Target) Turn() (progress bool) {
	if t.halted {
		return false
	}
	for i, h := range t.harts {
		if t.step >= 0 && i != t.step {
			continue
		}
		ran, stopped, exited := t.runHart(i, h)
		progress = progress || ran
		if stopped || exited || !t.active {
			return true
		}
	}
	return progress
}

// runHart runs hart i for up to a quantum (one instruction when it is
// being stepped). It reports whether it ran, whether the harts stopped and
// whether the guest powered off.
func (t *Target) runHart(i int, h *cpu.Hart) (ran, stopped, exited bool) {
	stepping := t.step == i
	for n := 0; n < t.quantum; n++ {
		if !stepping && h.InterruptPending() {
			// Enter a pending interrupt's handler first, so that a
			// breakpoint on its first instruction is seen. (Run(1)
			// would take it and run that instruction unchecked.)
			h.Run(0)
		}
		if h.Waiting() {
			if stepping {
				t.stop(gdbstub.Stop{Reason: gdbstub.StopStep, Hart: i})
				return ran, true, false
			}
			return ran, false, false
		}
		if !t.resumed[i] && t.breakAt(h.PC) {
			t.stop(gdbstub.Stop{Reason: gdbstub.StopBreakpoint, Hart: i})
			return ran, true, false
		}
		// A watchpoint stops the harts before the access, at the
		// instruction making it: gdb's RISC-V port takes watchpoints as
		// firing before the instruction commits and steps over it itself
		// (watchpoints removed), then shows the new value; QEMU reports
		// them so too. Stopping after it would let gdb's step run one
		// instruction more.
		if !t.resumed[i] && len(t.watchpoints) > 0 {
			if acc, ok := t.nextAccess(h); ok {
				if w, hit := t.watchHit(acc); hit {
					t.stop(gdbstub.Stop{Reason: gdbstub.StopWatch, Hart: i, Watch: w})
					return ran, true, false
				}
			}
		}
		t.resumed[i] = false
		if stepping {
			exited = t.stepWithoutInterrupts(h)
		} else {
			_, exited = t.board.Run(h, 1)
		}
		ran = true
		if stepping {
			t.stop(gdbstub.Stop{Reason: gdbstub.StopStep, Hart: i})
			return ran, true, exited
		}
		if exited {
			return ran, false, true
		}
	}
	return ran, false, false
}

// csrMie is the machine interrupt-enable CSR, masked during a step.
const csrMie = 0x304

// stepWithoutInterrupts runs one instruction with interrupts masked, as
// QEMU steps by default: stepi moves to the next instruction, not into a
// timer handler. (An instruction that itself clears mie gets it back.)
func (t *Target) stepWithoutInterrupts(h *cpu.Hart) (exited bool) {
	mie := h.ReadCSR(csrMie)
	h.WriteCSR(csrMie, 0)
	_, exited = t.board.Run(h, 1)
	if h.ReadCSR(csrMie) == 0 {
		h.WriteCSR(csrMie, mie)
	}
	return exited
}

func (t *Target) breakAt(pc uint64) bool {
	for _, a := range t.breakpoints {
		if a == pc {
			return true
		}
	}
	return false
}

func (t *Target) watchHit(a cpu.Access) (gdbstub.Watchpoint, bool) {
	for _, w := range t.watchpoints {
		if w.Triggers(a.Addr, a.Size, a.Load, a.Store) {
			return w, true
		}
	}
	return gdbstub.Watchpoint{}, false
}

// nextAccess decodes the instruction at the hart's pc for its data access
// (with the CPU's own decoder).
func (t *Target) nextAccess(h *cpu.Hart) (cpu.Access, bool) {
	lo, ok := t.half(h, h.PC)
	if !ok {
		return cpu.Access{}, false
	}
	raw := uint32(lo)
	if lo&3 == 3 {
		hi, ok := t.half(h, h.PC+2)
		if !ok {
			return cpu.Access{}, false
		}
		raw |= uint32(hi) << 16
	}
	return cpu.DataAccess(raw, &h.X)
}

// half reads the halfword at va (instructions are 2-byte aligned, so it
// never straddles a page), without allocating: it runs per instruction
// while watchpoints are set.
func (t *Target) half(h *cpu.Hart, va uint64) (uint16, bool) {
	pa, ok := h.DebugTranslate(va)
	if !ok || !t.bus.InRAM(pa, 2) {
		return 0, false
	}
	off := pa - t.bus.RAMBase
	return uint16(t.bus.RAM[off]) | uint16(t.bus.RAM[off+1])<<8, true
}
