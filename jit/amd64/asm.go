// Package amd64 encodes the x86-64 instructions the translator emits:
// integer moves, ALU operations, shifts, multiply and divide, sign and zero
// extension, compares, conditional and indirect jumps. It knows nothing of
// RISC-V; it is an assembler with labels, checked against a disassembler
// in its tests.
package amd64

import (
	"encoding/binary"
	"fmt"
)

// Reg is a general-purpose 64-bit register, numbered as in the encoding.
type Reg uint8

const (
	RAX Reg = iota
	RCX
	RDX
	RBX
	RSP
	RBP
	RSI
	RDI
	R8
	R9
	R10
	R11
	R12
	R13
	R14
	R15
)

// NoReg marks an absent index register in a memory operand.
const NoReg Reg = 0xff

var regNames = [...]string{"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"}

func (r Reg) String() string {
	if int(r) < len(regNames) {
		return regNames[r]
	}
	return fmt.Sprintf("reg%d", r)
}

// Cond is a condition code, as in Jcc/SETcc/CMOVcc.
type Cond uint8

const (
	CondO  Cond = 0x0
	CondNO Cond = 0x1
	CondB  Cond = 0x2 // unsigned <
	CondAE Cond = 0x3 // unsigned >=
	CondE  Cond = 0x4
	CondNE Cond = 0x5
	CondBE Cond = 0x6 // unsigned <=
	CondA  Cond = 0x7 // unsigned >
	CondS  Cond = 0x8
	CondNS Cond = 0x9
	CondL  Cond = 0xc // signed <
	CondGE Cond = 0xd // signed >=
	CondLE Cond = 0xe // signed <=
	CondG  Cond = 0xf // signed >
)

// Invert returns the opposite condition.
func (c Cond) Invert() Cond { return c ^ 1 }

// Mem is a memory operand: [Base + Index*Scale + Disp], or [rip + Disp]
// when RIP is set (Disp then counts from the end of the instruction).
type Mem struct {
	Base  Reg
	Index Reg // NoReg: none
	Scale uint8
	Disp  int32
	RIP   bool
}

// M is [base + disp].
func M(base Reg, disp int32) Mem { return Mem{Base: base, Index: NoReg, Scale: 1, Disp: disp} }

// MI is [base + index + disp].
func MI(base, index Reg, disp int32) Mem {
	return Mem{Base: base, Index: index, Scale: 1, Disp: disp}
}

// MIS is [base + index*scale + disp] (scale 1, 2, 4 or 8).
func MIS(base, index Reg, scale uint8, disp int32) Mem {
	return Mem{Base: base, Index: index, Scale: scale, Disp: disp}
}

// Label is a position in the code, bound once and referenced by jumps
// before or after it is bound.
type Label int

type fixup struct {
	at    int // offset of the rel32 field
	label Label
}

// Asm accumulates machine code.
type Asm struct {
	buf    []byte
	labels []int // offset, -1 while unbound
	fixups []fixup
	// ripFixups patch rip-relative displacements to absolute targets once
	// the code's address is known.
	ripFixups []ripFixup
}

type ripFixup struct {
	at     int     // offset of the disp32 field
	end    int     // offset of the end of the instruction
	target uintptr // absolute address referred to
}

// Len is the number of bytes emitted so far.
func (a *Asm) Len() int { return len(a.buf) }

// Reset empties the assembler for reuse, keeping its buffers.
func (a *Asm) Reset() {
	a.buf = a.buf[:0]
	a.labels = a.labels[:0]
	a.fixups = a.fixups[:0]
	a.ripFixups = a.ripFixups[:0]
}

// NewLabel returns an unbound label.
func (a *Asm) NewLabel() Label {
	a.labels = append(a.labels, -1)
	return Label(len(a.labels) - 1)
}

// Bind places l at the current position.
func (a *Asm) Bind(l Label) {
	if a.labels[l] >= 0 {
		panic("amd64: label bound twice")
	}
	a.labels[l] = len(a.buf)
}

