// Package arm64 encodes the A64 instructions the translator emits:
// register moves and constants, ALU operations with registers and 12-bit
// immediates, shifts and bitfield extracts, multiply and divide,
// conditional select, loads and stores with immediate or register
// offsets, and branches with labels. It knows nothing of RISC-V; its
// tests check every encoding against a disassembler.
package arm64

import (
	"encoding/binary"
	"fmt"
)

// Reg is a general-purpose register X0-X30; ZR (31) is the zero
// register where an instruction reads or writes one (never a base).
type Reg uint8

const ZR Reg = 31

// Cond is a condition code.
type Cond uint8

const (
	EQ Cond = iota
	NE
	HS // unsigned >=
	LO // unsigned <
	MI
	PL
	VS
	VC
	HI // unsigned >
	LS // unsigned <=
	GE
	LT
	GT
	LE
	AL
)

// Invert returns the opposite condition.
func (c Cond) Invert() Cond { return c ^ 1 }

// Label is a position in the code, bound once.
type Label int

type fixKind uint8

const (
	fixB26   fixKind = iota // B
	fixB19                  // B.cond, CBZ, CBNZ
	fixADRP                 // ADRP to an absolute address (Finish)
	fixLdr12                // the LDR after it: the address's low 12 bits, scaled by 8
)

type fixup struct {
	at     int // instruction index
	kind   fixKind
	label  Label
	target uintptr
}

// Asm accumulates machine code, one 32-bit word per instruction.
type Asm struct {
	words  []uint32
	labels []int
	fixups []fixup
}

func (a *Asm) Reset() {
	a.words, a.labels, a.fixups = a.words[:0], a.labels[:0], a.fixups[:0]
}

// Len is the number of bytes emitted so far.
func (a *Asm) Len() int { return 4 * len(a.words) }

func (a *Asm) NewLabel() Label {
	a.labels = append(a.labels, -1)
	return Label(len(a.labels) - 1)
}

func (a *Asm) Bind(l Label) {
	if a.labels[l] >= 0 {
		panic("arm64: label bound twice")
	}
	a.labels[l] = len(a.words)
}

// Offset is where l was bound, in bytes.
func (a *Asm) Offset(l Label) int { return 4 * a.labels[l] }

func (a *Asm) w(x uint32) { a.words = append(a.words, x) }

// Finish resolves branches and absolute references for code that will
// live at base and returns it.
func (a *Asm) Finish(base uintptr) ([]byte, error) {
	for _, f := range a.fixups {
		switch f.kind {
		case fixB26, fixB19:
			to := a.labels[f.label]
			if to < 0 {
				return nil, fmt.Errorf("arm64: label %d referenced but never bound", f.label)
			}
			d := int64(to - f.at)
			if f.kind == fixB26 {
				if d >= 1<<25 || d < -(1<<25) {
					return nil, fmt.Errorf("arm64: branch out of range")
				}
				a.words[f.at] |= uint32(d) & (1<<26 - 1)
			} else {
				if d >= 1<<18 || d < -(1<<18) {
					return nil, fmt.Errorf("arm64: conditional branch out of range")
				}
				a.words[f.at] |= (uint32(d) & (1<<19 - 1)) << 5
			}
		case fixADRP:
			pc := base + uintptr(4*f.at)
			d := int64(f.target>>12) - int64(pc>>12)
			if d >= 1<<20 || d < -(1<<20) {
				return nil, fmt.Errorf("arm64: %#x out of reach of %#x", f.target, pc)
			}
			a.words[f.at] |= (uint32(d)&3)<<29 | (uint32(d>>2)&(1<<19-1))<<5
		case fixLdr12:
			a.words[f.at] |= uint32(f.target&0xfff) >> 3 << 10
		}
	}
	out := make([]byte, 4*len(a.words))
	for i, x := range a.words {
		binary.LittleEndian.PutUint32(out[4*i:], x)
	}
	return out, nil
}

func sf(w64 bool) uint32 {
	if w64 {
		return 1 << 31
	}
	return 0
}

func rr(rd, rn Reg) uint32 { return uint32(rn)<<5 | uint32(rd) }

// Op is a three-register ALU operation.
type Op uint32

