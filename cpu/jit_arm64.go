//go:build arm64

package cpu

import (
	"github.com/rvemu/rvemu/jit"
	"github.com/rvemu/rvemu/jit/arm64"
	"github.com/rvemu/rvemu/mmu"
)

// The arm64 back end of the translator (jit.go), the same design as the
// amd64 one (jit_amd64.go) with more registers. Registers:
//
//	X26  the Hart        X25  the base of guest RAM    X24  the budget left
//	X0-X3  scratch       X4   scratch for Hart fields out of immediate reach
//	X5-X17, X19-X23  the block's hottest guest registers
//
// X18 (the platform's), X28 (Go's g), X29 (frame pointer), X30 (the
// return address into Call) and SP are never touched.

const jitBackend = true

// jitShareCode: parallel harts' engines share code (jitshare.go) on amd64
// only: here a hart would run code another core published without an
// instruction barrier of its own, which arm64 does not promise to work.
const jitShareCode = false

type reg = arm64.Reg

const (
	rHart reg = 26
	rMem  reg = 25
	rLeft reg = 24
	rA    reg = 0
	rC    reg = 1
	rD    reg = 2
	rE    reg = 3
	rF    reg = 4 // Hart fields beyond an immediate's reach
	noReg reg = 0xff
	zr        = arm64.ZR
)

var jitPool = [...]reg{5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 19, 20, 21, 22, 23}

type jitGen struct {
	a          arm64.Asm
	e          *jitEngine
	p          *blockPlan
	host       [32]reg
	mapped     uint32
	written    uint32
	allWritten uint32
	selfLoop   bool
	head       arm64.Label
	probe      arm64.Label
	useProbe   bool
	stubs      []jitStub
	slots      []jitSlot
	err        error
}

type jitStub struct {
	label   arm64.Label
	slow    bool
	pc      uint64
	dirty   uint32
	retired int
}

type jitSlot struct {
	slot   uintptr
	stub   arm64.Label
	target uint64
}

// hartAddr returns a base and offset reaching the Hart field at off for a
// w-sized access, through X4 when off is beyond the immediate's reach.
func (g *jitGen) hartAddr(off int32, w arm64.Width) (reg, uint32) {
	if arm64.FitsImm(int64(off), w) {
		return rHart, uint32(off)
	}
	g.a.MovImm(rF, uint64(off))
	g.a.RRR(arm64.ADD, rF, rHart, rF, true)
	return rF, 0
}

func (g *jitGen) ldrH(rt reg, off int32, w arm64.Width) {
	b, o := g.hartAddr(off, w)
	g.a.Ldr(rt, b, o, w, false)
}

func (g *jitGen) strH(rt reg, off int32, w arm64.Width) {
	b, o := g.hartAddr(off, w)
	g.a.Str(rt, b, o, w)
}

func (g *jitGen) slowStub(mem *jit.Memory) (uintptr, error) {
	g.a.Reset()
	g.strH(rA, offPC, arm64.W64)
	g.a.MovImm(rA, exitSlow)
	g.a.Ret()
	code, err := g.a.Finish(mem.Next())
	if err != nil {
		return 0, err
	}
	return mem.Write(code)
}

