package machine

import (
	"errors"
	"fmt"

	"github.com/rvemu/rvemu/cpu"
	"github.com/rvemu/rvemu/gdbstub"
	"github.com/rvemu/rvemu/mmu"
)

// The board's side of a GDB session: it implements gdbstub.Target. While
// nothing is set (no breakpoint, watchpoint, step or halt) the board runs
// its ordinary quanta and the debugger costs one branch per turn. Otherwise
// debugTurn runs the harts one instruction at a time, checking the pc
// before and the data access after each.

// CSR numbers the debugger needs (csrMstatus is in spin.go).
const (
	csrMie  = 0x304
	csrMip  = 0x344
	csrSatp = 0x180

	mstatusMPRV     = 1 << 17
	mstatusMPPShift = 11
)

// errDebugMemory: an address that does not map to RAM.
var errDebugMemory = errors.New("address not in RAM")

type debugger struct {
	m      *Machine
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
}

func newDebugger(m *Machine, halted bool) *debugger {
	d := &debugger{m: m, halted: halted, step: -1, resumed: make([]bool, len(m.harts))}
	d.update()
	return d
}

// on reports whether the board must take the debugger's path this turn.
func (d *debugger) on() bool { return d != nil && d.active }

func (d *debugger) update() {
	d.active = d.halted || d.step >= 0 || len(d.breakpoints) > 0 || len(d.watchpoints) > 0
}

func (d *debugger) report(st gdbstub.Stop) {
	if d.onStop != nil {
		d.onStop(st)
	}
}

// stop halts every hart and tells the debugger why.
func (d *debugger) stop(st gdbstub.Stop) {
	d.halted, d.step = true, -1
	d.update()
	d.report(st)
}

// gdbstub.Target ------------------------------------------------------

func (d *debugger) Post(fn func()) { d.m.Post(fn) }

func (d *debugger) Attach(onStop func(gdbstub.Stop)) {
	d.onStop = onStop
	d.halted, d.step = true, -1
	d.update()
}

func (d *debugger) Detach() {
	d.onStop = nil
	d.breakpoints, d.watchpoints = nil, nil
	d.halted, d.step = false, -1
	d.update()
}

func (d *debugger) Harts() int { return len(d.m.harts) }

func (d *debugger) hart(i int) (*cpu.Hart, bool) {
	if i < 0 || i >= len(d.m.harts) {
		return nil, false
	}
	return d.m.harts[i], true
}

func (d *debugger) ReadRegister(i int, r gdbstub.Reg) (uint64, bool) {
	h, ok := d.hart(i)
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
	if n, ok := r.IsCSR(); ok {
		return h.ReadCSR(n), true
	}
	return 0, false
}

func (d *debugger) WriteRegister(i int, r gdbstub.Reg, v uint64) bool {
	h, ok := d.hart(i)
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
		h.Priv = uint8(v)
		// Translations depend on the privilege; rewriting satp is the
		// CPU's public way to drop them.
		h.WriteCSR(csrSatp, h.ReadCSR(csrSatp))
	default:
		n, ok := r.IsCSR()
		if !ok {
			return false
		}
		h.WriteCSR(n, v)
	}
	return true
}

// translate maps a virtual address for the debugger: through the hart's
// page table when its data accesses are paged, ignoring U/S and execute-
// only restrictions (a debugger stopped in the kernel reads user memory
// too), without touching A/D bits.
func (d *debugger) translate(h *cpu.Hart, va uint64) (uint64, bool) {
	priv := h.Priv
	if st := h.ReadCSR(csrMstatus); priv == cpu.PrivM && st&mstatusMPRV != 0 {
		priv = uint8(st >> mstatusMPPShift & 3)
	}
	ctx := mmu.Context{Satp: h.ReadCSR(csrSatp), Priv: priv, SUM: true, MXR: true}
	if !ctx.Paged() {
		return va, true
	}
	ctx.Priv = cpu.PrivS
	pa, _, ok := mmu.Translate(d.m.bus, ctx, va, mmu.Load, false)
	return pa, ok
}

// pieces splits [va, va+n) at page boundaries into physical RAM ranges.
// It fails if any page is unmapped or outside RAM.
func (d *debugger) pieces(i int, va uint64, n int) ([][2]uint64, error) {
	h, ok := d.hart(i)
	if !ok {
		return nil, errDebugMemory
	}
	var out [][2]uint64
	for n > 0 {
		chunk := min(uint64(n), 4096-va&4095)
		pa, ok := d.translate(h, va)
		if !ok || !d.m.bus.InRAM(pa, chunk) {
			return nil, errDebugMemory
		}
		out = append(out, [2]uint64{pa, chunk})
		va += chunk
		n -= int(chunk)
	}
	return out, nil
}