const (
	ADD  Op = 0x0b000000
	SUB  Op = 0x4b000000
	SUBS Op = 0x6b000000
	AND  Op = 0x0a000000
	ORR  Op = 0x2a000000
	EOR  Op = 0x4a000000
	ANDS Op = 0x6a000000
	BIC  Op = 0x0a200000
	LSLV Op = 0x1ac02000
	LSRV Op = 0x1ac02400
	ASRV Op = 0x1ac02800
	SDIV Op = 0x1ac00c00
	UDIV Op = 0x1ac00800
)

// RRR: rd = rn op rm.
func (a *Asm) RRR(op Op, rd, rn, rm Reg, w64 bool) {
	a.w(uint32(op) | sf(w64) | uint32(rm)<<16 | rr(rd, rn))
}

// RRRShift: rd = rn op (rm << sh) (ADD, SUB, AND, ORR, EOR only).
func (a *Asm) RRRShift(op Op, rd, rn, rm Reg, sh uint8) {
	a.w(uint32(op) | sf(true) | uint32(rm)<<16 | uint32(sh&63)<<10 | rr(rd, rn))
}

// Mov: rd = rm (64-bit).
func (a *Asm) Mov(rd, rm Reg) {
	if rd != rm {
		a.RRR(ORR, rd, ZR, rm, true)
	}
}

// Mov32: rd = zero-extended low 32 bits of rm.
func (a *Asm) Mov32(rd, rm Reg) { a.RRR(ORR, rd, ZR, rm, false) }

// Cmp sets flags for rn - rm.
func (a *Asm) Cmp(rn, rm Reg, w64 bool) { a.RRR(SUBS, ZR, rn, rm, w64) }

// Tst sets flags for rn & rm.
func (a *Asm) Tst(rn, rm Reg) { a.RRR(ANDS, ZR, rn, rm, true) }

// ImmOp is an add/subtract with a 12-bit immediate.
type ImmOp uint32

const (
	ADDI  ImmOp = 0x11000000
	SUBI  ImmOp = 0x51000000
	SUBSI ImmOp = 0x71000000
)

// RRI: rd = rn op imm, imm < 4096 (optionally << 12). Register 31 here is
// SP, not ZR: rn must be a real register (and rd too, but for SUBSI).
func (a *Asm) RRI(op ImmOp, rd, rn Reg, imm uint32, shift12, w64 bool) {
	if imm >= 4096 {
		panic("arm64: immediate out of range")
	}
	x := uint32(op) | sf(w64) | imm<<10 | rr(rd, rn)
	if shift12 {
		x |= 1 << 22
	}
	a.w(x)
}

// CmpI compares rn with imm (< 4096).
func (a *Asm) CmpI(rn Reg, imm uint32, w64 bool) { a.RRI(SUBSI, ZR, rn, imm, false, w64) }

// MovImm loads a 64-bit constant into rd.
func (a *Asm) MovImm(rd Reg, v uint64) {
	var zeros, ones int
	for i := 0; i < 4; i++ {
		switch uint16(v >> (16 * i)) {
		case 0:
			zeros++
		case 0xffff:
			ones++
		}
	}
	inverted := ones > zeros
	first := true
	for i := 0; i < 4; i++ {
		h := uint16(v >> (16 * i))
		if inverted && h == 0xffff || !inverted && h == 0 {
			continue
		}
		if first {
			if inverted {
				a.w(0x92800000 | uint32(i)<<21 | uint32(^h)<<5 | uint32(rd)) // MOVN
			} else {
				a.w(0xd2800000 | uint32(i)<<21 | uint32(h)<<5 | uint32(rd)) // MOVZ
			}
			first = false
			continue
		}
		a.w(0xf2800000 | uint32(i)<<21 | uint32(h)<<5 | uint32(rd)) // MOVK
	}
	if first { // 0 or all ones
		if inverted {
			a.w(0x92800000 | uint32(rd))
		} else {
			a.w(0xd2800000 | uint32(rd))
		}
	}
}

// AddImm: rd = rn + v for any v, using tmp when it does not fit the
// immediate forms (rn may equal rd; tmp must differ from both).
func (a *Asm) AddImm(rd, rn Reg, v int64, tmp Reg) {
	switch {
	case v == 0:
		a.Mov(rd, rn)
	case v > 0 && v < 4096:
		a.RRI(ADDI, rd, rn, uint32(v), false, true)
	case v < 0 && v > -4096:
		a.RRI(SUBI, rd, rn, uint32(-v), false, true)
	default:
		a.MovImm(tmp, uint64(v))
		a.RRR(ADD, rd, rn, tmp, true)
	}
}

