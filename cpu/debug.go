package cpu

import (
	"math/bits"

	"github.com/rvemu/rvemu/mmu"
)

// Breakpoints and watchpoints at full speed. Nothing is checked per
// instruction or per access:
//
//   - A breakpoint is a virtual address: it stops a hart whose PC equals
//     it, in any privilege and address space (as QEMU's do). The decode
//     cache is physical, so a breakpoint is bound to physical slots when
//     a hart enters its virtual page: fetchSlow, the only place a virtual
//     code page meets its physical one (the code TLB and the translator's
//     jump caches are filled from there, and are flushed whenever
//     breakpoints change), marks the slot at the breakpoint's offset in
//     that hart's decode cache. A marked slot decodes to opBreak, which
//     leaves runFast like any slow instruction; only there is the PC
//     compared with the breakpoints. The same physical code reached
//     through another virtual address (an alias: another process's
//     mapping of the page, the trampoline) finds the mark, does not stop,
//     and runs the instruction out of line (runUnmarked). Marks survive
//     re-decoding (a store into the page, a dropped and refilled page):
//     decodeSlot looks them up (codeCache.marks). Fused pairs never take
//     a marked second instruction, a bulk loop whose body holds a marked
//     slot runs one instruction at a time (loopBody sees opBreak), and
//     the translator ends a block before a marked slot (blockPlan.make).
//     Removing a breakpoint clears every mark and lets the remaining
//     breakpoints bind again as harts re-enter their pages.
//   - A watchpoint is a virtual range. The data TLBs never hold a page a
//     watchpoint covers for that kind of access (watchedPage, checked when
//     an entry is inserted, after a miss), so every access to the page
//     takes the slow path, which compares the access with the watchpoints
//     (watchStops) once it is translated, before it is made. The slow
//     path keeps such pages' translations in TLBs of their own (wltlb,
//     wstlb), so a busy watched page costs a check, not a walk, per
//     access. Loads,
//     stores, AMOs, LR/SC and FP loads/stores are covered; DMA (devices
//     writing RAM) and page-table walks are not instruction accesses and
//     are not watched.
//
// A hart stops for either before the instruction runs (a watched access
// is abandoned as a trap would: nothing written, nothing retired), as
// QEMU stops; gdb steps over the instruction itself. The hart is then held
// (Run runs nothing, Waiting reports true) until Release, and the
// System's OnDebugStop hook hears of it when its Run returns. A released
// hart runs its first instruction unchecked. Breakpoints and watchpoints
// are changed only while no hart runs.

// slotMarks has a bit per halfword slot of a page: the slots that hold a
// breakpoint.
type slotMarks [slotsPerPage / 64]uint64

func (m *slotMarks) has(off uint64) bool {
	return m[off>>7&(slotsPerPage/64-1)]&(1<<(off>>1&63)) != 0
}

// DebugStop says why a hart stopped for the debugger, before the
// instruction at its PC.
type DebugStop struct {
	// Breakpoint: a breakpoint is at PC. Otherwise the instruction's
	// access (Access) sets off watchpoint number Watch of SetWatchpoints'
	// list.
	Breakpoint bool
	Watch      int
	Access     Access
}

// Watchpoint watches Len bytes at virtual address Addr for loads, stores
// or both.
type Watchpoint struct {
	Addr, Len   uint64
	Load, Store bool
}

// Triggers reports whether access a sets the watchpoint off.
func (w Watchpoint) Triggers(a Access) bool {
	return a.Addr < w.Addr+w.Len && w.Addr < a.Addr+a.Size && (a.Load && w.Load || a.Store && w.Store)
}

// covers reports whether the watchpoint watches some byte of the virtual
// page holding va for stores (store) or loads.
func (w Watchpoint) covers(va uint64, store bool) bool {
	page := va &^ (pageSize - 1)
	return (store && w.Store || !store && w.Load) && w.Addr < page+pageSize && page < w.Addr+w.Len
}

// debugState is the System's breakpoints and watchpoints.
type debugState struct {
	breakpoints map[uint64]struct{} // virtual addresses
	// bpPages lists each virtual page's breakpoint offsets; bpBloom has
	// bit vpn&63 set for each such page, so that fetchSlow skips the map
	// for pages without any.
	bpPages map[uint64][]uint64
	bpBloom uint64

	watchpoints []Watchpoint

	onStop func(h *Hart, st DebugStop)
}

// watchesLoads reports whether a watchpoint watches loads.
func (d *debugState) watchesLoads() bool {
	for _, w := range d.watchpoints {
		if w.Load {
			return true
		}
	}
	return false
}