// Bound reports whether l has been placed.
func (a *Asm) Bound(l Label) bool { return a.labels[l] >= 0 }

// Offset returns where l was bound.
func (a *Asm) Offset(l Label) int { return a.labels[l] }

// Finish resolves jumps and rip-relative references for code that will
// live at address base, and returns the code. Every referenced label must
// be bound.
func (a *Asm) Finish(base uintptr) ([]byte, error) {
	for _, f := range a.fixups {
		to := a.labels[f.label]
		if to < 0 {
			return nil, fmt.Errorf("amd64: label %d referenced but never bound", f.label)
		}
		binary.LittleEndian.PutUint32(a.buf[f.at:], uint32(int32(to-(f.at+4))))
	}
	for _, f := range a.ripFixups {
		d := int64(f.target) - int64(base+uintptr(f.end))
		if d != int64(int32(d)) {
			return nil, fmt.Errorf("amd64: rip-relative target %#x out of reach of %#x", f.target, base)
		}
		binary.LittleEndian.PutUint32(a.buf[f.at:], uint32(int32(d)))
	}
	return a.buf, nil
}

func (a *Asm) b(bs ...byte) { a.buf = append(a.buf, bs...) }

func (a *Asm) imm32(v int32) { a.buf = binary.LittleEndian.AppendUint32(a.buf, uint32(v)) }

// rex emits a REX prefix when needed: w for 64-bit operand size, r the
// ModRM.reg register, x the SIB index, b the ModRM.rm or SIB base. force
// emits one even when all bits are clear (byte access to sil/dil/spl/bpl).
func (a *Asm) rex(w bool, r, x, b Reg, force bool) {
	v := byte(0x40)
	if w {
		v |= 8
	}
	if r != NoReg && r&8 != 0 {
		v |= 4
	}
	if x != NoReg && x&8 != 0 {
		v |= 2
	}
	if b != NoReg && b&8 != 0 {
		v |= 1
	}
	if v != 0x40 || force {
		a.b(v)
	}
}

// operand is a register or memory ModRM operand.
type operand struct {
	isMem bool
	reg   Reg
	mem   Mem
}

func R(r Reg) operand  { return operand{reg: r} }
func Mm(m Mem) operand { return operand{isMem: true, mem: m} }
func (o operand) x() Reg {
	if o.isMem {
		return o.mem.Index
	}
	return NoReg
}
func (o operand) bReg() Reg {
	if o.isMem {
		if o.mem.RIP {
			return NoReg
		}
		return o.mem.Base
	}
	return o.reg
}

// modrm emits ModRM (and SIB, displacement) for reg field r and operand o.
// immLen is the size of an immediate that follows, for rip-relative math.
func (a *Asm) modrm(r byte, o operand, immLen int) {
	if !o.isMem {
		a.b(0xc0 | r<<3 | byte(o.reg&7))
		return
	}
	m := o.mem
	if m.RIP {
		a.b(0x05 | r<<3)
		a.imm32(m.Disp)
		return
	}
	var mod byte
	switch {
	case m.Disp == 0 && m.Base&7 != 5:
		mod = 0
	case m.Disp >= -128 && m.Disp <= 127:
		mod = 1
	default:
		mod = 2
	}
	if m.Index != NoReg || m.Base&7 == 4 {
		idx := byte(4) // none
		if m.Index != NoReg {
			if m.Index == RSP {
				panic("amd64: rsp cannot be an index")
			}
			idx = byte(m.Index & 7)
		}
		var ss byte
		switch m.Scale {
		case 0, 1:
			ss = 0
		case 2:
			ss = 1
		case 4:
			ss = 2
		case 8:
			ss = 3
		default:
			panic("amd64: bad scale")
		}
		a.b(mod<<6|r<<3|4, ss<<6|idx<<3|byte(m.Base&7))
	} else {
		a.b(mod<<6 | r<<3 | byte(m.Base&7))
	}
	switch mod {
	case 1:
		a.b(byte(int8(m.Disp)))
	case 2:
		a.imm32(m.Disp)
	}
}