func (g *jitGen) compile(e *jitEngine, p *blockPlan) (uintptr, int, error) {
	g.a.Reset()
	*g = jitGen{a: g.a, e: e, p: p, stubs: g.stubs[:0], slots: g.slots[:0]}
	a := &g.a
	for i := range g.host {
		g.host[i] = noReg
	}
	for i := range p.insts {
		if t, ok := directTarget(&p.insts[i]); ok && t == p.pc {
			g.selfLoop = true
		}
	}
	hot, loadIn, written := p.hotRegs(len(jitPool), g.selfLoop)
	for i, r := range hot {
		g.host[r] = jitPool[i]
		g.mapped |= 1 << r
	}
	g.allWritten = written & g.mapped
	g.probe = a.NewLabel()
	budgetExit := a.NewLabel()
	n := uint32(len(p.insts))

	a.CmpI(rLeft, n, true)
	a.Bcond(arm64.LO, budgetExit)
	var yield arm64.Label
	if p.lockstep && p.stores() > 0 {
		yield = a.NewLabel()
		g.logRoom(p.stores(), yield)
	}
	for _, r := range hot {
		if g.selfLoop || loadIn&(1<<r) != 0 {
			a.Ldr(g.host[r], rHart, uint32(g.xoff(r)), arm64.W64, false)
		}
	}
	g.head = a.NewLabel()
	a.Bind(g.head)
	for i := range p.insts {
		g.inst(i, &p.insts[i])
		if g.err != nil {
			return 0, 0, g.err
		}
	}
	if !p.endJump {
		if p.endSlow {
			g.exitSlow(p.next, len(p.insts), g.dirty())
		} else {
			g.jumpTo(p.next, len(p.insts), g.dirty())
		}
	}
	for i := range g.stubs {
		s := &g.stubs[i]
		a.Bind(s.label)
		if s.slow {
			g.exitSlow(s.pc, s.retired, s.dirty)
		} else {
			g.jumpTo(s.pc, s.retired, s.dirty)
		}
	}
	if g.err != nil {
		return 0, 0, g.err
	}
	for _, s := range g.slots {
		a.Bind(s.stub)
		g.setPC(s.target)
		a.MovImm(rA, uint64(s.slot))
		g.strH(rA, offLink, arm64.W64)
		a.MovImm(rA, exitLookup)
		a.Ret()
	}
	if g.useProbe {
		g.emitProbe()
	}
	a.Bind(budgetExit)
	g.setPC(p.pc)
	a.MovImm(rA, exitBudget)
	a.Ret()
	if p.lockstep && p.stores() > 0 {
		a.Bind(yield)
		g.setPC(p.pc)
		a.MovImm(rA, exitYield)
		a.Ret()
	}

	base := e.mem.Next()
	code, err := a.Finish(base)
	if err != nil {
		return 0, 0, err
	}
	for _, s := range g.slots {
		e.mem.SetWord(s.slot, base+uintptr(a.Offset(s.stub)))
	}
	addr, err := e.mem.Write(code)
	if err != nil {
		return 0, 0, err
	}
	if addr != base {
		panic("jit: code landed elsewhere than announced")
	}
	return addr, len(code), nil
}

// logRoom jumps to full unless lockstep's store log has room for n more
// records.
func (g *jitGen) logRoom(n int, full arm64.Label) {
	a := &g.a
	g.ldrH(rC, offLogPos, arm64.W64)
	a.AddImm(rC, rC, int64(n*lockLogEntry), rE)
	g.ldrH(rD, offLogEnd, arm64.W64)
	a.Cmp(rC, rD, true)
	a.Bcond(arm64.HI, full)
}

func (g *jitGen) xoff(r uint8) int32 { return offX + 8*int32(r&31) }

func (g *jitGen) dirty() uint32 {
	if g.selfLoop {
		return g.allWritten
	}
	return g.written
}

func (g *jitGen) writeback(dirty uint32) {
	for r := uint8(1); r < 32; r++ {
		if dirty&(1<<r) != 0 {
			g.a.Str(g.host[r], rHart, uint32(g.xoff(r)), arm64.W64)
		}
	}
}

func (g *jitGen) setPC(v uint64) {
	g.a.MovImm(rA, v)
	g.strH(rA, offPC, arm64.W64)
}

func (g *jitGen) subLeft(n int) {
	if n > 0 {
		g.a.RRI(arm64.SUBI, rLeft, rLeft, uint32(n), false, true)
	}
}

func (g *jitGen) exitSlow(pc uint64, retired int, dirty uint32) {
	g.writeback(dirty)
	g.subLeft(retired)
	g.setPC(pc)
	g.a.MovImm(rA, exitSlow)
	g.a.Ret()
}