// OnDebugStop installs fn, called on the hart's goroutine when a Run that
// stopped the hart for a breakpoint or watchpoint returns.
func (s *System) OnDebugStop(fn func(h *Hart, st DebugStop)) { s.dbg.onStop = fn }

// SetBreakpoint adds or removes a breakpoint at virtual address va. Call
// it only while no hart runs.
func (s *System) SetBreakpoint(va uint64, on bool) {
	_, had := s.dbg.breakpoints[va]
	if had == on {
		return
	}
	if on {
		if s.dbg.breakpoints == nil {
			s.dbg.breakpoints = map[uint64]struct{}{}
		}
		s.dbg.breakpoints[va] = struct{}{}
	} else {
		delete(s.dbg.breakpoints, va)
		for _, c := range s.caches() {
			c.clearMarks()
		}
	}
	s.dbg.bpPages, s.dbg.bpBloom = map[uint64][]uint64{}, 0
	for a := range s.dbg.breakpoints {
		vpn := a >> pageShift
		s.dbg.bpPages[vpn] = append(s.dbg.bpPages[vpn], a&(pageSize-1))
		s.dbg.bpBloom |= 1 << (vpn & 63)
	}
	// Every hart binds its code pages afresh (fetchSlow), marking them.
	for _, h := range s.harts {
		h.ctlb.flush()
		h.fetchPage, h.fetchVPN = nil, noPage
	}
}

// SetWatchpoints replaces the watchpoints. Call it only while no hart
// runs.
func (s *System) SetWatchpoints(ws []Watchpoint) {
	loadsBefore := s.dbg.watchesLoads()
	s.dbg.watchpoints = append(s.dbg.watchpoints[:0], ws...)
	// Translations made while no watchpoint watched loads hold AMOs that
	// do not check them (planOptions.watching): they go when the first
	// one comes. Stores are checked anyway (a page watched for stores
	// stays out of the store TLB), so `watch` in gdb drops nothing.
	if !loadsBefore && s.dbg.watchesLoads() {
		for _, c := range s.caches() {
			if c.jit != nil {
				c.jit.dropAll()
			}
		}
	}
	for _, h := range s.harts {
		h.ltlb.Flush()
		h.stlb.Flush()
		h.htlb.Flush()
		h.wltlb.Flush()
		h.wstlb.Flush()
		h.updateBare()
	}
}

// caches are the decode caches harts execute from.
func (s *System) caches() []*codeCache {
	if !s.parallel {
		return []*codeCache{&s.codeCache}
	}
	cs := make([]*codeCache, len(s.harts))
	for i, h := range s.harts {
		cs[i] = h.cc
	}
	return cs
}

// bindBreakpoints marks, in h's cache, the slots of RAM page p that the
// breakpoints in virtual page vpn fall on (fetchSlow: h now fetches vpn
// from p).
func (h *Hart) bindBreakpoints(vpn, p uint64) {
	d := &h.sys.dbg
	if d.bpBloom&(1<<(vpn&63)) == 0 {
		return
	}
	for _, off := range d.bpPages[vpn] {
		h.cc.mark(p, off)
	}
}

// marked reports whether the slot at offset off of RAM page p is marked.
func (c *codeCache) marked(p, off uint64) bool {
	return len(c.marks) > 0 && c.marks[p] != nil && c.marks[p].has(off)
}

// pageMarks returns RAM page p's marks, nil when it has none.
func (c *codeCache) pageMarks(p uint64) *slotMarks {
	if len(c.marks) == 0 {
		return nil
	}
	return c.marks[p]
}

// mark marks the slot at offset off of RAM page p, and makes what was
// decoded or translated over it decode again.
func (c *codeCache) mark(p, off uint64) {
	if c.marked(p, off) {
		return
	}
	if c.marks == nil {
		c.marks = make([]*slotMarks, len(c.code))
	}
	m := c.marks[p]
	if m == nil {
		m = new(slotMarks)
		c.marks[p] = m
		c.markedPages = append(c.markedPages, p)
	}
	m[off>>7] |= 1 << (off >> 1 & 63)
	if c.code[p] != nil {
		c.invalidate(p<<pageShift|off, 2)
	}
}

// clearMarks removes every mark of c.
func (c *codeCache) clearMarks() {
	for _, p := range c.markedPages {
		m := c.marks[p]
		c.marks[p] = nil
		if c.code[p] == nil {
			continue
		}
		for w, bitsLeft := range m {
			for ; bitsLeft != 0; bitsLeft &= bitsLeft - 1 {
				hw := uint64(w*64 + bits.TrailingZeros64(bitsLeft))
				c.invalidate(p<<pageShift|hw<<1, 2)
			}
		}
	}
	c.markedPages = c.markedPages[:0]
}

