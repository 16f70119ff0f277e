package cpu

import "github.com/rvemu/rvemu/mmu"

// Bulk loops. xv6 fills and copies memory one byte per iteration: its
// memset and memmove were 64% of the instructions of `usertests -q`
// (kalloc and kfree fill every page they hand out or take back, and the
// sbrk tests cycle all of RAM). A short loop of a known shape, ending in a
// backward bne, is recognised when the branch is decoded, and the branch
// becomes opBNELoop. Run executes it as a bne and then as many further
// iterations as it can natively: the same memory, registers, PC and
// retired-instruction count as interpreting them, within the Run budget
// (so interrupts are checked exactly as often), and only while every
// access stays on one RAM page that hits the TLBs. A store page with a
// hook (code, a reservation) has the hook run once for the whole run of
// stores. Anything else (a TLB miss, a page end, a store into the loop's
// own code page, a changed loop body) leaves the remaining iterations to
// the interpreter.
//
// The shapes, with any registers and in any order of the body (the branch
// compares a bumped pointer with a register the body does not write):
//
//	fill: s{b,h,w,d} v, o(p); addi p, p, ±size
//	copy: l{b,bu,h,hu,w,wu,d} t, o(s); s{b,h,w,d} t, o'(d);
//	      addi s, s, ±size; addi d, d, ±size      (the load before the store)

// maxLoopBody bounds the instructions before the branch.
const maxLoopBody = 4

const (
	loopFill = iota + 1
	loopCopy
)

// loopShape is a recognised loop: which registers play which part and the
// offsets of its accesses from the pointers' values at iteration start.
type loopShape struct {
	kind  int
	size  uint64 // bytes per access
	step  int64  // added to each pointer per iteration: +size or -size
	insts uint64 // instructions per iteration, the branch included

	counter, end uint8 // the branch compares these
	store        uint8 // store base register
	storeOff     int64
	value        uint8 // fill: the stored register
	load         uint8 // copy: load base register
	loadOff      int64
	temp         uint8 // copy: the register loaded and stored
	signed       bool  // copy: the load sign-extends into temp
}

// matchLoop recognises body (the instructions from the branch target up
// to the branch) followed by br.
func matchLoop(body []inst, br *inst) (loopShape, bool) {
	var sh loopShape
	var bumped [32]int64 // added to a register so far in the body
	var bumps [32]bool
	nbumps := 0
	haveLoad, haveStore := false, false
	var loadSize uint64
	for i := range body {
		in := &body[i]
		switch {
		case in.op == opADDI:
			if in.rd != in.rs1 || bumps[in.rd&31] {
				return sh, false
			}
			bumps[in.rd&31] = true
			bumped[in.rd&31] = in.imm
			nbumps++
		case in.op >= opSB && in.op <= opSD:
			if haveStore {
				return sh, false
			}
			haveStore = true
			sh.size = 1 << (in.op - opSB)
			sh.store, sh.value = in.rs1&31, in.rs2&31
			sh.storeOff = in.imm + bumped[sh.store]
		case in.op >= opLB && in.op <= opLWU:
			if haveLoad || haveStore {
				return sh, false // the store must store this iteration's load
			}
			haveLoad = true
			size, signed := loadShape(in.op)
			sh.load, sh.temp, sh.signed = in.rs1&31, in.rd&31, signed
			sh.loadOff = in.imm + bumped[sh.load]
			loadSize = uint64(size)
		default:
			return sh, false
		}
	}
	if !haveStore {
		return sh, false
	}
	sh.insts = uint64(len(body)) + 1
	sh.step = bumped[sh.store]
	if sh.step != int64(sh.size) && sh.step != -int64(sh.size) {
		return sh, false
	}
	if haveLoad {
		sh.kind = loopCopy
		if nbumps != 2 || loadSize != sh.size || bumped[sh.load] != sh.step || sh.load == sh.store ||
			sh.value != sh.temp || sh.temp == 0 || sh.temp == sh.load || sh.temp == sh.store {
			return sh, false
		}
	} else {
		sh.kind = loopFill
		if nbumps != 1 || sh.value == sh.store {
			return sh, false
		}
	}
	// The branch: bne counter, end (either order), counter a pointer.
	a, b := br.rs1&31, br.rs2&31
	switch {
	case bumps[a] && !bumps[b]:
		sh.counter, sh.end = a, b
	case bumps[b] && !bumps[a]:
		sh.counter, sh.end = b, a
	default:
		return sh, false
	}
	if sh.kind == loopCopy && sh.end == sh.temp {
		return sh, false
	}
	return sh, true
}