func (g *jitGen) jumpTo(target uint64, retired int, dirty uint32) {
	a := &g.a
	if target == g.p.pc && g.selfLoop {
		g.subLeft(retired)
		a.CmpI(rLeft, uint32(len(g.p.insts)), true)
		out := a.NewLabel()
		if stores := g.p.stores(); g.p.lockstep && stores > 0 {
			full := a.NewLabel()
			a.Bcond(arm64.LO, out)
			g.ldrH(rC, offLogPos, arm64.W64)
			a.AddImm(rC, rC, int64(stores*lockLogEntry), rE)
			g.ldrH(rD, offLogEnd, arm64.W64)
			a.Cmp(rC, rD, true)
			a.Bcond(arm64.LS, g.head)
			a.Bind(full)
			g.writeback(dirty)
			g.setPC(target)
			a.MovImm(rA, exitYield)
			a.Ret()
		} else {
			a.Bcond(arm64.HS, g.head)
		}
		a.Bind(out)
		g.writeback(dirty)
		g.setPC(target)
		a.MovImm(rA, exitBudget)
		a.Ret()
		return
	}
	g.writeback(dirty)
	g.subLeft(retired)
	if target>>pageShift == g.p.pc>>pageShift {
		slot, _, ok := g.e.mem.Data(8)
		if !ok {
			g.err = jit.ErrFull
			return
		}
		stub := a.NewLabel()
		a.LdrAbs(rC, slot)
		a.Br(rC)
		g.slots = append(g.slots, jitSlot{slot: slot, stub: stub, target: target})
		return
	}
	a.MovImm(rA, target)
	a.B(g.probe)
	g.useProbe = true
}

// emitProbe: the jump-cache lookup for the guest PC in X0.
func (g *jitGen) emitProbe() {
	a := &g.a
	miss := a.NewLabel()
	a.Bind(g.probe)
	a.Ubfx(rC, rA, 1, 10) // (pc>>1) & (jcSize-1)
	a.RRRShift(arm64.ADD, rC, rHart, rC, 5)
	a.Ldr(rD, rC, uint32(offJC), arm64.W64, false)
	a.Cmp(rA, rD, true)
	a.Bcond(arm64.NE, miss)
	a.Ldr(rD, rHart, uint32(offEpoch), arm64.W64, false)
	a.Ldr(rE, rC, uint32(offJC+8), arm64.W64, false)
	a.Cmp(rD, rE, true)
	a.Bcond(arm64.NE, miss)
	a.Ldr(rD, rC, uint32(offJC+16), arm64.W64, false)
	a.Br(rD)
	a.Bind(miss)
	g.strH(rA, offPC, arm64.W64)
	a.MovImm(rA, exitLookup)
	a.Ret()
}

func (g *jitGen) stub(slow bool, pc uint64, retired int) arm64.Label {
	l := g.a.NewLabel()
	g.stubs = append(g.stubs, jitStub{label: l, slow: slow, pc: pc, dirty: g.dirty(), retired: retired})
	return l
}

// src returns a register holding guest register r: its host register, ZR
// for x0, or scratch loaded from the Hart. ZR reads as zero only as an
// ALU operand or a value stored; addresses take srcNZ.
func (g *jitGen) src(r uint8, scratch reg) reg {
	r &= 31
	if r == 0 {
		return zr
	}
	if h := g.host[r]; h != noReg {
		return h
	}
	g.a.Ldr(scratch, rHart, uint32(g.xoff(r)), arm64.W64, false)
	return scratch
}

// srcNZ is src that never answers ZR (x0 becomes scratch, cleared).
func (g *jitGen) srcNZ(r uint8, scratch reg) reg {
	if r&31 == 0 {
		g.a.MovImm(scratch, 0)
		return scratch
	}
	return g.src(r, scratch)
}

func (g *jitGen) dst(rd uint8) reg {
	if h := g.host[rd&31]; h != noReg {
		return h
	}
	return rA
}