// Bitfield moves (UBFM/SBFM).
func (a *Asm) ubfm(rd, rn Reg, immr, imms uint8, w64 bool) {
	x := uint32(0x53000000) | uint32(immr)<<16 | uint32(imms)<<10 | rr(rd, rn)
	if w64 {
		x |= 1<<31 | 1<<22
	}
	a.w(x)
}

func (a *Asm) sbfm(rd, rn Reg, immr, imms uint8, w64 bool) {
	x := uint32(0x13000000) | uint32(immr)<<16 | uint32(imms)<<10 | rr(rd, rn)
	if w64 {
		x |= 1<<31 | 1<<22
	}
	a.w(x)
}

func bits(w64 bool) uint8 {
	if w64 {
		return 64
	}
	return 32
}

// LslI, LsrI, AsrI shift by a constant (< 64, or < 32 for 32-bit).
func (a *Asm) LslI(rd, rn Reg, s uint8, w64 bool) {
	n := bits(w64)
	s &= n - 1
	a.ubfm(rd, rn, (n-s)&(n-1), n-1-s, w64)
}
func (a *Asm) LsrI(rd, rn Reg, s uint8, w64 bool) { a.ubfm(rd, rn, s&(bits(w64)-1), bits(w64)-1, w64) }
func (a *Asm) AsrI(rd, rn Reg, s uint8, w64 bool) { a.sbfm(rd, rn, s&(bits(w64)-1), bits(w64)-1, w64) }

// Ubfx: rd = (rn >> lsb) & (1<<width - 1).
func (a *Asm) Ubfx(rd, rn Reg, lsb, width uint8) { a.ubfm(rd, rn, lsb, lsb+width-1, true) }

// Sxtw, Sxth, Sxtb sign-extend the low 32/16/8 bits of rn into rd.
func (a *Asm) Sxtw(rd, rn Reg) { a.sbfm(rd, rn, 0, 31, true) }
func (a *Asm) Sxth(rd, rn Reg) { a.sbfm(rd, rn, 0, 15, true) }
func (a *Asm) Sxtb(rd, rn Reg) { a.sbfm(rd, rn, 0, 7, true) }

// Madd: rd = ra + rn*rm; Msub: rd = ra - rn*rm.
func (a *Asm) Madd(rd, rn, rm, ra Reg, w64 bool) {
	a.w(0x1b000000 | sf(w64) | uint32(rm)<<16 | uint32(ra)<<10 | rr(rd, rn))
}
func (a *Asm) Msub(rd, rn, rm, ra Reg, w64 bool) {
	a.w(0x1b008000 | sf(w64) | uint32(rm)<<16 | uint32(ra)<<10 | rr(rd, rn))
}

// Mul: rd = rn*rm (low bits).
func (a *Asm) Mul(rd, rn, rm Reg, w64 bool) { a.Madd(rd, rn, rm, ZR, w64) }

// Smulh, Umulh: the high 64 bits of the 128-bit product.
func (a *Asm) Smulh(rd, rn, rm Reg) { a.w(0x9b407c00 | uint32(rm)<<16 | rr(rd, rn)) }
func (a *Asm) Umulh(rd, rn, rm Reg) { a.w(0x9bc07c00 | uint32(rm)<<16 | rr(rd, rn)) }

// Csel: rd = c ? rn : rm. Csinv: rd = c ? rn : ^rm. Cset: rd = c ? 1 : 0.
func (a *Asm) Csel(rd, rn, rm Reg, c Cond) {
	a.w(0x9a800000 | uint32(rm)<<16 | uint32(c)<<12 | rr(rd, rn))
}
func (a *Asm) Csinv(rd, rn, rm Reg, c Cond) {
	a.w(0xda800000 | uint32(rm)<<16 | uint32(c)<<12 | rr(rd, rn))
}
func (a *Asm) Cset(rd Reg, c Cond) {
	a.w(0x9a800400 | uint32(ZR)<<16 | uint32(c.Invert())<<12 | rr(rd, ZR)) // CSINC rd, zr, zr, !c
}

// Width of a memory access.
type Width uint8

const (
	W8 Width = iota
	W16
	W32
	W64
)

