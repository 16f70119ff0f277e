package cpu

// Decoding of the F and D extensions. Every FP instruction decodes to
// opFP, run out of line by execFP (fp.go); which operation it is travels
// in the upper bits of inst.imm (fpFields), its 32 (or 16) instruction
// bits in the low 32 for the illegal-instruction tval that mstatus.FS =
// Off or a reserved dynamic rounding mode raises. Loads and stores keep
// their offset in imm2.

// FP operations (the fpop field).
const (
	fpLoad  uint8 = iota // flw, fld
	fpStore              // fsw, fsd
	fpMadd               // rd = rs1*rs2 + rs3
	fpMsub               // rs1*rs2 - rs3
	fpNmsub              // -(rs1*rs2) + rs3
	fpNmadd              // -(rs1*rs2) - rs3
	fpAdd
	fpSub
	fpMul
	fpDiv
	fpSqrt
	fpSgnj
	fpSgnjn
	fpSgnjx
	fpMin
	fpMax
	fpCvtFF   // fcvt.s.d (double: false) and fcvt.d.s (double: true)
	fpEq      // feq
	fpLt      // flt
	fpLe      // fle
	fpCvtToW  // fcvt.w.fmt
	fpCvtToWU // fcvt.wu.fmt
	fpCvtToL  // fcvt.l.fmt
	fpCvtToLU // fcvt.lu.fmt
	fpCvtW    // fcvt.fmt.w
	fpCvtWU   // fcvt.fmt.wu
	fpCvtL    // fcvt.fmt.l
	fpCvtLU   // fcvt.fmt.lu
	fpMvXF    // fmv.x.w, fmv.x.d
	fpClass   // fclass
	fpMvFX    // fmv.w.x, fmv.d.x
)

// rmNone marks operations without a rounding-mode field (funct3 selects
// the operation, or there is nothing to round).
const (
	rmDynamic = 7
	rmNone    = 8
)

// fpFields is what execFP needs besides the registers, packed into
// inst.imm above the instruction bits.
type fpFields struct {
	op     uint8
	double bool
	rs3    uint8
	rm     uint8 // 0-4 static, rmDynamic, rmNone
}

func (f fpFields) pack(raw uint32) int64 {
	d := uint64(0)
	if f.double {
		d = 1
	}
	return int64(uint64(raw) | uint64(f.op)<<32 | d<<40 | uint64(f.rs3)<<48 | uint64(f.rm)<<56)
}

func unpackFP(imm int64) (f fpFields, raw uint32) {
	v := uint64(imm)
	return fpFields{op: uint8(v >> 32), double: v>>40&1 != 0, rs3: uint8(v >> 48 & 31), rm: uint8(v >> 56)}, uint32(v)
}

// decodeFP decodes the LOAD-FP, STORE-FP, fused multiply-add and OP-FP
// major opcodes; anything else (and any reserved form) is ill.
func decodeFP(raw uint32, in, ill inst) inst {
	funct3 := raw >> 12 & 7
	rm := uint8(funct3)
	if rm == 5 || rm == 6 {
		rm = 5 // reserved: illegal wherever rm is a rounding mode
	}
	fmtD := raw >> 25 & 3 // fmt field of OP-FP and the fused ops
	var f fpFields
	switch raw & 0x7f {
	case 0x07, 0x27: // flw/fld, fsw/fsd
		if funct3 != 2 && funct3 != 3 {
			return ill
		}
		f = fpFields{op: fpLoad, double: funct3 == 3, rm: rmNone}
		in.imm2 = int16(int32(raw) >> 20)
		if raw&0x7f == 0x27 {
			f.op = fpStore
			in.imm2 = int16(immS(raw))
		}
		in.op, in.imm = opFP, f.pack(raw)
		return in
	case 0x43, 0x47, 0x4b, 0x4f:
		if fmtD > 1 || rm == 5 {
			return ill
		}
		f = fpFields{op: fpMadd + uint8(raw>>2&3), double: fmtD == 1, rs3: uint8(raw >> 27), rm: rm}
	case 0x53:
		var ok bool
		if f, ok = decodeOpFP(raw, in.rs2, rm); !ok {
			return ill
		}
	default:
		return ill
	}
	in.op, in.imm = opFP, f.pack(raw)
	return in
}

