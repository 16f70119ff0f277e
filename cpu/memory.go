package cpu

import (
	"encoding/binary"
	"sync/atomic"

	"github.com/rvemu/rvemu/mmu"
)

// fetchSlow finds the instruction at pc when pc is outside the current
// code page: it refills the fetch TLB and page, or, for code outside RAM,
// decodes into a scratch slot that is never cached. nil means a trap.
func (h *Hart) fetchSlow(pc uint64) *inst {
	off, hit := h.itlb.Lookup(pc)
	if !hit {
		pa, ok := h.translate(pc, 2, mmu.Fetch, pc)
		if !ok {
			return nil
		}
		if !h.sys.bus.InRAM(pa&^(pageSize-1), pageSize) || !h.pmpPageAllowed(pa, mmu.Fetch) {
			// Devices, and pages PMP entries split: fetched one by one.
			return h.fetchOutsideRAM(pc, pa)
		}
		off = pa - h.sys.bus.RAMBase
		h.itlb.Insert(pc, off)
	}
	h.setFetchPage(pc, off)
	in := &h.fetchPage[(pc>>1)&(slotsPerPage-1)]
	if in.op < opIllegal {
		return h.decodeSlot(in, pc)
	}
	return in
}

// setFetchPage makes the RAM page at offset off, where pc was found, the
// hart's fetch page (and enters it in the code TLB).
func (h *Hart) setFetchPage(pc, off uint64) {
	h.fetchPage = h.sys.codePageAt(h.cc, off>>pageShift, h)
	h.bindBreakpoints(pc>>pageShift, off>>pageShift)
	h.cc.codeStores[off>>pageShift] = 0 // executed: not a data page
	h.fetchOff = off &^ (pageSize - 1)
	h.fetchVPN = pc >> pageShift
	h.ctlb.insert(h.fetchVPN, h.fetchPage, h.fetchOff, &h.cc.codeStores[off>>pageShift])
}

// decodeSlot decodes the instruction at pc (inside the current code page)
// into its slot. A 32-bit instruction in the last halfword of a page is
// decoded into scratch each time, since its upper half lives elsewhere.
func (h *Hart) decodeSlot(in *inst, pc uint64) *inst {
	off := h.fetchOff + pc&(pageSize-1)
	lo := binary.LittleEndian.Uint16(h.ram[off:])
	if h.cc.marked(off>>pageShift, off&(pageSize-1)) {
		return h.decodeMark(in, pc, lo)
	}
	if lo&3 != 3 {
		*in = decodeCompressed(lo)
		h.markLoop(in, pc)
		markPageEnd(in, pc)
		h.fusePair(in, pc)
		return in
	}
	if pc&(pageSize-1) != pageSize-2 {
		*in = decode(binary.LittleEndian.Uint32(h.ram[off:]))
		h.markLoop(in, pc)
		markPageEnd(in, pc)
		h.fusePair(in, pc)
		return in
	}
	hi, ok := h.fetchHalf(pc+2, pc)
	if !ok {
		return nil
	}
	h.oneInst = decode(uint32(lo) | uint32(hi)<<16)
	return &h.oneInst
}

// markPageEnd turns an instruction at pc that ends at its page's end, and
// can continue with the next instruction, into opPageEnd.
func markPageEnd(in *inst, pc uint64) {
	if pc&(pageSize-1)+uint64(in.ilen) != pageSize {
		return
	}
	switch in.op {
	case opJAL, opJ, opJALR, opJR: // always jump
		return
	case opBNELoop: // its loop cannot reach past the page: a plain bne
		in.op = opBNE
	}
	in.real, in.op = in.op, opPageEnd
}

// fetchHalf reads one instruction halfword through translation; a fault
// is raised for the instruction at epc.
func (h *Hart) fetchHalf(va, epc uint64) (uint16, bool) {
	pa, ok := h.translate(va, 2, mmu.Fetch, epc)
	if !ok {
		return 0, false
	}
	v, found := h.dev.Load(pa, 2)
	if !found {
		h.trap(causeFetchAccess, va, epc)
		return 0, false
	}
	return uint16(v), true
}

