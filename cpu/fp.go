package cpu

import (
	"github.com/rvemu/rvemu/softfp"
)

// The F and D extensions: f0-f31 are Hart.F, 64 bits each; a single
// lives in the low half with the upper 32 bits all ones (NaN-boxed), and
// a single read from a register that is not properly boxed is the
// canonical NaN. fcsr (frm and fflags) lives in csrState. mstatus.FS
// gates it all: Off makes every FP instruction and FP CSR access illegal,
// and any change to FP state makes it Dirty. The arithmetic is package
// softfp's.

// FP CSRs.
const (
	csrFflags = 0x001
	csrFrm    = 0x002
	csrFcsr   = 0x003
)

// mstatus.FS states and the summary bit.
const (
	msFSShift = 13
	msFS      = 3 << msFSShift
	msFSDirty = 3 << msFSShift
	msSD      = 1 << 63
)

const boxUpper = 0xffffffff00000000

// fpOn reports whether mstatus.FS lets FP instructions run.
func (h *Hart) fpOn() bool { return h.csr.mstatus&msFS != 0 }

// fpDirty records a change to FP state. With FS Off (a debugger writing
// FP state) it stays Off.
func (h *Hart) fpDirty() {
	if h.csr.mstatus&msFS != 0 {
		h.csr.mstatus |= msFSDirty
	}
}

// fpRead returns register r as an operand of the given precision.
func (h *Hart) fpRead(r uint8, double bool) uint64 {
	v := h.F[r&31]
	if double {
		return v
	}
	if v&boxUpper != boxUpper {
		return softfp.F32.CanonicalNaN()
	}
	return v & 0xffffffff
}

// fpWrite sets register r to a result of the given precision.
func (h *Hart) fpWrite(r uint8, v uint64, double bool) {
	if !double {
		v = v&0xffffffff | boxUpper
	}
	h.F[r&31] = v
	h.fpDirty()
}

// fpAccrue ORs an operation's exception flags into fflags.
func (h *Hart) fpAccrue(fl softfp.Flags) {
	if fl != 0 && h.csr.fflags|uint8(fl) != h.csr.fflags {
		h.csr.fflags |= uint8(fl)
		h.fpDirty()
	}
}

func fpFormat(double bool) softfp.Format {
	if double {
		return softfp.F64
	}
	return softfp.F32
}