func (g *jitGen) commit(rd uint8, d reg) {
	rd &= 31
	if rd == 0 {
		return
	}
	if h := g.host[rd]; h != noReg {
		g.a.Mov(h, d)
		g.written |= 1 << rd
		return
	}
	g.a.Str(d, rHart, uint32(g.xoff(rd)), arm64.W64)
}

func (g *jitGen) setConst(rd uint8, v uint64) {
	rd &= 31
	if rd == 0 {
		return
	}
	if v == 0 {
		g.commit(rd, zr)
		return
	}
	d := g.dst(rd)
	g.a.MovImm(d, v)
	g.commit(rd, d)
}

var branchCondA64 = [...]arm64.Cond{
	opBEQ - opBEQ:  arm64.EQ,
	opBNE - opBEQ:  arm64.NE,
	opBLT - opBEQ:  arm64.LT,
	opBGE - opBEQ:  arm64.GE,
	opBLTU - opBEQ: arm64.LO,
	opBGEU - opBEQ: arm64.HS,
}

var (
	aluA64   = [256]arm64.Op{opADD: arm64.ADD, opSUB: arm64.SUB, opAND: arm64.AND, opOR: arm64.ORR, opXOR: arm64.EOR, opADDW: arm64.ADD, opSUBW: arm64.SUB, opANDI: arm64.AND, opORI: arm64.ORR, opXORI: arm64.EOR}
	shiftA64 = [256]arm64.Op{opSLL: arm64.LSLV, opSRL: arm64.LSRV, opSRA: arm64.ASRV, opSLLW: arm64.LSLV, opSRLW: arm64.LSRV, opSRAW: arm64.ASRV}
)