// markLoop turns a backward bne at pc (already decoded into in, inside
// the current code page) into opBNELoop when the bytes before it, up to
// its target on the same page, are a loop of a known shape.
func (h *Hart) markLoop(in *inst, pc uint64) {
	if isLoopBranch(h.ram, h.fetchOff, in, pc) {
		in.op = opBNELoop
	}
}

// isLoopBranch reports whether the bne in, at pc in the RAM page at
// pageOff, closes a loop of a shape Run finishes in bulk.
func isLoopBranch(ram []byte, pageOff uint64, in *inst, pc uint64) bool {
	if in.op != opBNE || in.imm >= 0 || in.imm < -4*maxLoopBody {
		return false
	}
	target := pc + uint64(in.imm)
	if target>>pageShift != pc>>pageShift {
		return false
	}
	var body [maxLoopBody]inst
	n := 0
	for a := target; a < pc; n++ {
		if n == maxLoopBody {
			return false
		}
		body[n] = decodeRAM(ram, pageOff+a&(pageSize-1))
		a += uint64(body[n].ilen)
		if a > pc {
			return false
		}
	}
	_, ok := matchLoop(body[:n], in)
	return ok
}

// loopBody collects the decoded instructions from target up to pc in the
// current code page, decoding slots that are not (translated code ran
// them); false if they do not end at pc.
func (h *Hart) loopBody(target, pc uint64, body *[maxLoopBody]inst) (int, bool) {
	if h.fetchPage == nil || target>>pageShift != h.fetchVPN || pc>>pageShift != h.fetchVPN {
		return 0, false
	}
	n := 0
	for a := target; a < pc; n++ {
		if n == maxLoopBody {
			return 0, false
		}
		s := &h.fetchPage[(a>>1)&(slotsPerPage-1)]
		if s.op == opUndecoded {
			if h.decodeSlot(s, a); s.op == opUndecoded {
				return 0, false
			}
		}
		if !isFused(s.op) {
			body[n] = *s
			a += uint64(s.ilen)
			continue
		}
		// A fused pair: the matcher knows single instructions, and the
		// second's own slot may never have been decoded. The slot being
		// decoded shows both are unchanged (stores reset it, fusedReach).
		if n+1 == maxLoopBody {
			return 0, false
		}
		body[n] = h.plainDecode(a)
		a += uint64(body[n].ilen)
		n++
		body[n] = h.plainDecode(a)
		a += uint64(body[n].ilen)
	}
	return n, true
}

// runLoop executes the opBNELoop at PC: the branch, and when it is taken,
// up to budget more instructions' worth of whole iterations. It returns
// the instructions run beyond the branch.
func (h *Hart) runLoop(br *inst, budget int) int {
	x := &h.X
	pc := h.PC
	if x[br.rs1&31] == x[br.rs2&31] {
		h.retire(br.ilen)
		return 0
	}
	target := pc + uint64(br.imm)
	h.PC = target
	h.Instret++

	var body [maxLoopBody]inst
	n, ok := h.loopBody(target, pc, &body)
	if !ok {
		return 0
	}
	sh, ok := matchLoop(body[:n], br)
	if !ok {
		return 0 // the body changed since the branch was decoded
	}
	iters := uint64(budget) / sh.insts
	// Iterations until the branch falls through (the last one included).
	var dist uint64
	if sh.step > 0 {
		dist = x[sh.end] - x[sh.counter]
	} else {
		dist = x[sh.counter] - x[sh.end]
	}
	remaining := ^uint64(0) // never reaches end: runs until a limit
	if dist%sh.size == 0 {
		remaining = dist / sh.size
	}
	iters = min(iters, remaining)

	storeVA := x[sh.store] + uint64(sh.storeOff)
	h.fillBareTLBs(storeVA, true)
	storeOff, ok := h.stlb.Lookup(storeVA)
	hooked := false
	if !ok {
		// A page whose stores need the hook (it held code, or a
		// reservation): kfree and kalloc fill the pages a process ran
		// from, and one by one every store would take the slow path and
		// come back here. The hook runs once for the whole run of stores
		// instead, unless the loop would overwrite its own code.
		if storeOff, ok = h.htlb.Lookup(storeVA); !ok {
			return 0
		}
		if cp := h.cc.code[storeOff>>pageShift]; cp != nil && cp == h.fetchPage {
			return 0
		}
		hooked = true
	}
	iters = min(iters, itersInPage(storeVA, sh.size, sh.step))
	var loadOff uint64
	if sh.kind == loopCopy {
		loadVA := x[sh.load] + uint64(sh.loadOff)
		h.fillBareTLBs(loadVA, false)
		if loadOff, ok = h.ltlb.Lookup(loadVA); !ok {
			return 0
		}
		iters = min(iters, itersInPage(loadVA, sh.size, sh.step))
	}
	if iters == 0 {
		return 0
	}

	h.bulk.runs++
	if hooked {
		h.bulk.hookedRuns++
		h.sys.storedRun(h, lowest(storeOff, iters, sh.step), iters*sh.size, iters)
	}
	move := iters * uint64(sh.step) // what each pointer gains, wrapping
	if sh.kind == loopFill {
		fillRAM(h.ram, storeOff, iters, sh.size, sh.step, x[sh.value])
	} else {
		copyRAM(h.ram, storeOff, loadOff, iters, sh.size, sh.step)
		last := readRAM(h.ram, storeOff+move-uint64(sh.step), int(sh.size))
		if sh.signed {
			shift := 64 - 8*sh.size
			last = uint64(int64(last<<shift) >> shift)
		}
		x[sh.temp] = last
		x[sh.load] += move
	}
	x[sh.store] += move
	done := iters * sh.insts
	h.Instret += done
	if iters == remaining {
		h.PC = pc + uint64(br.ilen) // the last branch fell through
	}
	return int(done)
}