// inst emits [66] [REX] opcode ModRM... for a two-operand instruction.
func (a *Asm) inst(w bool, op16 bool, byteReg bool, opcode []byte, r Reg, o operand, immLen int) {
	if op16 {
		a.b(0x66)
	}
	force := false
	if byteReg && ((r != NoReg && r >= RSP && r <= RDI) || (!o.isMem && o.reg >= RSP && o.reg <= RDI)) {
		force = true
	}
	rr := r
	a.rex(w, rr, o.x(), o.bReg(), force)
	a.b(opcode...)
	a.modrm(byte(r&7), o, immLen)
}

// ALU operations (the /digit of 0x81 and the base opcode of the r/m forms).
type ALU uint8

const (
	ADD ALU = 0
	OR  ALU = 1
	AND ALU = 4
	SUB ALU = 5
	XOR ALU = 6
	CMP ALU = 7
)

// AluRR: dst op= src (64-bit).
func (a *Asm) AluRR(op ALU, dst, src Reg) {
	a.inst(true, false, false, []byte{byte(op)<<3 | 1}, src, R(dst), 0)
}

// AluRM: dst op= [m] (64-bit).
func (a *Asm) AluRM(op ALU, dst Reg, m Mem) {
	a.inst(true, false, false, []byte{byte(op)<<3 | 3}, dst, Mm(m), 0)
}

// AluMR: [m] op= src (64-bit).
func (a *Asm) AluMR(op ALU, m Mem, src Reg) {
	a.inst(true, false, false, []byte{byte(op)<<3 | 1}, src, Mm(m), 0)
}

// AluRI: dst op= imm (64-bit, imm sign-extended).
func (a *Asm) AluRI(op ALU, dst Reg, imm int32) { a.aluI(true, op, R(dst), imm) }

// AluMI: [m] op= imm (64-bit, imm sign-extended).
func (a *Asm) AluMI(op ALU, m Mem, imm int32) { a.aluI(true, op, Mm(m), imm) }

// Alu32RR: dst op= src on the low 32 bits (the result is zero-extended).
func (a *Asm) Alu32RR(op ALU, dst, src Reg) {
	a.inst(false, false, false, []byte{byte(op)<<3 | 1}, src, R(dst), 0)
}

// Alu32RI: dst op= imm on the low 32 bits.
func (a *Asm) Alu32RI(op ALU, dst Reg, imm int32) { a.aluI(false, op, R(dst), imm) }

func (a *Asm) aluI(w bool, op ALU, o operand, imm int32) {
	if imm >= -128 && imm <= 127 {
		a.inst(w, false, false, []byte{0x83}, Reg(op), o, 1)
		a.b(byte(int8(imm)))
		return
	}
	a.inst(w, false, false, []byte{0x81}, Reg(op), o, 4)
	a.imm32(imm)
}

// MovRR: dst = src (64-bit).
func (a *Asm) MovRR(dst, src Reg) {
	if dst != src {
		a.inst(true, false, false, []byte{0x89}, src, R(dst), 0)
	}
}

// Mov32RR: dst = zero-extended low 32 bits of src.
func (a *Asm) Mov32RR(dst, src Reg) { a.inst(false, false, false, []byte{0x89}, src, R(dst), 0) }

// MovRM: dst = [m] (64-bit).
func (a *Asm) MovRM(dst Reg, m Mem) { a.inst(true, false, false, []byte{0x8b}, dst, Mm(m), 0) }

// MovMR: [m] = src (64-bit).
func (a *Asm) MovMR(m Mem, src Reg) { a.inst(true, false, false, []byte{0x89}, src, Mm(m), 0) }

// MovMI: [m] = imm sign-extended to 64 bits.
func (a *Asm) MovMI(m Mem, imm int32) {
	a.inst(true, false, false, []byte{0xc7}, 0, Mm(m), 4)
	a.imm32(imm)
}

// MovMI32: 32-bit [m] = imm.
func (a *Asm) MovMI32(m Mem, imm int32) {
	a.inst(false, false, false, []byte{0xc7}, 0, Mm(m), 4)
	a.imm32(imm)
}

