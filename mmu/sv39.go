package mmu

import (
	"encoding/binary"
	"sync/atomic"
	"unsafe"

	"github.com/rvemu/rvemu/bus"
)

const (
	pageShift = 12
	pageSize  = 1 << pageShift
	levels    = 3
	vpnBits   = 9
)

// Translate maps va for the given access. It returns ok=false with the
// exception cause (page fault or access fault) when the access must trap.
// update allows the walk to set A/D bits in the leaf PTE, as QEMU's
// hardware walker does; debuggers pass false to look without touching.
// Nothing is checked against PMP: that is TranslatePMP.
func Translate(mem Memory, ctx Context, va uint64, acc Access, update bool) (pa, cause uint64, ok bool) {
	return TranslatePMP(mem, ctx, nil, va, acc, update)
}

// TranslatePMP is Translate with the walk's page-table reads checked
// against pmp as S-mode loads (a refusal is an access fault of the
// access's kind); nil pmp checks nothing. The translated address itself
// is the caller's to check: only it knows the access's size. (pmp is not
// a Context field: a larger Context made every walk a third slower.)
func TranslatePMP(mem Memory, ctx Context, pmp *PMP, va uint64, acc Access, update bool) (pa, cause uint64, ok bool) {
	if !ctx.Paged() {
		return va, 0, true
	}
	// Sv39 virtual addresses are 39 bits sign-extended to 64.
	if uint64(int64(va<<25)>>25) != va {
		return 0, acc.PageFault(), false
	}
	table := (ctx.Satp & satpPPNMask) << pageShift
	for level := levels - 1; level >= 0; level-- {
		vpn := (va >> (pageShift + uint(level)*vpnBits)) & (1<<vpnBits - 1)
		pteAddr := table + vpn*8
		if pmp != nil && pteAddr+8 > pmp.openTop && !pmp.pteAllowed(pteAddr) {
			return 0, acc.AccessFault(), false
		}
		pte, found := loadPTE(mem, pteAddr)
		if !found {
			return 0, acc.AccessFault(), false
		}
		if pte&pteV == 0 || (pte&pteR == 0 && pte&pteW != 0) || pte&pteReservedMask != 0 {
			return 0, acc.PageFault(), false
		}
		ppn := (pte >> ptePPNShift) & ptePPNMask
		if pte&(pteR|pteX) == 0 {
			// Pointer to the next level; A/D/U must be clear in pointers.
			if level == 0 || pte&(pteA|pteD|pteU) != 0 {
				return 0, acc.PageFault(), false
			}
			table = ppn << pageShift
			continue
		}
		if !permitted(pte, ctx, acc) {
			return 0, acc.PageFault(), false
		}
		// A superpage's PPN must be aligned to its size.
		low := uint64(1)<<(uint(level)*vpnBits) - 1
		if ppn&low != 0 {
			return 0, acc.PageFault(), false
		}
		need := uint64(pteA)
		if acc == Store {
			need |= pteD
		}
		if pte&need != need && update {
			swapped, found := updatePTE(mem, pteAddr, pte, pte|need)
			if !found {
				return 0, acc.AccessFault(), false
			}
			if !swapped {
				// Another hart changed the entry since we read it (parallel
				// harts): walk again and judge the new one.
				return TranslatePMP(mem, ctx, pmp, va, acc, update)
			}
		}
		offMask := uint64(1)<<(pageShift+uint(level)*vpnBits) - 1
		return (ppn << pageShift &^ offMask) | (va & offMask), 0, true
	}
	return 0, acc.PageFault(), false // not reached: level 0 always decides
}

// permitted applies the R/W/X, U, SUM and MXR rules to a leaf PTE.
func permitted(pte uint64, ctx Context, acc Access) bool {
	if pte&pteU != 0 {
		if ctx.Priv == PrivS && (acc == Fetch || !ctx.SUM) {
			return false
		}
	} else if ctx.Priv == PrivU {
		return false
	}
	switch acc {
	case Fetch:
		return pte&pteX != 0
	case Load:
		return pte&pteR != 0 || (ctx.MXR && pte&pteX != 0)
	default:
		return pte&pteW != 0
	}
}

// loadPTE reads a page-table entry, straight from RAM when the memory is a
// bus (the common case: walks follow every TLB flush, and xv6 flushes on
// each trap), through the Memory interface otherwise.
func loadPTE(mem Memory, pa uint64) (uint64, bool) {
	if b, ok := mem.(*bus.Bus); ok && pa&7 == 0 && b.InRAM(pa, 8) {
		return binary.LittleEndian.Uint64(b.RAM[pa-b.RAMBase:]), true
	}
	return mem.Load(pa, 8)
}

// updatePTE sets A/D bits by replacing old with v: atomically when the
// entry is in RAM, as a hardware walker must when other harts may change
// the entry meanwhile (then swapped=false: walk again).
func updatePTE(mem Memory, pa, old, v uint64) (swapped, found bool) {
	if b, ok := mem.(*bus.Bus); ok && pa&7 == 0 && b.InRAM(pa, 8) && hostLittleEndian {
		p := (*uint64)(unsafe.Pointer(&b.RAM[pa-b.RAMBase]))
		return atomic.CompareAndSwapUint64(p, old, v), true
	}
	return true, mem.Store(pa, 8, v)
}

// hostLittleEndian: RAM holds little-endian words, host atomics work on
// native ones.
var hostLittleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()
