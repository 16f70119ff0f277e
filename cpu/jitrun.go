package cpu

import (
	"unsafe"

	"github.com/rvemu/rvemu/jit"
	"github.com/rvemu/rvemu/mmu"
)

// runTranslated is Run's loop when the translator is on: generated code
// where there is some, the interpreter for one instruction at a time
// where there is none, and for the instruction that made generated code
// leave. Budget accounting is the interpreter's: every instruction that
// retires or traps counts one.
func (h *Hart) runTranslated(budget int) {
	e := h.cc.jit
	if e.shared != nil {
		e.enterShared()
		defer e.leaveShared()
	}
	mem := unsafe.Pointer(unsafe.SliceData(h.ram))
	left := budget
	for left > 0 && !h.stop {
		code, run := h.jitLookup(e, h.PC)
		if code == 0 {
			left -= h.interpRun(e, min(run, left), left)
			continue
		}
		if h.jit.lock != nil {
			h.jit.lock.before(h)
		}
		e.stats.Entries++
		reason, rest := jit.Call(code, unsafe.Pointer(h), mem, uint64(left))
		h.Instret += uint64(left) - rest
		e.stats.Translated += uint64(left) - rest
		if h.jit.lock != nil {
			h.jit.lock.after(h, int(uint64(left)-rest))
		}
		left = int(rest)
		e.stats.Exits[reason]++
		switch reason {
		case exitLookup:
			if slot := h.jit.link; slot != 0 {
				h.jit.link = 0
				h.linkTo(e, slot)
			}
		case exitSlow:
			if left > 0 {
				left -= h.interpStep(e, 1, left)
			}
		case exitBudget:
			left -= h.interpStep(e, left, left)
		case exitYield:
		default:
			panic("jit: generated code returned an unknown exit reason")
		}
	}
	h.X[0] = 0
}

// linkTo makes the exit whose link slot is slot jump straight to the
// block at PC from now on, when that block is translated. The exit stub
// asks only for a target on its own block's page, which is then the same
// physical page as long as the source block runs at all.
func (h *Hart) linkTo(e *jitEngine, slot uintptr) {
	flushes := e.flushes
	code, _ := h.jitLookup(e, h.PC)
	if code == 0 || e.flushes != flushes {
		return // not translated (yet), or the source block went with a flush
	}
	off, ok := h.codePageOff(h.PC)
	if !ok {
		return
	}
	if b := e.block(off>>pageShift, h.PC); b != nil && b.code == code && b.ready && !b.dead {
		e.link(slot, b)
	}
}

// codePageOff finds the RAM offset of pc's page if pc may be fetched in
// the current context without a walk: it is the page the interpreter
// runs in, or it is in the code TLB.
func (h *Hart) codePageOff(pc uint64) (uint64, bool) {
	vpn := pc >> pageShift
	if vpn == h.fetchVPN && h.fetchPage != nil {
		return h.fetchOff, true
	}
	ce := &h.ctlb.e[vpn&(codeTLBSize-1)]
	if ce.tag != vpn|h.ctlb.gen {
		return 0, false
	}
	*ce.stores = 0 // executed: not a data page (as runFast does)
	return ce.off, true
}