func (g *jitGen) inst(i int, in *jitInst) {
	a := &g.a
	rd, rs1, rs2 := in.rd&31, in.rs1&31, in.rs2&31
	imm := in.imm
	switch op := in.op; {
	case op == opFENCE:
		// arm64 reorders plain accesses that RVWMO's fence orders (a
		// release's fence; sw), and harts run on threads of their own.
		a.DmbIsh()
	case op == opLUI:
		g.setConst(rd, uint64(imm))
	case op == opAUIPC:
		g.setConst(rd, in.pc+uint64(imm))
	case op == opJAL || op == opJ:
		if op == opJAL {
			g.setConst(rd, in.pc+uint64(in.ilen))
		}
		g.jumpTo(in.pc+uint64(imm), i+1, g.dirty())
	case op == opJALR || op == opJR:
		a.AddImm(rA, g.srcNZ(rs1, rA), imm, rC)
		a.LsrI(rA, rA, 1, true)
		a.LslI(rA, rA, 1, true)
		if op == opJALR {
			d := g.dst(rd)
			if d == rA {
				d = rD
			}
			a.MovImm(d, in.pc+uint64(in.ilen))
			g.commit(rd, d)
		}
		g.writeback(g.dirty())
		g.subLeft(i + 1)
		a.B(g.probe)
		g.useProbe = true
	case op >= opBEQ && op <= opBGEU:
		a.Cmp(g.src(rs1, rA), g.src(rs2, rC), true)
		cond := branchCondA64[op-opBEQ]
		target := in.pc + uint64(imm)
		if target == g.p.pc && g.selfLoop && i == len(g.p.insts)-1 {
			out := a.NewLabel()
			a.Bcond(cond.Invert(), out)
			g.jumpTo(target, i+1, g.dirty())
			a.Bind(out)
			break
		}
		a.Bcond(cond, g.stub(false, target, i+1))
	case op >= opLB && op <= opLWU || op == opLoadToX0:
		if op == opLoadToX0 {
			op, rd = in.rs2, 0
		}
		size, signed := loadShape(op)
		a.AddImm(rA, g.srcNZ(rs1, rA), imm, rC)
		g.ramOffset(offLTLB, size, false, g.stub(true, in.pc, i))
		if rd != 0 {
			d := g.dst(rd)
			a.LdrR(d, rMem, rA, widthA64(size), signed)
			g.commit(rd, d)
		}
	case op >= opSB && op <= opSD:
		size := 1 << (op - opSB)
		a.AddImm(rA, g.srcNZ(rs1, rA), imm, rC)
		g.ramOffset(offSTLB, size, true, g.stub(true, in.pc, i))
		if g.p.lockstep {
			g.logStore(size)
		}
		a.StrR(g.src(rs2, rC), rMem, rA, widthA64(size))
	case op == opADDI && rs1 == 0:
		g.setConst(rd, uint64(imm))
	case op == opADDIW && imm == 0:
		d := g.dst(rd)
		a.Sxtw(d, g.src(rs1, rA))
		g.commit(rd, d)
	case op == opADDI || op == opADDIW:
		d := g.dst(rd)
		a.AddImm(d, g.srcNZ(rs1, rA), imm, rC)
		if op == opADDIW {
			a.Sxtw(d, d)
		}
		g.commit(rd, d)
	case op == opANDI || op == opORI || op == opXORI:
		d := g.dst(rd)
		a.MovImm(rC, uint64(imm))
		a.RRR(aluA64[op], d, g.src(rs1, rA), rC, true)
		g.commit(rd, d)
	case op == opSLTI || op == opSLTIU:
		d := g.dst(rd)
		a.MovImm(rC, uint64(imm))
		a.Cmp(g.src(rs1, rA), rC, true)
		if op == opSLTI {
			a.Cset(d, arm64.LT)
		} else {
			a.Cset(d, arm64.LO)
		}
		g.commit(rd, d)
	case op == opSLT || op == opSLTU:
		d := g.dst(rd)
		a.Cmp(g.src(rs1, rA), g.src(rs2, rC), true)
		if op == opSLT {
			a.Cset(d, arm64.LT)
		} else {
			a.Cset(d, arm64.LO)
		}
		g.commit(rd, d)
	case op == opSLLI || op == opSRLI || op == opSRAI || op == opSLLIW || op == opSRLIW || op == opSRAIW:
		d := g.dst(rd)
		s := g.src(rs1, rA)
		w64 := op <= opSRAI
		switch op {
		case opSLLI, opSLLIW:
			a.LslI(d, s, uint8(imm), w64)
		case opSRLI, opSRLIW:
			a.LsrI(d, s, uint8(imm), w64)
		default:
			a.AsrI(d, s, uint8(imm), w64)
		}
		if !w64 {
			a.Sxtw(d, d)
		}
		g.commit(rd, d)
	case op == opSLL || op == opSRL || op == opSRA || op == opSLLW || op == opSRLW || op == opSRAW:
		d := g.dst(rd)
		w64 := op == opSLL || op == opSRL || op == opSRA
		a.RRR(shiftA64[op], d, g.src(rs1, rA), g.src(rs2, rC), w64)
		if !w64 {
			a.Sxtw(d, d)
		}
		g.commit(rd, d)
	case op == opADD || op == opSUB || op == opAND || op == opOR || op == opXOR || op == opADDW || op == opSUBW:
		d := g.dst(rd)
		a.RRR(aluA64[op], d, g.src(rs1, rA), g.src(rs2, rC), true)
		if op == opADDW || op == opSUBW {
			a.Sxtw(d, d)
		}
		g.commit(rd, d)
	case op == opMUL || op == opMULW:
		d := g.dst(rd)
		a.Mul(d, g.src(rs1, rA), g.src(rs2, rC), true)
		if op == opMULW {
			a.Sxtw(d, d)
		}
		g.commit(rd, d)
	case op == opMULH || op == opMULHU:
		d := g.dst(rd)
		if op == opMULH {
			a.Smulh(d, g.src(rs1, rA), g.src(rs2, rC))
		} else {
			a.Umulh(d, g.src(rs1, rA), g.src(rs2, rC))
		}
		g.commit(rd, d)
	case op == opMULHSU: // a negative first operand owes one b
		s1, s2 := g.src(rs1, rA), g.src(rs2, rC)
		a.Umulh(rD, s1, s2)
		a.AsrI(rE, s1, 63, true)
		a.RRR(arm64.AND, rE, rE, s2, true)
		a.RRR(arm64.SUB, rD, rD, rE, true)
		g.commit(rd, rD)
	case op >= opDIV && op <= opREMU || op >= opDIVW && op <= opREMUW:
		g.divide(op, rd, rs1, rs2)
	case op >= opCSRRW && op <= opCSRRCI:
		g.csr(i, in)
	case op == opAMOW || op == opAMOD:
		g.amo(i, in)
	default:
		panic("jit: planned an instruction the arm64 back end does not translate")
	}
	if _, def := jitRegs(&in.inst); def != 0 && g.host[def] != noReg {
		g.written |= 1 << def
	}
}