// MovRI loads a 64-bit constant into dst with the shortest encoding.
func (a *Asm) MovRI(dst Reg, v uint64) {
	switch {
	case v == 0:
		a.Alu32RR(XOR, dst, dst)
	case v <= 0xffffffff: // mov r32, imm32 zero-extends
		a.rex(false, NoReg, NoReg, dst, false)
		a.b(0xb8 + byte(dst&7))
		a.imm32(int32(uint32(v)))
	case int64(v) == int64(int32(v)): // mov r/m64, imm32 sign-extends
		a.inst(true, false, false, []byte{0xc7}, 0, R(dst), 4)
		a.imm32(int32(v))
	default:
		a.rex(true, NoReg, NoReg, dst, false)
		a.b(0xb8 + byte(dst&7))
		a.buf = binary.LittleEndian.AppendUint64(a.buf, v)
	}
}

// Load kinds for LoadRM.
type Width uint8

const (
	W8 Width = iota
	W16
	W32
	W64
)

// LoadRM loads [m] of width w into dst, sign- or zero-extended to 64 bits.
func (a *Asm) LoadRM(dst Reg, m Mem, w Width, signed bool) {
	switch {
	case w == W64:
		a.MovRM(dst, m)
	case w == W32 && signed:
		a.inst(true, false, false, []byte{0x63}, dst, Mm(m), 0) // movsxd
	case w == W32:
		a.inst(false, false, false, []byte{0x8b}, dst, Mm(m), 0) // mov r32 zero-extends
	case w == W16 && signed:
		a.inst(true, false, false, []byte{0x0f, 0xbf}, dst, Mm(m), 0)
	case w == W16:
		a.inst(false, false, false, []byte{0x0f, 0xb7}, dst, Mm(m), 0)
	case signed:
		a.inst(true, false, false, []byte{0x0f, 0xbe}, dst, Mm(m), 0)
	default:
		a.inst(false, false, false, []byte{0x0f, 0xb6}, dst, Mm(m), 0)
	}
}

// StoreMR stores the low w bytes of src at [m].
func (a *Asm) StoreMR(m Mem, src Reg, w Width) {
	switch w {
	case W64:
		a.MovMR(m, src)
	case W32:
		a.inst(false, false, false, []byte{0x89}, src, Mm(m), 0)
	case W16:
		a.inst(false, true, false, []byte{0x89}, src, Mm(m), 0)
	default:
		a.inst(false, false, true, []byte{0x88}, src, Mm(m), 0)
	}
}

// Movsxd: dst = sign-extended low 32 bits of src.
func (a *Asm) Movsxd(dst, src Reg) { a.inst(true, false, false, []byte{0x63}, dst, R(src), 0) }

// Movzx8: dst = zero-extended low byte of src.
func (a *Asm) Movzx8(dst, src Reg) { a.inst(false, false, true, []byte{0x0f, 0xb6}, dst, R(src), 0) }

// Lea: dst = address of m.
func (a *Asm) Lea(dst Reg, m Mem) { a.inst(true, false, false, []byte{0x8d}, dst, Mm(m), 0) }

// Shift kinds (the /digit of C1/D3).
type Shift uint8

const (
	SHL Shift = 4
	SHR Shift = 5
	SAR Shift = 7
)

// ShiftRI: dst = dst shift imm (64-bit when w64, else 32-bit zero-extended).
func (a *Asm) ShiftRI(s Shift, dst Reg, imm uint8, w64 bool) {
	a.inst(w64, false, false, []byte{0xc1}, Reg(s), R(dst), 1)
	a.b(imm)
}

// ShiftRCL: dst = dst shift cl.
func (a *Asm) ShiftRCL(s Shift, dst Reg, w64 bool) {
	a.inst(w64, false, false, []byte{0xd3}, Reg(s), R(dst), 0)
}

// ImulRR: dst = dst * src (low 64 or 32 bits).
func (a *Asm) ImulRR(dst, src Reg, w64 bool) {
	a.inst(w64, false, false, []byte{0x0f, 0xaf}, dst, R(src), 0)
}