// fetchOutsideRAM runs code from a device (a boot ROM), or from a RAM page
// whose PMP permissions are not the same throughout: fetched and decoded
// every time, nothing cached (no slot to mark: breakpoints are compared
// here).
func (h *Hart) fetchOutsideRAM(pc, pa uint64) *inst {
	if len(h.sys.dbg.breakpoints) > 0 && h.isBreakpoint(pc) {
		h.fetchVPN = noPage
		h.oneInst = inst{op: opBreak}
		return &h.oneInst
	}
	return h.fetchUncached(pc, pa)
}

// fetchUncached decodes the instruction at pc, physical address pa, from
// the bus into oneInst. nil means a trap.
func (h *Hart) fetchUncached(pc, pa uint64) *inst {
	h.fetchVPN = noPage
	v, found := h.dev.Load(pa, 2)
	if !found {
		h.raise(causeFetchAccess, pc)
		return nil
	}
	if v&3 != 3 {
		h.oneInst = decodeCompressed(uint16(v))
		return &h.oneInst
	}
	hi, ok := h.fetchHalf(pc+2, pc)
	if !ok {
		return nil
	}
	h.oneInst = decode(uint32(v) | uint32(hi)<<16)
	return &h.oneInst
}

// translate maps va for an access of size bytes, raising the fault (for
// the instruction at epc) when the translation or PMP refuses it. Data
// accesses use the MPRV-adjusted context.
func (h *Hart) translate(va uint64, size int, acc mmu.Access, epc uint64) (uint64, bool) {
	ctx := h.fetchContext()
	if acc != mmu.Fetch {
		ctx = h.dataContext()
	}
	pmp := h.activePMP()
	pa, cause, ok := mmu.TranslatePMP(h.sys.bus, ctx, pmp, va, acc, true)
	if ok && pmp != nil && !pmp.Check(pa, size, acc, ctx.Priv) {
		cause, ok = acc.AccessFault(), false
	}
	if !ok {
		h.trap(cause, va, epc)
	}
	return pa, ok
}

// pmpPageAllowed reports whether PMP lets every access of this kind by the
// current (effective) privilege into the page at pa, so that a TLB may
// hold it. Pages it does not allow take the slow path, checked per access.
func (h *Hart) pmpPageAllowed(pa uint64, acc mmu.Access) bool {
	if !h.pmp.Active() {
		return true
	}
	priv := h.Priv
	if acc != mmu.Fetch {
		priv = h.dataContext().Priv
	}
	return h.pmp.PageAllowed(pa, acc, priv)
}

// ramPage reports the RAM offset of the page holding pa, if all of it is RAM.
func (h *Hart) ramPage(pa uint64) (uint64, bool) {
	page := pa &^ (pageSize - 1)
	if !h.sys.bus.InRAM(page, pageSize) {
		return 0, false
	}
	return page - h.sys.bus.RAMBase, true
}

func readRAM(ram []byte, off uint64, size int) uint64 {
	switch size {
	case 1:
		return uint64(ram[off])
	case 2:
		return uint64(binary.LittleEndian.Uint16(ram[off:]))
	case 4:
		return uint64(binary.LittleEndian.Uint32(ram[off:]))
	}
	return binary.LittleEndian.Uint64(ram[off:])
}

func writeRAM(ram []byte, off uint64, size int, v uint64) {
	switch size {
	case 1:
		ram[off] = byte(v)
	case 2:
		binary.LittleEndian.PutUint16(ram[off:], uint16(v))
	case 4:
		binary.LittleEndian.PutUint32(ram[off:], uint32(v))
	default:
		binary.LittleEndian.PutUint64(ram[off:], v)
	}
}

// loadSlow is the load path after a TLB miss, for MMIO, and for accesses
// that cross a page. ok=false means the hart trapped.
func (h *Hart) loadSlow(va uint64, size int) (uint64, bool) {
	if va&(pageSize-1) > pageSize-uint64(size) {
		return h.loadBytes(va, size)
	}
	if off, hit := h.wltlb.Lookup(va); hit && len(h.sys.dbg.watchpoints) != 0 {
		if h.watchStops(Access{Addr: va, Size: uint64(size), Load: true}) {
			return 0, false
		}
		return readRAM(h.ram, off, size), true
	}
	pa, ok := h.translate(va, size, mmu.Load, h.PC)
	if !ok || h.watchStops(Access{Addr: va, Size: uint64(size), Load: true}) {
		return 0, false
	}
	if page, inRAM := h.ramPage(pa); inRAM {
		if h.pmpPageAllowed(pa, mmu.Load) {
			if h.sys.watchedPage(va, false) {
				h.wltlb.Insert(va, page)
			} else {
				h.ltlb.Insert(va, page)
			}
		}
		return readRAM(h.ram, page+pa&(pageSize-1), size), true
	}
	v, found := h.dev.Load(pa, size)
	if !found {
		h.raise(causeLoadAccess, va)
		return 0, false
	}
	h.stop = true // device state may have changed: let the board look
	return v, true
}