func widthA64(size int) arm64.Width {
	switch size {
	case 1:
		return arm64.W8
	case 2:
		return arm64.W16
	case 4:
		return arm64.W32
	}
	return arm64.W64
}

// divide: A64's divisions do not trap either; by zero they give 0, which
// a quotient turns into all ones; the remainder a - q*b then comes out
// right by itself (the dividend by zero, 0 for the overflow).
func (g *jitGen) divide(op, rd, rs1, rs2 uint8) {
	a := &g.a
	w64 := op <= opREMU
	signed := op == opDIV || op == opREM || op == opDIVW || op == opREMW
	quotient := op == opDIV || op == opDIVU || op == opDIVW || op == opDIVUW
	x, y := g.src(rs1, rA), g.src(rs2, rC)
	div := arm64.UDIV
	if signed {
		div = arm64.SDIV
	}
	a.RRR(div, rD, x, y, w64)
	d := g.dst(rd)
	if quotient {
		if !w64 {
			a.Sxtw(rD, rD)
		}
		a.Cmp(y, zr, w64)
		a.Csinv(d, rD, zr, arm64.NE)
	} else {
		a.Msub(d, rD, y, x, w64)
		if !w64 {
			a.Sxtw(d, d)
		}
	}
	g.commit(rd, d)
}

// ramOffset: as in the amd64 back end, the guest address in X0 becomes a
// RAM offset, or the code jumps to miss. X1-X3 are clobbered.
func (g *jitGen) ramOffset(tlb int32, size int, store bool, miss arm64.Label) {
	a := &g.a
	paged, done := a.NewLabel(), a.NewLabel()
	g.ldrH(rC, offBare, arm64.W64)
	a.Cbz(rC, paged)
	a.MovImm(rD, g.e.ramBase)
	a.RRR(arm64.SUB, rC, rA, rD, true)
	a.MovImm(rD, g.e.ramSize-uint64(size))
	a.Cmp(rC, rD, true)
	a.Bcond(arm64.HI, paged) // not RAM: the TLB misses too
	if store {
		if size > 1 {
			a.Ubfx(rD, rC, 0, pageShift)
			a.CmpI(rD, uint32(pageSize-size), true)
			a.Bcond(arm64.HI, miss)
		}
		a.LsrI(rD, rC, pageShift, true)
		g.ldrH(rE, offFlags, arm64.W64)
		a.RRRShift(arm64.ADD, rE, rE, rD, 2)
		a.Ldr(rE, rE, 0, arm64.W32, false)
		a.Cbnz(rE, miss) // code or a reservation: the store hook
	}
	a.Mov(rA, rC)
	a.B(done)
	a.Bind(paged)
	g.tlbProbe(tlb, size, miss)
	a.Bind(done)
}

