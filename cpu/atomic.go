package cpu

import (
	"github.com/rvemu/rvemu/mmu"
)

// execAMO runs LR, SC and the AMOs (.W when size is 4, .D when 8); aq/rl
// need nothing on a hart that runs alone. It reports false when it trapped.
func (h *Hart) execAMO(in *inst, size int) bool {
	va := h.X[in.rs1&31]
	f5 := in.imm
	if va&uint64(size-1) != 0 {
		if f5 == amoLR {
			h.raise(causeLoadMisaligned, va)
		} else {
			h.raise(causeStoreMisaligned, va)
		}
		return false
	}
	acc := mmu.Store
	if f5 == amoLR {
		acc = mmu.Load
	}
	var pa, off uint64
	inRAM := false
	if o, hit := h.storeTLBLookup(va); hit {
		// A store-TLB hit also proves load permission (W implies R).
		off, inRAM = o, true
		pa = h.sys.bus.RAMBase + off
	} else {
		p, ok := h.translate(va, size, acc, h.PC)
		if !ok {
			return false
		}
		page, isRAM := h.ramPage(p)
		pa, off, inRAM = p, page+p&(pageSize-1), isRAM
		if isRAM && acc == mmu.Store && h.pmpPageAllowed(p, mmu.Store) {
			h.storeTLBInsert(va, page)
		}
	}
	// (A store-TLB hit may be a page watched for loads.)
	if h.watchStops(Access{Addr: va, Size: uint64(size), Load: f5 != amoSC, Store: f5 != amoLR}) {
		return false
	}
	rd := in.rd & 31
	if h.sys.parallel && inRAM {
		return h.execAMOParallel(in, f5, size, off, pa)
	}

	switch f5 {
	case amoLR:
		if !inRAM {
			h.raise(causeLoadAccess, va)
			return false
		}
		h.setX(rd, signExtend(readRAM(h.ram, off, size), size))
		h.resvValid = true
		h.resvAddr = pa &^ (resvGranule - 1)
		h.sys.hookPage(off>>pageShift, pageHasResv)
		return true
	case amoSC:
		if !inRAM {
			h.raise(causeStoreAccess, va)
			return false
		}
		if h.resvValid && h.resvAddr == pa&^(resvGranule-1) {
			h.resvValid = false
			h.storeRAM(off, size, h.X[in.rs2&31])
			h.setX(rd, 0)
		} else {
			h.resvValid = false
			h.setX(rd, 1)
		}
		return true
	}

	var old uint64
	if inRAM {
		old = readRAM(h.ram, off, size)
	} else {
		v, found := h.dev.Load(pa, size)
		if !found {
			h.raise(causeStoreAccess, va)
			return false
		}
		old = v
	}
	old = signExtend(old, size)
	src := signExtend(h.X[in.rs2&31], size)
	nv := amoResult(f5, old, src, size)
	if inRAM {
		h.storeRAM(off, size, nv)
	} else {
		h.dev.Store(pa, size, nv)
		h.stop = true
	}
	h.setX(rd, old)
	return true
}

func signExtend(v uint64, size int) uint64 {
	if size == 4 {
		return uint64(int64(int32(v)))
	}
	return v
}

func zeroExtend(v uint64, size int) uint64 {
	if size == 4 {
		return uint64(uint32(v))
	}
	return v
}

// amoResult is the value AMO f5 leaves in memory, from the old value and
// the operand, both sign-extended from size bytes (MINU/MAXU compare them
// zero-extended again).
func amoResult(f5 int64, old, src uint64, size int) uint64 {
	switch f5 {
	case amoSWAP:
		return src
	case amoADD:
		return old + src
	case amoXOR:
		return old ^ src
	case amoAND:
		return old & src
	case amoOR:
		return old | src
	case amoMIN:
		if int64(src) < int64(old) {
			return src
		}
	case amoMAX:
		if int64(src) > int64(old) {
			return src
		}
	case amoMINU:
		if zeroExtend(src, size) < zeroExtend(old, size) {
			return src
		}
	case amoMAXU:
		if zeroExtend(src, size) > zeroExtend(old, size) {
			return src
		}
	}
	return old
}