// execFP runs one decoded FP instruction (opFP).
func (h *Hart) execFP(in *inst) {
	f, raw := unpackFP(in.imm)
	if !h.fpOn() {
		h.raise(causeIllegal, uint64(raw))
		return
	}
	rm := softfp.RoundingMode(f.rm)
	if f.rm == rmDynamic {
		rm = softfp.RoundingMode(h.csr.frm)
	}
	if f.rm != rmNone && rm > softfp.RMM {
		h.raise(causeIllegal, uint64(raw))
		return
	}
	x := &h.X
	fm := fpFormat(f.double)
	a, b := h.fpRead(in.rs1, f.double), h.fpRead(in.rs2, f.double)
	var v uint64
	var fl softfp.Flags
	switch f.op {
	case fpLoad:
		if !h.fpLoad(in, f.double) {
			return
		}
		h.retire(in.ilen)
		return
	case fpStore:
		size := 4
		if f.double {
			size = 8
		}
		// fsw stores the low 32 bits whatever the boxing.
		if !h.storeSlow(x[in.rs1&31]+uint64(int64(in.imm2)), size, h.F[in.rs2&31]) {
			return
		}
		h.retire(in.ilen)
		return
	case fpMadd, fpMsub, fpNmsub, fpNmadd:
		c := h.fpRead(f.rs3, f.double)
		sign := uint64(1) << 31
		if f.double {
			sign = 1 << 63
		}
		if f.op == fpNmsub || f.op == fpNmadd {
			a ^= sign // -(a*b) = (-a)*b
		}
		if f.op == fpMsub || f.op == fpNmadd {
			c ^= sign
		}
		v, fl = fm.MulAdd(a, b, c, rm)
	case fpAdd:
		v, fl = fm.Add(a, b, rm)
	case fpSub:
		v, fl = fm.Sub(a, b, rm)
	case fpMul:
		v, fl = fm.Mul(a, b, rm)
	case fpDiv:
		v, fl = fm.Div(a, b, rm)
	case fpSqrt:
		v, fl = fm.Sqrt(a, rm)
	case fpSgnj, fpSgnjn, fpSgnjx:
		v = fpSignInject(f.op, a, b, f.double)
	case fpMin:
		v, fl = fm.Min(a, b)
	case fpMax:
		v, fl = fm.Max(a, b)
	case fpCvtFF:
		from := fpFormat(!f.double)
		v, fl = fm.Convert(from, h.fpRead(in.rs1, !f.double), rm)
	case fpEq, fpLt, fpLe:
		var r bool
		switch f.op {
		case fpEq:
			r, fl = fm.Eq(a, b)
		case fpLt:
			r, fl = fm.Lt(a, b)
		default:
			r, fl = fm.Le(a, b)
		}
		h.fpAccrue(fl)
		h.setX(in.rd, b2u(r))
		h.retire(in.ilen)
		return
	case fpCvtToW, fpCvtToWU, fpCvtToL, fpCvtToLU:
		width := uint(32)
		if f.op >= fpCvtToL {
			width = 64
		}
		v, fl = fm.ToInt(a, width, f.op == fpCvtToW || f.op == fpCvtToL, rm)
		if width == 32 {
			v = sext32(v) // RV64 sign-extends unsigned words too
		}
		h.fpAccrue(fl)
		h.setX(in.rd, v)
		h.retire(in.ilen)
		return
	case fpCvtW, fpCvtWU, fpCvtL, fpCvtLU:
		src := x[in.rs1&31]
		switch f.op {
		case fpCvtW:
			src = sext32(src)
		case fpCvtWU:
			src &= 0xffffffff
		}
		v, fl = fm.FromInt(src, f.op == fpCvtW || f.op == fpCvtL, rm)
	case fpMvXF:
		r := h.F[in.rs1&31] // raw bits, boxed or not
		if !f.double {
			r = sext32(r)
		}
		h.setX(in.rd, r)
		h.retire(in.ilen)
		return
	case fpClass:
		h.setX(in.rd, fm.Class(a))
		h.retire(in.ilen)
		return
	case fpMvFX:
		v = x[in.rs1&31]
	}
	h.fpAccrue(fl)
	h.fpWrite(in.rd, v, f.double)
	h.retire(in.ilen)
}

// fpLoad runs flw/fld: a TLB hit reads RAM here, anything else takes the
// integer loads' slow path (faults, MMIO, page crossings).
func (h *Hart) fpLoad(in *inst, double bool) bool {
	size := 4
	if double {
		size = 8
	}
	va := h.X[in.rs1&31] + uint64(int64(in.imm2))
	var v uint64
	if off, hit := h.ltlb.Lookup(va); hit && va&(pageSize-1) <= pageSize-uint64(size) {
		v = readRAM(h.ram, off, size)
	} else {
		var ok bool
		if v, ok = h.loadSlow(va, size); !ok {
			return false
		}
	}
	h.fpWrite(in.rd, v, double)
	return true
}

// fpSignInject is fsgnj/fsgnjn/fsgnjx: a's magnitude with a sign made
// from b's.
func fpSignInject(op uint8, a, b uint64, double bool) uint64 {
	sign := uint64(1) << 31
	if double {
		sign = 1 << 63
	}
	switch op {
	case fpSgnj:
		return a&^sign | b&sign
	case fpSgnjn:
		return a&^sign | ^b&sign
	}
	return a ^ b&sign
}