func (d *debugger) ReadMemory(i int, va uint64, p []byte) error {
	ps, err := d.pieces(i, va, len(p))
	if err != nil {
		return err
	}
	for _, pc := range ps {
		d.m.bus.ReadDMA(pc[0], p[:pc[1]])
		p = p[pc[1]:]
	}
	return nil
}

// WriteMemory goes through the bus's DMA path, which keeps the CPU's
// decoded-instruction cache and LR reservations coherent.
func (d *debugger) WriteMemory(i int, va uint64, p []byte) error {
	ps, err := d.pieces(i, va, len(p))
	if err != nil {
		return err
	}
	for _, pc := range ps {
		d.m.bus.WriteDMA(pc[0], p[:pc[1]])
		p = p[pc[1]:]
	}
	return nil
}

func (d *debugger) SetBreakpoint(addr uint64, on bool) {
	for i, a := range d.breakpoints {
		if a == addr {
			if !on {
				d.breakpoints = append(d.breakpoints[:i], d.breakpoints[i+1:]...)
				d.update()
			}
			return
		}
	}
	if on {
		d.breakpoints = append(d.breakpoints, addr)
		d.update()
	}
}

func (d *debugger) SetWatchpoint(w gdbstub.Watchpoint, on bool) {
	if on {
		d.watchpoints = append(d.watchpoints, w)
	} else {
		for i, x := range d.watchpoints {
			if x == w {
				d.watchpoints = append(d.watchpoints[:i], d.watchpoints[i+1:]...)
				break
			}
		}
	}
	d.update()
}

func (d *debugger) Continue() {
	d.halted, d.step = false, -1
	for i := range d.resumed {
		d.resumed[i] = true
	}
	d.update()
}

func (d *debugger) Step(i int) {
	if _, ok := d.hart(i); !ok {
		d.report(gdbstub.Stop{Reason: gdbstub.StopStep})
		return
	}
	d.halted, d.step = false, i
	d.resumed[i] = true
	d.update()
}

func (d *debugger) Halt() {
	d.stop(gdbstub.Stop{Reason: gdbstub.StopHalted})
}

func (d *debugger) Kill() {
	d.killed = true
	d.onStop = nil
}

// the board's loop ----------------------------------------------------

// debugTurn gives each hart (or just the stepped one) a quantum, one
// instruction at a time. progress is false when no hart could run.
func (m *Machine) debugTurn() (progress bool) {
	d := m.dbg
	if d.halted {
		return false
	}
	for i, h := range m.harts {
		if d.step >= 0 && i != d.step {
			continue
		}
		m.setCurrent(h)
		ran, stopped := m.debugRunHart(i, h)
		progress = progress || ran
		if stopped || !d.active {
			return true
		}
		if _, done := m.fin.exited(); done {
			return true
		}
	}
	return progress
}

// debugRunHart runs hart i for up to a quantum (one instruction when it is
// being stepped). It reports whether it ran and whether the harts stopped.
func (m *Machine) debugRunHart(i int, h *cpu.Hart) (ran, stopped bool) {
	d := m.dbg
	stepping := d.step == i
	for n := 0; n < m.cfg.Quantum; n++ {
		if !stepping && h.ReadCSR(csrMip)&h.ReadCSR(csrMie) != 0 {
			// Enter a pending interrupt's handler first, so that a
			// breakpoint on its first instruction is seen. (Run(1)
			// would take it and run that instruction unchecked.)
			h.Run(0)
		}
		if h.Waiting() {
			if stepping {
				d.stop(gdbstub.Stop{Reason: gdbstub.StopStep, Hart: i})
				return ran, true
			}
			return ran, false
		}
		if !d.resumed[i] && d.breakAt(h.PC) {
			d.stop(gdbstub.Stop{Reason: gdbstub.StopBreakpoint, Hart: i})
			return ran, true
		}
		d.resumed[i] = false
		acc, accesses := cpu.Access{}, false
		if len(d.watchpoints) > 0 {
			acc, accesses = m.nextAccess(h)
		}
		mmio := m.mmioCount
		var retired int
		if stepping {
			retired = stepWithoutInterrupts(h)
		} else {
			retired = h.Run(1)
		}
		m.clock.advance(retired)
		ran = true
		if accesses && retired == 1 {
			if w, hit := d.watchHit(acc); hit {
				d.stop(gdbstub.Stop{Reason: gdbstub.StopWatch, Hart: i, Watch: w})
				return ran, true
			}
		}
		if stepping {
			d.stop(gdbstub.Stop{Reason: gdbstub.StopStep, Hart: i})
			return ran, true
		}
		if mmio != m.mmioCount {
			m.afterMMIO(h)
		}
		if _, done := m.fin.exited(); done {
			return ran, false
		}
	}
	return ran, false
}