// bulkCounts says how often a hart ran loop iterations natively: tests use
// it to tell the bulk path from the interpreter, whose results are equal.
type bulkCounts struct {
	runs       uint64 // runs of whole iterations
	hookedRuns uint64 // of them, into a page whose stores need the hook
}

// itersInPage is how many accesses of size bytes, starting at va and
// moving by step, stay inside va's page.
func itersInPage(va, size uint64, step int64) uint64 {
	in := va & (pageSize - 1)
	if in > pageSize-size {
		return 0
	}
	if step > 0 {
		return (pageSize - in) / size
	}
	return in/size + 1
}

// lowest returns the RAM offset of the lowest of count accesses that start
// at off and move by step.
func lowest(off, count uint64, step int64) uint64 {
	if step > 0 {
		return off
	}
	return off - (count-1)*uint64(-step)
}

// fillRAM stores the low size bytes of v count times, starting at off and
// moving by step. Every element has the same alignment, so the range is
// the element pattern repeated from its lowest address.
func fillRAM(ram []byte, off, count, size uint64, step int64, v uint64) {
	dst := ram[lowest(off, count, step):][:count*size]
	if v<<(64-8*size) == 0 { // the stored bytes are all zero
		clear(dst)
		return
	}
	var pat [8]byte
	for i := range pat {
		pat[i] = byte(v >> (8 * (uint64(i) % size)))
	}
	for len(dst) >= 8 {
		copy(dst, pat[:])
		dst = dst[8:]
	}
	copy(dst, pat[:])
}

// copyRAM performs count load-store iterations of size bytes, from load to
// store offsets, moving by step, with the result of doing them one by one.
func copyRAM(ram []byte, store, load, count, size uint64, step int64) {
	n := count * size
	lo, slo := lowest(load, count, step), lowest(store, count, step)
	// Element-wise order matters only when a store lands on bytes a later
	// load reads: the destination ahead of the source in copy order.
	ahead := (step > 0 && slo > lo) || (step < 0 && slo < lo)
	if !ahead || slo+n <= lo || lo+n <= slo {
		copy(ram[slo:slo+n], ram[lo:lo+n])
		return
	}
	for i := uint64(0); i < count; i++ {
		d := i * uint64(step)
		writeRAM(ram, store+d, int(size), readRAM(ram, load+d, int(size)))
	}
}

// fillBareTLBs enters va's page in the load or store TLBs, as the slow
// paths would, when accesses are untranslated and it is RAM: translated
// code reaches RAM directly then (jitHart.bare) and fills no TLB, so the
// loop's first iteration, run translated, left the TLBs empty.
func (h *Hart) fillBareTLBs(va uint64, store bool) {
	if h.dataContext().Paged() {
		return
	}
	acc := mmu.Load
	if store {
		acc = mmu.Store
	}
	page, ok := h.ramPage(va)
	if !ok || !h.pmpPageAllowed(va, acc) || h.sys.watchedPage(va, store) {
		return // the slow paths check such pages access by access
	}
	if store {
		if _, hit := h.storeTLBLookup(va); !hit {
			h.storeTLBInsert(va, page)
		}
	} else if _, hit := h.ltlb.Lookup(va); !hit {
		h.ltlb.Insert(va, page)
	}
}