// decodeMark fills the slot in for a marked pc: opBreak, with the length
// of the instruction under it. A 32-bit instruction in a page's last
// halfword has no slot: its mark is returned in oneInst.
func (h *Hart) decodeMark(in *inst, pc uint64, lo uint16) *inst {
	b := inst{op: opBreak, ilen: 2}
	if lo&3 == 3 {
		b.ilen = 4
		if pc&(pageSize-1) == pageSize-2 {
			h.oneInst = b
			return &h.oneInst
		}
	}
	*in = b
	return in
}

// breakpoint runs a marked slot at PC: it stops the hart when PC is a
// breakpoint (unless the hart was just released there), and otherwise
// runs the instruction under the mark.
func (h *Hart) breakpoint() {
	if h.isBreakpoint(h.PC) {
		h.debugStop(DebugStop{Breakpoint: true})
		return
	}
	h.runUnmarked()
}

// isBreakpoint reports whether the hart must stop before the instruction
// at pc: a breakpoint is there and the hart was not released at it.
func (h *Hart) isBreakpoint(pc uint64) bool {
	_, ok := h.sys.dbg.breakpoints[pc]
	return ok && !h.passing(pc)
}

// passing reports whether the instruction at pc is the one the hart was
// released at, which runs unchecked.
func (h *Hart) passing(pc uint64) bool {
	return h.pass.valid && h.pass.pc == pc && h.pass.instret == h.Instret
}

// runUnmarked runs the instruction at PC out of line, as if no mark were
// on its slot.
func (h *Hart) runUnmarked() {
	pc := h.PC
	var pa uint64
	if off, hit := h.itlb.Lookup(pc); hit {
		pa = h.sys.bus.RAMBase + off
	} else {
		var ok bool
		if pa, ok = h.translate(pc, 2, mmu.Fetch, pc); !ok {
			return
		}
	}
	if in := h.fetchUncached(pc, pa); in != nil {
		h.runUncached(in)
	}
}

// watchedPage reports whether a watchpoint covers the virtual page of va
// for stores (store) or loads: the TLBs must not hold it.
func (s *System) watchedPage(va uint64, store bool) bool {
	for _, w := range s.dbg.watchpoints {
		if w.covers(va, store) {
			return true
		}
	}
	return false
}

// watchStops reports whether the access a, translated and about to be
// made, sets off a watchpoint: then the hart stops before its instruction
// and the caller abandons it as if it had trapped.
func (h *Hart) watchStops(a Access) bool {
	return len(h.sys.dbg.watchpoints) != 0 && h.watchHit(a)
}

func (h *Hart) watchHit(a Access) bool {
	if h.passing(h.PC) {
		return false
	}
	for i, w := range h.sys.dbg.watchpoints {
		if w.Triggers(a) {
			h.debugStop(DebugStop{Watch: i, Access: a})
			return true
		}
	}
	return false
}

// debugStop holds the hart before its instruction and ends its Run; Run
// reports st when it returns.
func (h *Hart) debugStop(st DebugStop) {
	h.held.Store(true)
	h.stop = true
	h.stopped, h.stoppedFor = true, st
}

// reportStop tells the OnDebugStop hook that the hart stopped (end of
// Run).
func (h *Hart) reportStop() {
	h.stopped = false
	if fn := h.sys.dbg.onStop; fn != nil {
		fn(h, h.stoppedFor)
	}
}

// passOnce is the instruction a released hart runs unchecked (neither a
// breakpoint on it nor its watched access stops it): the one at the PC it
// was released at, while it has retired nothing since.
type passOnce struct {
	valid   bool
	pc      uint64
	instret uint64
}

// Hold stops the hart: Run runs nothing and Waiting reports true until
// Release. Any goroutine may call it; a hart inside Run stops at its end.
func (h *Hart) Hold() { h.held.Store(true) }

// Release lets a held hart run again. Its first instruction runs
// unchecked (even under a breakpoint, even making a watched access): a
// debugger resumes a hart stopped there by running that instruction.
func (h *Hart) Release() {
	h.pass = passOnce{valid: true, pc: h.PC, instret: h.Instret}
	h.held.Store(false)
}

// Held reports whether the hart is held (Hold, or a debug stop).
func (h *Hart) Held() bool { return h.held.Load() }