// loadBytes performs a misaligned load that crosses a page one byte at a
// time, as QEMU does; every byte is translated, so either page can fault.
func (h *Hart) loadBytes(va uint64, size int) (uint64, bool) {
	if h.watchStops(Access{Addr: va, Size: uint64(size), Load: true}) {
		return 0, false
	}
	var v uint64
	for i := 0; i < size; i++ {
		b, ok := h.loadSlow(va+uint64(i), 1)
		if !ok {
			return 0, false
		}
		v |= b << (8 * i)
	}
	return v, true
}

// storeSlow mirrors loadSlow for stores. It is also the path for TLB hits
// on pages that need the store hook (decoded code, reservations), which
// must not pay for a walk.
func (h *Hart) storeSlow(va uint64, size int, v uint64) bool {
	inPage := va&(pageSize-1) <= pageSize-uint64(size)
	if off, hit := h.storeTLBLookup(va); hit && inPage {
		if atomic.LoadUint32(&h.sys.flags[off>>pageShift]) == 0 {
			h.stlb.Insert(va, off) // the hook is gone: fast path again
		}
		h.storeRAM(off, size, v)
		return true
	}
	if off, hit := h.wstlb.Lookup(va); hit && inPage && len(h.sys.dbg.watchpoints) != 0 {
		if h.watchStops(Access{Addr: va, Size: uint64(size), Store: true}) {
			return false
		}
		h.storeRAM(off, size, v)
		return true
	}
	if !inPage {
		// Translate both pages first so a fault leaves memory untouched.
		if _, ok := h.translate(va, 1, mmu.Store, h.PC); !ok {
			return false
		}
		if _, ok := h.translate(va+uint64(size)-1, 1, mmu.Store, h.PC); !ok {
			return false
		}
		if h.watchStops(Access{Addr: va, Size: uint64(size), Store: true}) {
			return false
		}
		for i := 0; i < size; i++ {
			if !h.storeSlow(va+uint64(i), 1, v>>(8*i)) {
				return false
			}
		}
		return true
	}
	pa, ok := h.translate(va, size, mmu.Store, h.PC)
	if !ok || h.watchStops(Access{Addr: va, Size: uint64(size), Store: true}) {
		return false
	}
	if page, inRAM := h.ramPage(pa); inRAM {
		if h.pmpPageAllowed(pa, mmu.Store) {
			h.storeTLBInsert(va, page)
		}
		h.storeRAM(page+pa&(pageSize-1), size, v)
		return true
	}
	if !h.dev.Store(pa, size, v) {
		h.raise(causeStoreAccess, va)
		return false
	}
	h.stop = true
	return true
}

// storeRAM writes RAM and runs the store hook when the page needs it.
func (h *Hart) storeRAM(off uint64, size int, v uint64) {
	writeRAM(h.ram, off, size, v)
	if atomic.LoadUint32(&h.sys.flags[off>>pageShift]) != 0 {
		h.sys.stored(h, off, uint64(size))
	}
}

// storeTLBLookup finds a store translation in either store TLB.
func (h *Hart) storeTLBLookup(va uint64) (uint64, bool) {
	if off, ok := h.stlb.Lookup(va); ok {
		return off, true
	}
	return h.htlb.Lookup(va)
}

// storeTLBInsert caches a store translation: in stlb when the page's
// stores need no hook, in htlb when they do, in wstlb (the slow path's
// own) when a watchpoint is on the page.
func (h *Hart) storeTLBInsert(va, page uint64) {
	if h.sys.watchedPage(va, true) {
		h.wstlb.Insert(va, page)
		return
	}
	if atomic.LoadUint32(&h.sys.flags[page>>pageShift]) == 0 {
		h.stlb.Insert(va, page)
	} else {
		h.htlb.Insert(va, page)
	}
}