// tlbProbe: as in the amd64 back end (one compare for the hit and the
// page crossing).
func (g *jitGen) tlbProbe(tlb int32, size int, miss arm64.Label) {
	a := &g.a
	a.Ubfx(rD, rA, pageShift, 8)
	a.RRRShift(arm64.ADD, rD, rHart, rD, 4)
	a.AddImm(rC, rA, int64(size-1), rE)
	a.LsrI(rC, rC, pageShift, true)
	a.Ldr(rE, rHart, uint32(tlb+tlbGen), arm64.W64, false)
	a.RRR(arm64.ORR, rC, rC, rE, true)
	a.Ldr(rE, rD, uint32(tlb+tlbEntries), arm64.W64, false)
	a.Cmp(rC, rE, true)
	a.Bcond(arm64.NE, miss)
	a.Ldr(rE, rD, uint32(tlb+tlbEntries+tlbAdd), arm64.W64, false)
	a.RRR(arm64.ADD, rA, rA, rE, true)
}

// logStore: as in the amd64 back end.
func (g *jitGen) logStore(size int) {
	a := &g.a
	g.ldrH(rC, offLogPos, arm64.W64)
	a.Str(rA, rC, 0, arm64.W64)
	a.LdrR(rD, rMem, rA, widthA64(size), false)
	a.Str(rD, rC, 8, arm64.W64)
	a.MovImm(rD, uint64(size))
	a.Str(rD, rC, 16, arm64.W64)
	a.RRI(arm64.ADDI, rC, rC, lockLogEntry, false, true)
	g.strH(rC, offLogPos, arm64.W64)
}

// csr: as in the amd64 back end.
func (g *jitGen) csr(i int, in *jitInst) {
	a := &g.a
	c, _ := jitCSR(uint16(in.imm))
	n := uint16(in.imm)
	slow := g.stub(true, in.pc, i)
	g.ldrH(rE, offPriv, arm64.W8)
	a.CmpI(rE, uint32(n>>8&3), true)
	a.Bcond(arm64.LO, slow)
	if c.kind == csrSatpRead {
		ok := a.NewLabel()
		a.CmpI(rE, PrivS, true)
		a.Bcond(arm64.NE, ok)
		g.ldrH(rE, offMstatus, arm64.W64)
		a.Ubfx(rE, rE, 20, 1) // TVM
		a.Cbnz(rE, slow)
		a.Bind(ok)
	}
	write := csrWrites(&in.inst)
	if write {
		if in.op <= opCSRRC {
			a.Mov(rC, g.src(in.rs1, rC))
		} else {
			a.MovImm(rC, uint64(in.rs1&31))
		}
	}
	g.ldrH(rD, int32(c.off), arm64.W64)
	if c.kind == csrSstatusKind {
		g.sstatusView(rD)
	}
	if write {
		switch in.op {
		case opCSRRS, opCSRRSI:
			a.RRR(arm64.ORR, rC, rC, rD, true)
		case opCSRRC, opCSRRCI:
			a.RRR(arm64.BIC, rC, rD, rC, true)
		}
		if c.kind == csrSstatusKind {
			// mstatus' = mstatus &^ writable | new & writable, in X1.
			a.MovImm(rA, sstatusWritable)
			a.RRR(arm64.AND, rC, rC, rA, true)
			g.ldrH(rE, int32(c.off), arm64.W64)
			a.RRR(arm64.BIC, rE, rE, rA, true)
			a.RRR(arm64.ORR, rC, rC, rE, true)
			// Leave if SUM or MXR change, or if SIE goes to 1 while an
			// interrupt is pending.
			g.ldrH(rE, int32(c.off), arm64.W64)
			a.RRR(arm64.EOR, rA, rC, rE, true)
			a.MovImm(rE, msSUM|msMXR)
			a.Tst(rA, rE)
			a.Bcond(arm64.NE, slow)
			a.RRR(arm64.AND, rA, rA, rC, true)
			a.Ubfx(rA, rA, 1, 1) // SIE newly set
			settled := a.NewLabel()
			a.Cbz(rA, settled)
			g.anyPending(slow)
			a.Bind(settled)
		} else if c.wclr != 0 {
			a.MovImm(rA, c.wclr)
			a.RRR(arm64.BIC, rC, rC, rA, true)
		}
		g.strH(rC, int32(c.off), arm64.W64)
	}
	g.commit(in.rd, rD)
}