// stepWithoutInterrupts runs one instruction with interrupts masked, as
// QEMU steps by default: stepi moves to the next instruction, not into a
// timer handler. (An instruction that itself clears mie gets it back.)
func stepWithoutInterrupts(h *cpu.Hart) int {
	mie := h.ReadCSR(csrMie)
	h.WriteCSR(csrMie, 0)
	n := h.Run(1)
	if h.ReadCSR(csrMie) == 0 {
		h.WriteCSR(csrMie, mie)
	}
	return n
}

func (d *debugger) breakAt(pc uint64) bool {
	for _, a := range d.breakpoints {
		if a == pc {
			return true
		}
	}
	return false
}

func (d *debugger) watchHit(a cpu.Access) (gdbstub.Watchpoint, bool) {
	for _, w := range d.watchpoints {
		if w.Triggers(a.Addr, a.Size, a.Load, a.Store) {
			return w, true
		}
	}
	return gdbstub.Watchpoint{}, false
}

// nextAccess decodes the instruction at the hart's pc for its data access
// (with the CPU's own decoder).
func (m *Machine) nextAccess(h *cpu.Hart) (cpu.Access, bool) {
	lo, ok := m.debugHalf(h, h.PC)
	if !ok {
		return cpu.Access{}, false
	}
	raw := uint32(lo)
	if lo&3 == 3 {
		hi, ok := m.debugHalf(h, h.PC+2)
		if !ok {
			return cpu.Access{}, false
		}
		raw |= uint32(hi) << 16
	}
	return cpu.DataAccess(raw, &h.X)
}

// debugHalf reads the halfword at va (instructions are 2-byte aligned, so
// it never straddles a page), without allocating: it runs per instruction
// while watchpoints are set.
func (m *Machine) debugHalf(h *cpu.Hart, va uint64) (uint16, bool) {
	pa, ok := m.dbg.translate(h, va)
	if !ok || !m.bus.InRAM(pa, 2) {
		return 0, false
	}
	off := pa - m.bus.RAMBase
	return uint16(m.bus.RAM[off]) | uint16(m.bus.RAM[off+1])<<8, true
}

// GDBAddr is where the GDB stub listens ("" without Config.GDBListen),
// e.g. to learn the port after asking for port 0. Any goroutine may call it.
func (m *Machine) GDBAddr() string {
	if m.dbg == nil {
		return ""
	}
	return m.dbg.addr
}

// startGDB creates the debugger and its server when the config asks.
func (m *Machine) startGDB() error {
	if m.cfg.GDBListen == "" {
		return nil
	}
	m.dbg = newDebugger(m, m.cfg.GDBWait)
	s, err := gdbstub.Listen(m.cfg.GDBListen, m.dbg, m.cfg.Log)
	if err != nil {
		return err
	}
	m.dbg.server, m.dbg.addr = s, s.Addr().String()
	fmt.Fprintf(m.cfg.Log, "rvemu: gdb listening on %s\n", m.dbg.addr)
	return nil
}

// stopGDB reports the end of the run to a connected debugger and closes
// the server.
func (m *Machine) stopGDB(status int) {
	if m.dbg == nil || m.dbg.server == nil {
		return
	}
	m.dbg.report(gdbstub.Stop{Reason: gdbstub.StopExited, Status: status})
	m.dbg.onStop = nil
	m.dbg.server.Close()
	m.dbg.final = m.dbg.server.Stats()
	m.dbg.server = nil
}

// GDBStats returns what the GDB stub's limits counted (after Run, the
// final counts); ok is false when the board has no stub.
func (m *Machine) GDBStats() (st gdbstub.Stats, ok bool) {
	if m.dbg == nil {
		return st, false
	}
	if m.dbg.server != nil {
		return m.dbg.server.Stats(), true
	}
	return m.dbg.final, true
}