// decodeOpFP decodes the OP-FP major opcode from funct7, rs2 and funct3.
func decodeOpFP(raw uint32, rs2, rm uint8) (fpFields, bool) {
	funct7 := raw >> 25
	funct3 := uint8(raw >> 12 & 7)
	f := fpFields{double: funct7&3 == 1, rm: rmNone}
	if funct7&3 > 1 {
		return f, false // half and quad precision
	}
	rounded := func(op uint8) (fpFields, bool) {
		f.op, f.rm = op, rm
		return f, rm != 5
	}
	selected := func(ops ...uint8) (fpFields, bool) { // funct3 picks the operation
		if int(funct3) >= len(ops) {
			return f, false
		}
		f.op = ops[funct3]
		return f, true
	}
	switch funct7 >> 2 {
	case 0x00:
		return rounded(fpAdd)
	case 0x01:
		return rounded(fpSub)
	case 0x02:
		return rounded(fpMul)
	case 0x03:
		return rounded(fpDiv)
	case 0x0b:
		if rs2 != 0 {
			return f, false
		}
		return rounded(fpSqrt)
	case 0x04:
		return selected(fpSgnj, fpSgnjn, fpSgnjx)
	case 0x05:
		return selected(fpMin, fpMax)
	case 0x08: // fcvt.s.d (fmt S, rs2 = D) and fcvt.d.s (fmt D, rs2 = S)
		if (f.double && rs2 != 0) || (!f.double && rs2 != 1) {
			return f, false
		}
		return rounded(fpCvtFF)
	case 0x14:
		return selected(fpLe, fpLt, fpEq)
	case 0x18:
		if rs2 > 3 {
			return f, false
		}
		return rounded(fpCvtToW + rs2)
	case 0x1a:
		if rs2 > 3 {
			return f, false
		}
		return rounded(fpCvtW + rs2)
	case 0x1c:
		if rs2 != 0 {
			return f, false
		}
		return selected(fpMvXF, fpClass)
	case 0x1e:
		if rs2 != 0 || funct3 != 0 {
			return f, false
		}
		f.op = fpMvFX
		return f, true
	}
	return f, false
}

// decodeCompressedFP decodes the RV64C double-precision loads and stores
// (c.fld, c.fsd, c.fldsp, c.fsdsp); RV64 has no c.flw/c.fsw, whose
// encodings are c.ld/c.sd. Other encodings are ill.
func decodeCompressedFP(c uint16, ill inst) inst {
	b := func(hi, lo uint) uint32 { return uint32(c) >> lo & (1<<(hi-lo+1) - 1) }
	in := inst{op: opFP, ilen: 2}
	f := fpFields{double: true, rm: rmNone}
	var off uint32
	switch {
	case c&3 == 0 && b(15, 13) == 1: // c.fld rd', off(rs1')
		f.op, in.rd, in.rs1 = fpLoad, uint8(8+b(4, 2)), uint8(8+b(9, 7))
		off = b(12, 10)<<3 | b(6, 5)<<6
	case c&3 == 0 && b(15, 13) == 5: // c.fsd rs2', off(rs1')
		f.op, in.rs2, in.rs1 = fpStore, uint8(8+b(4, 2)), uint8(8+b(9, 7))
		off = b(12, 10)<<3 | b(6, 5)<<6
	case c&3 == 2 && b(15, 13) == 1: // c.fldsp rd, off(sp)
		f.op, in.rd, in.rs1 = fpLoad, uint8(b(11, 7)), 2
		off = b(12, 12)<<5 | b(6, 5)<<3 | b(4, 2)<<6
	case c&3 == 2 && b(15, 13) == 5: // c.fsdsp rs2, off(sp)
		f.op, in.rs2, in.rs1 = fpStore, uint8(b(6, 2)), 2
		off = b(12, 10)<<3 | b(9, 7)<<6
	default:
		return ill
	}
	in.imm, in.imm2 = f.pack(uint32(c)), int16(off)
	return in
}