// sstatusView: as in the amd64 back end. X0 and X3 are clobbered.
func (g *jitGen) sstatusView(r reg) {
	a := &g.a
	clean := a.NewLabel()
	a.Ubfx(rA, r, 13, 2) // FS
	a.CmpI(rA, 3, true)
	a.Bcond(arm64.NE, clean)
	a.MovImm(rA, msSD)
	a.RRR(arm64.ORR, r, r, rA, true)
	a.Bind(clean)
	a.MovImm(rA, msUXL|msSXL)
	a.RRR(arm64.ORR, r, r, rA, true)
	a.MovImm(rA, sstatusVisible)
	a.RRR(arm64.AND, r, r, rA, true)
}

// anyPending: as in the amd64 back end. X0 and X3 are clobbered (X1, X2
// are kept).
func (g *jitGen) anyPending(busy arm64.Label) {
	a := &g.a
	noSstc := a.NewLabel()
	g.ldrH(rA, offMipHW, arm64.W64)
	g.ldrH(rE, offMipSW, arm64.W64)
	a.RRR(arm64.ORR, rA, rA, rE, true)
	g.ldrH(rE, offMenvcfg, arm64.W64)
	a.LsrI(rE, rE, 63, true) // STCE
	a.Cbz(rE, noSstc)
	g.ldrH(rE, offNowValid, arm64.W8)
	a.Cbz(rE, busy)
	a.MovImm(rE, ipSTIP)
	a.RRR(arm64.BIC, rA, rA, rE, true)
	g.ldrH(rE, offNow, arm64.W64)
	g.ldrH(rF, offStimecmp, arm64.W64)
	a.Cmp(rE, rF, true)
	a.Bcond(arm64.LO, noSstc)
	a.MovImm(rE, ipSTIP)
	a.RRR(arm64.ORR, rA, rA, rE, true)
	a.Bind(noSstc)
	g.ldrH(rE, offMie, arm64.W64)
	a.Tst(rA, rE)
	a.Bcond(arm64.NE, busy)
}

// amo: as in the amd64 back end (serial harts only).
func (g *jitGen) amo(i int, in *jitInst) {
	a := &g.a
	size := 8
	if in.op == opAMOW {
		size = 4
	}
	slow := g.stub(true, in.pc, i)
	a.Mov(rA, g.srcNZ(in.rs1, rA))
	a.Ubfx(rC, rA, 0, uint8(log2(size)))
	a.Cbnz(rC, slow)
	g.tlbProbe(offSTLB, size, slow)
	if g.p.lockstep {
		g.logStore(size)
	}
	w := widthA64(size)
	a.LdrR(rD, rMem, rA, w, true)
	s2 := g.src(in.rs2, rC)
	if size == 4 {
		a.Sxtw(rC, s2)
	} else {
		a.Mov(rC, s2)
	}
	switch in.imm {
	case amoSWAP:
	case amoADD:
		a.RRR(arm64.ADD, rC, rC, rD, true)
	case amoXOR:
		a.RRR(arm64.EOR, rC, rC, rD, true)
	case amoAND:
		a.RRR(arm64.AND, rC, rC, rD, true)
	case amoOR:
		a.RRR(arm64.ORR, rC, rC, rD, true)
	case amoMIN, amoMAX:
		a.Cmp(rC, rD, true)
		if in.imm == amoMIN {
			a.Csel(rC, rC, rD, arm64.LT)
		} else {
			a.Csel(rC, rC, rD, arm64.GT)
		}
	case amoMINU, amoMAXU:
		a.Cmp(rC, rD, size == 8)
		if in.imm == amoMINU {
			a.Csel(rC, rC, rD, arm64.LO)
		} else {
			a.Csel(rC, rC, rD, arm64.HI)
		}
	}
	a.StrR(rC, rMem, rA, w)
	g.commit(in.rd, rD)
}

func log2(n int) int {
	k := 0
	for n > 1 {
		n >>= 1
		k++
	}
	return k
}

var _ = mmu.TLBSize