// load/store opcodes by width: unsigned-immediate forms; the register
// forms differ in fixed bits.
var (
	ldrImm  = [4]uint32{0x39400000, 0x79400000, 0xb9400000, 0xf9400000}
	ldrsImm = [4]uint32{0x39800000, 0x79800000, 0xb9800000, 0}
	strImm  = [4]uint32{0x39000000, 0x79000000, 0xb9000000, 0xf9000000}
	ldrReg  = [4]uint32{0x38606800, 0x78606800, 0xb8606800, 0xf8606800}
	ldrsReg = [4]uint32{0x38a06800, 0x78a06800, 0xb8a06800, 0}
	strReg  = [4]uint32{0x38206800, 0x78206800, 0xb8206800, 0xf8206800}
)

// Ldr loads the w-sized value at [rn + off] into rt, sign- or
// zero-extended to 64 bits; off must be a multiple of the size below
// 4096 sizes (FitsImm).
func (a *Asm) Ldr(rt, rn Reg, off uint32, w Width, signed bool) {
	op := ldrImm[w]
	if signed && w != W64 {
		op = ldrsImm[w]
	}
	a.w(op | scaled(off, w)<<10 | rr(rt, rn))
}

// Str stores the low w bytes of rt at [rn + off].
func (a *Asm) Str(rt, rn Reg, off uint32, w Width) { a.w(strImm[w] | scaled(off, w)<<10 | rr(rt, rn)) }

// LdrR loads from [rn + rm]; StrR stores there.
func (a *Asm) LdrR(rt, rn, rm Reg, w Width, signed bool) {
	op := ldrReg[w]
	if signed && w != W64 {
		op = ldrsReg[w]
	}
	a.w(op | uint32(rm)<<16 | rr(rt, rn))
}
func (a *Asm) StrR(rt, rn, rm Reg, w Width) { a.w(strReg[w] | uint32(rm)<<16 | rr(rt, rn)) }

// FitsImm reports whether off can be an unsigned scaled offset for w.
func FitsImm(off int64, w Width) bool {
	size := int64(1) << w
	return off >= 0 && off%size == 0 && off/size < 4096
}

func scaled(off uint32, w Width) uint32 {
	if !FitsImm(int64(off), w) {
		panic(fmt.Sprintf("arm64: offset %#x does not fit a %d-byte access", off, 1<<w))
	}
	return off >> w
}

// B branches to l; Bcond when c holds; Cbz/Cbnz when rt is (not) zero.
func (a *Asm) B(l Label) {
	a.fixups = append(a.fixups, fixup{at: len(a.words), kind: fixB26, label: l})
	a.w(0x14000000)
}
func (a *Asm) Bcond(c Cond, l Label) {
	a.fixups = append(a.fixups, fixup{at: len(a.words), kind: fixB19, label: l})
	a.w(0x54000000 | uint32(c))
}
func (a *Asm) Cbz(rt Reg, l Label) {
	a.fixups = append(a.fixups, fixup{at: len(a.words), kind: fixB19, label: l})
	a.w(0xb4000000 | uint32(rt))
}
func (a *Asm) Cbnz(rt Reg, l Label) {
	a.fixups = append(a.fixups, fixup{at: len(a.words), kind: fixB19, label: l})
	a.w(0xb5000000 | uint32(rt))
}

// Br jumps to the address in rn; Ret returns through X30.
func (a *Asm) Br(rn Reg) { a.w(0xd61f0000 | uint32(rn)<<5) }
func (a *Asm) Ret()      { a.w(0xd65f03c0) }

// LdrAbs loads the 8-byte word at absolute address addr (8-aligned,
// within 4 GiB of the code) into rt, with ADRP and LDR.
func (a *Asm) LdrAbs(rt Reg, addr uintptr) {
	a.fixups = append(a.fixups, fixup{at: len(a.words), kind: fixADRP, target: addr})
	a.w(0x90000000 | uint32(rt))
	a.fixups = append(a.fixups, fixup{at: len(a.words), kind: fixLdr12, target: addr})
	a.w(0xf9400000 | rr(rt, rt))
}

// Brk is a breakpoint (fills space that must never run).
func (a *Asm) Brk() { a.w(0xd4200000) }

// DmbIsh is a full memory barrier among the cores (the inner shareable
// domain): what a guest fence needs on a host whose plain loads and stores
// may be reordered.
func (a *Asm) DmbIsh() { a.w(0xd5033bbf) }
