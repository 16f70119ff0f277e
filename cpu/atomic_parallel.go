package cpu

import (
	"sync/atomic"
	"unsafe"
)

// execAMOParallel runs LR, SC and the AMOs on RAM with host atomics, for
// harts on parallel goroutines (parallel.go). off is the RAM offset of the
// naturally aligned access, pa its physical address. Host atomics work on
// native-endian words: the board enables parallel mode on little-endian
// hosts only.
func (h *Hart) execAMOParallel(in *inst, f5 int64, size int, off, pa uint64) bool {
	rd := in.rd & 31
	src := h.X[in.rs2&31]
	ptr := unsafe.Pointer(&h.ram[off])
	var old uint64
	switch f5 {
	case amoLR:
		if size == 4 {
			old = uint64(atomic.LoadUint32((*uint32)(ptr)))
		} else {
			old = atomic.LoadUint64((*uint64)(ptr))
		}
		h.resvValid, h.resvAddr, h.resvValue = true, pa, old
		h.setX(rd, signExtend(old, size))
		return true
	case amoSC:
		ok := h.resvValid && h.resvAddr == pa
		if ok && size == 4 {
			ok = atomic.CompareAndSwapUint32((*uint32)(ptr), uint32(h.resvValue), uint32(src))
		} else if ok {
			ok = atomic.CompareAndSwapUint64((*uint64)(ptr), h.resvValue, src)
		}
		h.resvValid = false
		if !ok {
			h.setX(rd, 1)
			return true
		}
		h.storedAtomic(off, size)
		h.setX(rd, 0)
		return true
	}
	if size == 4 {
		old = uint64(amo32((*uint32)(ptr), f5, uint32(src)))
	} else {
		old = amo64((*uint64)(ptr), f5, src)
	}
	h.storedAtomic(off, size)
	h.setX(rd, signExtend(old, size))
	return true
}

// storedAtomic runs the store hook after an atomic write when the page
// needs it (decoded code on it).
func (h *Hart) storedAtomic(off uint64, size int) {
	if atomic.LoadUint32(&h.sys.flags[off>>pageShift]) != 0 {
		h.sys.stored(h, off, uint64(size))
	}
}

// amo32 applies AMO f5 with operand v to *p atomically and returns the old
// value: one host atomic where there is one, else a compare-and-swap loop
// around the value the serial path computes (amoResult).
func amo32(p *uint32, f5 int64, v uint32) uint32 {
	switch f5 {
	case amoSWAP:
		return atomic.SwapUint32(p, v)
	case amoADD:
		return atomic.AddUint32(p, v) - v
	case amoAND:
		return atomic.AndUint32(p, v)
	case amoOR:
		return atomic.OrUint32(p, v)
	}
	src := signExtend(uint64(v), 4)
	for {
		old := atomic.LoadUint32(p)
		nv := uint32(amoResult(f5, signExtend(uint64(old), 4), src, 4))
		if atomic.CompareAndSwapUint32(p, old, nv) {
			return old
		}
	}
}

// amo64 is amo32 for doublewords.
func amo64(p *uint64, f5 int64, v uint64) uint64 {
	switch f5 {
	case amoSWAP:
		return atomic.SwapUint64(p, v)
	case amoADD:
		return atomic.AddUint64(p, v) - v
	case amoAND:
		return atomic.AndUint64(p, v)
	case amoOR:
		return atomic.OrUint64(p, v)
	}
	for {
		old := atomic.LoadUint64(p)
		if atomic.CompareAndSwapUint64(p, old, amoResult(f5, old, v, 8)) {
			return old
		}
	}
}