// Group-3 unary operations on rax/rdx (F7 /digit).
type Unary uint8

const (
	NOT  Unary = 2
	NEG  Unary = 3
	MUL  Unary = 4 // rdx:rax = rax * src, unsigned
	IMUL Unary = 5 // signed
	DIV  Unary = 6 // rax, rdx = rdx:rax / src, unsigned
	IDIV Unary = 7
)

// UnaryR applies a group-3 operation to src (64-bit or 32-bit).
func (a *Asm) UnaryR(u Unary, src Reg, w64 bool) {
	a.inst(w64, false, false, []byte{0xf7}, Reg(u), R(src), 0)
}

// Cqo sign-extends rax into rdx; Cdq eax into edx.
func (a *Asm) Cqo() { a.b(0x48, 0x99) }
func (a *Asm) Cdq() { a.b(0x99) }

// TestRR sets flags from a & b.
func (a *Asm) TestRR(x, y Reg) { a.inst(true, false, false, []byte{0x85}, y, R(x), 0) }

// Setcc sets the low byte of dst to the condition.
func (a *Asm) Setcc(c Cond, dst Reg) {
	a.inst(false, false, true, []byte{0x0f, 0x90 | byte(c)}, 0, R(dst), 0)
}

// Cmovcc: if c then dst = src (64-bit).
func (a *Asm) Cmovcc(c Cond, dst, src Reg) {
	a.inst(true, false, false, []byte{0x0f, 0x40 | byte(c)}, dst, R(src), 0)
}

// Jcc jumps to l when c holds (rel32).
func (a *Asm) Jcc(c Cond, l Label) {
	a.b(0x0f, 0x80|byte(c))
	a.fixups = append(a.fixups, fixup{at: len(a.buf), label: l})
	a.imm32(0)
}

// Jmp jumps to l (rel32).
func (a *Asm) Jmp(l Label) {
	a.b(0xe9)
	a.fixups = append(a.fixups, fixup{at: len(a.buf), label: l})
	a.imm32(0)
}

// JmpM jumps to the address stored at [m].
func (a *Asm) JmpM(m Mem) { a.inst(false, false, false, []byte{0xff}, 4, Mm(m), 0) }

// JmpAbsM jumps to the address stored at absolute address slot, reached
// rip-relative (the slot must lie within 2 GiB of the code).
func (a *Asm) JmpAbsM(slot uintptr) {
	a.rex(false, NoReg, NoReg, NoReg, false)
	a.b(0xff, 0x25)
	a.ripFixups = append(a.ripFixups, ripFixup{at: len(a.buf), end: len(a.buf) + 4, target: slot})
	a.imm32(0)
}

// JmpR jumps to the address in r.
func (a *Asm) JmpR(r Reg) { a.inst(false, false, false, []byte{0xff}, 4, R(r), 0) }

// Ret returns.
func (a *Asm) Ret() { a.b(0xc3) }

// Int3 is a breakpoint (fills space that must never run).
func (a *Asm) Int3() { a.b(0xcc) }

// Cmp32MI compares the 32-bit word at [m] with imm.
func (a *Asm) Cmp32MI(m Mem, imm int32) { a.aluI(false, CMP, Mm(m), imm) }

// Cmp8MI compares the byte at [m] with imm.
func (a *Asm) Cmp8MI(m Mem, imm int8) {
	a.inst(false, false, false, []byte{0x80}, 7, Mm(m), 1)
	a.b(byte(imm))
}

// Test32RI sets flags from the low 32 bits of r & imm.
func (a *Asm) Test32RI(r Reg, imm int32) {
	a.inst(false, false, false, []byte{0xf7}, 0, R(r), 4)
	a.imm32(imm)
}

// TestMI sets flags from the 64-bit [m] & imm (sign-extended).
func (a *Asm) TestMI(m Mem, imm int32) {
	a.inst(true, false, false, []byte{0xf7}, 0, Mm(m), 4)
	a.imm32(imm)
}