// jitLookup returns the host code to run for guest pc, or 0 and how many
// instructions the interpreter should run instead: pc starts no block
// (yet), or its block waits to be published, or its page is not known to
// be fetchable now (the interpreter's fetch finds out, and fills the code
// TLB for next time). Generated code reads the jump cache it fills; for a
// PC that starts no block the cache holds the slow stub, which the
// interpreter takes here too.
func (h *Hart) jitLookup(e *jitEngine, pc uint64) (code uintptr, run int) {
	j := &h.jit.jc[(pc>>1)&jcMask]
	if j.pc == pc && j.epoch == h.ctlb.epoch {
		if j.code == e.slowStub {
			return 0, 1
		}
		return j.code, 0
	}
	off, ok := h.codePageOff(pc)
	if b := j.b; ok && j.pc == pc && b != nil && !b.dead && b.ready && b.page == off>>pageShift {
		// Only the epoch moved: the block is the one e.block would find
		// (one live block per page and PC), without its table's cache miss.
		// Measured: 88% of the jump cache's misses in the UDP echo.
		j.epoch = h.ctlb.epoch
		if b.code == e.slowStub {
			return 0, 1
		}
		return b.code, 0
	}
	if !ok {
		if off, ok = h.jitFetchPage(pc); !ok {
			return 0, 1
		}
	}
	p := off >> pageShift
	var b *jitBlock
	if !e.counting(p, pc) { // (cold code: no block to look for)
		b = e.block(p, pc)
	}
	if b == nil {
		if m := e.adoptable(h.ram, p, pc, off); m != nil {
			b = e.adopt(m) // another hart's engine compiled it
		} else if e.hot == 0 { // tests: translate at first sight
			if b = e.translateNow(h.ram, pc, off); b == nil {
				return 0, 1
			}
		} else {
			run, hot := e.coldRun(p, pc)
			if !hot || e.waitAsks < jitDrainAsks {
				return 0, run
			}
			e.drain(h.ram, nil) // busy: the queue has waited long enough
			if b = e.block(p, pc); b == nil {
				return 0, run
			}
		}
	}
	if !b.ready {
		e.publish()
	}
	j.pc, j.epoch, j.code, j.b = pc, h.ctlb.epoch, b.code, b
	if b.code == e.slowStub {
		return 0, 1
	}
	return b.code, 0
}

// TranslateHot compiles and publishes the code that became hot since the
// last batch, once the queue has been asked for jitIdleAsks times. The
// board calls it when the hart is about to wait (WFI), so that the work
// happens while the guest has nothing to do rather than inside the
// handler or critical section that made the code hot (jit.go).
// Call it from the hart's own goroutine (parallel harts), between Runs.
func (h *Hart) TranslateHot() { h.TranslateHotUntil(nil) }

// TranslateHotUntil is TranslateHot that stops early, leaving the rest
// queued, once stop (asked before each block) reports that the hart has
// something to do: a wake-up waiting behind a batch of compiles is
// latency the guest sees (a datagram's round trip).
func (h *Hart) TranslateHotUntil(stop func() bool) {
	if e := h.cc.jit; e != nil && len(e.queue) > 0 && e.waitAsks >= jitIdleAsks {
		e.drain(h.ram, stop)
		e.stats.IdleDrains++
	}
}

// interpRun runs about n instructions in the interpreter, as Run's loop
// does (a bulk loop may use up to left), and returns the budget used.
func (h *Hart) interpRun(e *jitEngine, n, left int) int {
	used := 0
	for used < n && !h.stop {
		used += h.interpStep(e, n-used, left-used)
	}
	return used
}

// interpStep runs up to limit instructions in the interpreter, exactly as
// one turn of Run's loop does (a bulk loop may use up to left), and
// returns the budget used.
func (h *Hart) interpStep(e *jitEngine, limit, left int) int {
	n, in := h.runFast(limit)
	used := n
	if n == limit {
		return used
	}
	used++ // the instruction runFast could not finish
	if in == nil {
		if in = h.fetch(); in == nil {
			return used // fetch fault: trapped
		}
		if in != &h.oneInst {
			return used - 1 // now decoded: runFast takes it next time
		}
		h.runUncached(in)
		return used
	}
	if in.op == opBNELoop {
		return used + h.runLoop(in, left-used)
	}
	h.execSlow(in)
	return used
}

// jitFetchPage makes pc's page the fetch page as fetchSlow does, when that
// needs no trap and the page is RAM, and returns its RAM offset. After
// every sfence.vma (xv6: two per trap) each jump target's page is found
// this way once instead of by running an instruction in the interpreter.
func (h *Hart) jitFetchPage(pc uint64) (uint64, bool) {
	off, hit := h.itlb.Lookup(pc)
	if !hit {
		pmp := h.activePMP()
		pa, _, ok := mmu.TranslatePMP(h.sys.bus, h.fetchContext(), pmp, pc, mmu.Fetch, true)
		if !ok || !h.sys.bus.InRAM(pa&^(pageSize-1), pageSize) || !h.pmpPageAllowed(pa, mmu.Fetch) {
			// The interpreter raises the fault, or fetches from the
			// device or a page PMP entries split, one by one.
			return 0, false
		}
		off = pa - h.sys.bus.RAMBase
		h.itlb.Insert(pc, off)
	}
	h.setFetchPage(pc, off)
	return h.fetchOff, true
}
