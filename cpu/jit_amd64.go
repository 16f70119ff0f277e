//go:build amd64

package cpu

import (
	"math"

	"github.com/rvemu/rvemu/jit"
	"github.com/rvemu/rvemu/jit/amd64"
	"github.com/rvemu/rvemu/mmu"
)

// The amd64 back end of the translator (jit.go). Registers:
//
//	R15  the Hart (guest registers, TLBs, jump cache at fixed offsets)
//	R14  the base of guest RAM (a TLB hit gives an offset from it)
//	R13  the instruction budget left
//	RAX, RCX, RDX  scratch
//	RBX, RSI, RDI, R8-R12  the block's hottest guest registers
//
// A block's code: a budget check (all of its instructions must fit), the
// loads of the hot registers it reads before writing, the body, and then
// out-of-line exits. Every exit writes back the hot registers written so
// far (all written anywhere, in a block that loops to its own start),
// subtracts the instructions retired on its path from R13 and either
// jumps on (a link slot, the jump cache) or returns to Call with a reason.

const jitBackend = true

// jitShareCode: parallel harts' engines share code (jitshare.go).
const jitShareCode = true

const (
	rHart = amd64.R15
	rMem  = amd64.R14
	rLeft = amd64.R13
	rA    = amd64.RAX
	rC    = amd64.RCX
	rD    = amd64.RDX
)

var jitPool = [...]amd64.Reg{amd64.RBX, amd64.RSI, amd64.RDI, amd64.R8, amd64.R9, amd64.R10, amd64.R11, amd64.R12}

// jitGen holds the back end's state while it compiles one block, and its
// buffers between blocks.
type jitGen struct {
	a          amd64.Asm
	e          *jitEngine
	p          *blockPlan
	host       [32]amd64.Reg // guest register -> host register, NoReg: in the Hart
	mapped     uint32
	written    uint32 // hot registers written so far
	allWritten uint32
	selfLoop   bool
	head       amd64.Label
	probe      amd64.Label
	useProbe   bool
	stubs      []jitStub
	slots      []jitSlot
	err        error
}

// jitStub is an out-of-line exit.
type jitStub struct {
	label   amd64.Label
	slow    bool   // exitSlow at pc; otherwise continue at pc
	pc      uint64 // the instruction (slow) or the target
	dirty   uint32
	retired int
}

// jitSlot is a link slot and the lookup stub it holds until linked.
type jitSlot struct {
	slot   uintptr
	stub   amd64.Label
	target uint64
}

// slowStub writes the engine's shared stub: the jump cache's answer for a
// PC that starts no block. It leaves for the interpreter with PC = the
// target, which the probe left in RAX.
func (g *jitGen) slowStub(mem *jit.Memory) (uintptr, error) {
	g.a.Reset()
	g.a.MovMR(amd64.M(rHart, offPC), rA)
	g.a.MovRI(rA, exitSlow)
	g.a.Ret()
	code, err := g.a.Finish(mem.Next())
	if err != nil {
		return 0, err
	}
	return mem.Write(code)
}

// compile assembles the plan into e's code memory and returns its entry
// and size.
func (g *jitGen) compile(e *jitEngine, p *blockPlan) (uintptr, int, error) {
	a := &g.a
	a.Reset()
	*g = jitGen{a: g.a, e: e, p: p, stubs: g.stubs[:0], slots: g.slots[:0]}
	a = &g.a
	for i := range g.host {
		g.host[i] = amd64.NoReg
	}
	for i := range p.insts {
		in := &p.insts[i]
		if t, ok := directTarget(in); ok && t == p.pc {
			g.selfLoop = true
		}
	}
	hot, loadIn, written := p.hotRegs(len(jitPool), g.selfLoop)
	for i, r := range hot {
		g.host[r] = jitPool[i]
		g.mapped |= 1 << r
	}
	g.allWritten = written & g.mapped
	if p.endJump {
		// nothing after the last instruction
	}
	g.probe = a.NewLabel()
	budgetExit := a.NewLabel()
	n := int32(len(p.insts))

	a.AluRI(amd64.CMP, rLeft, n)
	a.Jcc(amd64.CondB, budgetExit)
	var yield amd64.Label
	if p.lockstep {
		if stores := p.stores(); stores > 0 {
			yield = a.NewLabel()
			a.MovRM(rC, amd64.M(rHart, offLogPos))
			a.AluRI(amd64.ADD, rC, int32(stores*lockLogEntry))
			a.AluRM(amd64.CMP, rC, amd64.M(rHart, offLogEnd))
			a.Jcc(amd64.CondA, yield)
		}
	}
	for _, r := range hot {
		// A block that loops to its start writes back every register it
		// writes at every exit, so it must hold them all from the start.
		if g.selfLoop || loadIn&(1<<r) != 0 {
			a.MovRM(g.host[r], g.xmem(r))
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
		a.MovRI(rA, uint64(s.slot))
		a.MovMR(amd64.M(rHart, offLink), rA)
		a.MovRI(rA, exitLookup)
		a.Ret()
	}
	if g.useProbe {
		g.emitProbe()
	}
	a.Bind(budgetExit)
	g.setPC(p.pc)
	a.MovRI(rA, exitBudget)
	a.Ret()
	if p.lockstep && p.stores() > 0 {
		a.Bind(yield)
		g.setPC(p.pc)
		a.MovRI(rA, exitYield)
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

func (g *jitGen) xmem(r uint8) amd64.Mem { return amd64.M(rHart, offX+8*int32(r&31)) }

// dirty is the set of hot registers an exit here must write back.
func (g *jitGen) dirty() uint32 {
	if g.selfLoop {
		return g.allWritten
	}
	return g.written
}

func (g *jitGen) writeback(dirty uint32) {
	for r := uint8(1); r < 32; r++ {
		if dirty&(1<<r) != 0 {
			g.a.MovMR(g.xmem(r), g.host[r])
		}
	}
}

func (g *jitGen) setPC(v uint64) {
	g.a.MovRI(rA, v)
	g.a.MovMR(amd64.M(rHart, offPC), rA)
}

// exitSlow leaves for the interpreter at pc with retired instructions
// done.
func (g *jitGen) exitSlow(pc uint64, retired int, dirty uint32) {
	a := &g.a
	g.writeback(dirty)
	if retired > 0 {
		a.AluRI(amd64.SUB, rLeft, int32(retired))
	}
	g.setPC(pc)
	a.MovRI(rA, exitSlow)
	a.Ret()
}

// jumpTo continues at target with retired instructions done.
func (g *jitGen) jumpTo(target uint64, retired int, dirty uint32) {
	a := &g.a
	if target == g.p.pc && g.selfLoop {
		// Around again without leaving, while the budget covers the block
		// (and, in lockstep mode, the store log has room for it).
		a.AluRI(amd64.SUB, rLeft, int32(retired))
		a.AluRI(amd64.CMP, rLeft, int32(len(g.p.insts)))
		out := a.NewLabel()
		if stores := g.p.stores(); g.p.lockstep && stores > 0 {
			full := a.NewLabel()
			a.Jcc(amd64.CondB, out)
			a.MovRM(rC, amd64.M(rHart, offLogPos))
			a.AluRI(amd64.ADD, rC, int32(stores*lockLogEntry))
			a.AluRM(amd64.CMP, rC, amd64.M(rHart, offLogEnd))
			a.Jcc(amd64.CondBE, g.head)
			a.Bind(full)
			g.writeback(dirty)
			g.setPC(target)
			a.MovRI(rA, exitYield)
			a.Ret()
		} else {
			a.Jcc(amd64.CondAE, g.head)
		}
		a.Bind(out)
		g.writeback(dirty)
		g.setPC(target)
		a.MovRI(rA, exitBudget)
		a.Ret()
		return
	}
	g.writeback(dirty)
	if retired > 0 {
		a.AluRI(amd64.SUB, rLeft, int32(retired))
	}
	if target>>pageShift == g.p.pc>>pageShift && g.e.shared == nil {
		slot, _, ok := g.e.mem.Data(8)
		if !ok {
			g.err = jit.ErrFull
			return
		}
		stub := a.NewLabel()
		a.JmpAbsM(slot)
		g.slots = append(g.slots, jitSlot{slot: slot, stub: stub, target: target})
		return
	}
	a.MovRI(rA, target)
	a.Jmp(g.probe)
	g.useProbe = true
}

// emitProbe: the jump-cache lookup for the guest PC in RAX.
func (g *jitGen) emitProbe() {
	a := &g.a
	miss := a.NewLabel()
	a.Bind(g.probe)
	a.MovRR(rC, rA)
	a.ShiftRI(amd64.SHR, rC, 1, true)
	a.Alu32RI(amd64.AND, rC, jcMask)
	a.ShiftRI(amd64.SHL, rC, 5, false)
	a.AluRM(amd64.CMP, rA, amd64.MI(rHart, rC, offJC))
	a.Jcc(amd64.CondNE, miss)
	a.MovRM(rD, amd64.M(rHart, offEpoch))
	a.AluRM(amd64.CMP, rD, amd64.MI(rHart, rC, offJC+8))
	a.Jcc(amd64.CondNE, miss)
	a.JmpM(amd64.MI(rHart, rC, offJC+16))
	a.Bind(miss)
	a.MovMR(amd64.M(rHart, offPC), rA)
	a.MovRI(rA, exitLookup)
	a.Ret()
}

// stub queues an out-of-line exit and returns its label.
func (g *jitGen) stub(slow bool, pc uint64, retired int) amd64.Label {
	l := g.a.NewLabel()
	g.stubs = append(g.stubs, jitStub{label: l, slow: slow, pc: pc, dirty: g.dirty(), retired: retired})
	return l
}

// src returns a register holding guest register r: its host register, or
// scratch loaded from the Hart (x0: scratch cleared; that changes flags).
func (g *jitGen) src(r uint8, scratch amd64.Reg) amd64.Reg {
	r &= 31
	if r == 0 {
		g.a.Alu32RR(amd64.XOR, scratch, scratch)
		return scratch
	}
	if h := g.host[r]; h != amd64.NoReg {
		return h
	}
	g.a.MovRM(scratch, g.xmem(r))
	return scratch
}

// loadInto puts guest register r's value in host register d.
func (g *jitGen) loadInto(d amd64.Reg, r uint8) {
	r &= 31
	switch h := g.host[r]; {
	case r == 0:
		g.a.Alu32RR(amd64.XOR, d, d)
	case h != amd64.NoReg:
		g.a.MovRR(d, h)
	default:
		g.a.MovRM(d, g.xmem(r))
	}
}

// dst is the register to compute guest register rd in: its host register,
// or RAX.
func (g *jitGen) dst(rd uint8) amd64.Reg {
	if h := g.host[rd&31]; h != amd64.NoReg {
		return h
	}
	return rA
}

// commit makes d's value guest register rd's.
func (g *jitGen) commit(rd uint8, d amd64.Reg) {
	rd &= 31
	if rd == 0 {
		return
	}
	if h := g.host[rd]; h != amd64.NoReg {
		g.a.MovRR(h, d)
		g.written |= 1 << rd
		return
	}
	g.a.MovMR(g.xmem(rd), d)
}

// setConst makes v guest register rd's value (scratch: a register free to
// use).
func (g *jitGen) setConst(rd uint8, v uint64, scratch amd64.Reg) {
	rd &= 31
	if rd == 0 {
		return
	}
	if h := g.host[rd]; h != amd64.NoReg {
		g.a.MovRI(h, v)
		g.written |= 1 << rd
		return
	}
	if int64(v) == int64(int32(v)) {
		g.a.MovMI(g.xmem(rd), int32(v))
		return
	}
	g.a.MovRI(scratch, v)
	g.a.MovMR(g.xmem(rd), scratch)
}

// The host operation of each guest ALU and shift operation.
var (
	jitALU = [256]amd64.ALU{opADD: amd64.ADD, opSUB: amd64.SUB, opAND: amd64.AND, opOR: amd64.OR,
		opXOR: amd64.XOR, opADDW: amd64.ADD, opSUBW: amd64.SUB, opANDI: amd64.AND, opORI: amd64.OR, opXORI: amd64.XOR}
	jitShift = [256]amd64.Shift{opSLLI: amd64.SHL, opSRLI: amd64.SHR, opSRAI: amd64.SAR,
		opSLLIW: amd64.SHL, opSRLIW: amd64.SHR, opSRAIW: amd64.SAR,
		opSLL: amd64.SHL, opSRL: amd64.SHR, opSRA: amd64.SAR, opSLLW: amd64.SHL, opSRLW: amd64.SHR, opSRAW: amd64.SAR}
)

var branchCond = [...]amd64.Cond{
	opBEQ - opBEQ:  amd64.CondE,
	opBNE - opBEQ:  amd64.CondNE,
	opBLT - opBEQ:  amd64.CondL,
	opBGE - opBEQ:  amd64.CondGE,
	opBLTU - opBEQ: amd64.CondB,
	opBGEU - opBEQ: amd64.CondAE,
}

func (g *jitGen) inst(i int, in *jitInst) {
	a := &g.a
	rd, rs1, rs2 := in.rd&31, in.rs1&31, in.rs2&31
	imm := in.imm
	switch op := in.op; {
	case op == opFENCE:
	case op == opLUI:
		g.setConst(rd, uint64(imm), rA)
	case op == opAUIPC:
		g.setConst(rd, in.pc+uint64(imm), rA)
	case op == opJAL || op == opJ:
		if op == opJAL {
			g.setConst(rd, in.pc+uint64(in.ilen), rA)
		}
		g.jumpTo(in.pc+uint64(imm), i+1, g.dirty())
	case op == opJALR || op == opJR:
		s := g.src(rs1, rA)
		a.Lea(rA, amd64.M(s, int32(imm)))
		a.AluRI(amd64.AND, rA, -2)
		if op == opJALR {
			g.setConst(rd, in.pc+uint64(in.ilen), rC)
		}
		g.writeback(g.dirty())
		a.AluRI(amd64.SUB, rLeft, int32(i+1))
		a.Jmp(g.probe)
		g.useProbe = true
	case op >= opBEQ && op <= opBGEU:
		cond := g.compare(rs1, rs2, branchCond[op-opBEQ])
		target := in.pc + uint64(imm)
		if target == g.p.pc && g.selfLoop && i == len(g.p.insts)-1 {
			// The branch closing the loop: around again inline, the
			// exit out of line.
			out := a.NewLabel()
			a.Jcc(cond.Invert(), out)
			g.jumpTo(target, i+1, g.dirty())
			a.Bind(out)
			break
		}
		a.Jcc(cond, g.stub(false, target, i+1))
	case op >= opLB && op <= opLWU || op == opLoadToX0:
		if op == opLoadToX0 {
			op, rd = in.rs2, 0
		}
		size, signed := loadShape(op)
		g.addr(rs1, imm)
		g.ramOffset(offLTLB, size, false, g.stub(true, in.pc, i))
		if rd != 0 {
			d := g.dst(rd)
			a.LoadRM(d, amd64.MI(rMem, rA, 0), widthOf(size), signed)
			g.commit(rd, d)
		}
	case op >= opSB && op <= opSD:
		size := 1 << (op - opSB)
		g.addr(rs1, imm)
		g.ramOffset(offSTLB, size, true, g.stub(true, in.pc, i))
		if g.p.lockstep {
			g.logStore(size)
		}
		v := g.src(rs2, rC)
		a.StoreMR(amd64.MI(rMem, rA, 0), v, widthOf(size))
	case op == opADDI && rs1 == 0:
		g.setConst(rd, uint64(imm), rA)
	case op == opADDIW && imm == 0 && rs1 != 0: // sext.w
		d := g.dst(rd)
		if h := g.host[rs1]; h != amd64.NoReg {
			a.Movsxd(d, h)
		} else {
			a.LoadRM(d, g.xmem(rs1), amd64.W32, true)
		}
		g.commit(rd, d)
	case op == opADDI || op == opADDIW:
		d := g.dst(rd)
		if h := g.host[rs1]; h != amd64.NoReg && imm == 0 {
			a.MovRR(d, h)
		} else if h != amd64.NoReg {
			a.Lea(d, amd64.M(h, int32(imm)))
		} else {
			g.loadInto(d, rs1)
			if imm != 0 {
				a.AluRI(amd64.ADD, d, int32(imm))
			}
		}
		if op == opADDIW {
			a.Movsxd(d, d)
		}
		g.commit(rd, d)
	case op == opANDI || op == opORI || op == opXORI:
		d := g.dst(rd)
		g.loadInto(d, rs1)
		a.AluRI(jitALU[op], d, int32(imm))
		g.commit(rd, d)
	case op == opSLTI || op == opSLTIU:
		s := g.src(rs1, rA)
		a.Alu32RR(amd64.XOR, rC, rC)
		a.AluRI(amd64.CMP, s, int32(imm))
		if op == opSLTI {
			a.Setcc(amd64.CondL, rC)
		} else {
			a.Setcc(amd64.CondB, rC)
		}
		g.commit(rd, rC)
	case op == opSLT || op == opSLTU:
		s := g.src(rs1, rA)
		a.Alu32RR(amd64.XOR, rC, rC)
		switch h := g.host[rs2]; {
		case rs2 == 0:
			a.TestRR(s, s)
		case h != amd64.NoReg:
			a.AluRR(amd64.CMP, s, h)
		default:
			a.AluRM(amd64.CMP, s, g.xmem(rs2))
		}
		if op == opSLT {
			a.Setcc(amd64.CondL, rC)
		} else {
			a.Setcc(amd64.CondB, rC)
		}
		g.commit(rd, rC)
	case op == opSLLI || op == opSRLI || op == opSRAI || op == opSLLIW || op == opSRLIW || op == opSRAIW:
		d := g.dst(rd)
		g.loadInto(d, rs1)
		w64 := op <= opSRAI
		a.ShiftRI(jitShift[op], d, uint8(imm), w64)
		if !w64 {
			a.Movsxd(d, d)
		}
		g.commit(rd, d)
	case op == opSLL || op == opSRL || op == opSRA || op == opSLLW || op == opSRLW || op == opSRAW:
		g.loadInto(rC, rs2)
		d := g.dst(rd)
		g.loadInto(d, rs1)
		w64 := op == opSLL || op == opSRL || op == opSRA
		a.ShiftRCL(jitShift[op], d, w64)
		if !w64 {
			a.Movsxd(d, d)
		}
		g.commit(rd, d)
	case op == opADD || op == opSUB || op == opAND || op == opOR || op == opXOR || op == opADDW || op == opSUBW:
		alu := jitALU[op]
		commutative := alu != amd64.SUB
		if (rs1 == 0 || rs2 == 0) && alu != amd64.AND && !(alu == amd64.SUB && rs1 == 0) {
			// x OP 0 and 0 OP x (but not 0 - x) are a move.
			src := rs1 | rs2
			d := g.dst(rd)
			if op == opADDW || op == opSUBW {
				if h := g.host[src]; h != amd64.NoReg {
					a.Movsxd(d, h)
				} else if src == 0 {
					a.Alu32RR(amd64.XOR, d, d)
				} else {
					a.LoadRM(d, g.xmem(src), amd64.W32, true)
				}
			} else {
				g.loadInto(d, src)
			}
			g.commit(rd, d)
			break
		}
		d := g.dst(rd)
		if rs2 != 0 && g.host[rs2] == d && rs1 != rd {
			if commutative {
				rs1, rs2 = rs2, rs1
			} else {
				d = rA
			}
		}
		g.loadInto(d, rs1)
		switch h := g.host[rs2]; {
		case rs2 == 0:
			if alu == amd64.AND {
				a.Alu32RR(amd64.XOR, d, d)
			}
		case h != amd64.NoReg:
			a.AluRR(alu, d, h)
		default:
			a.AluRM(alu, d, g.xmem(rs2))
		}
		if op == opADDW || op == opSUBW {
			a.Movsxd(d, d)
		}
		g.commit(rd, d)
	case op == opMUL || op == opMULW:
		d := g.dst(rd)
		if rs2 != 0 && g.host[rs2] == d && rs1 != rd {
			rs1, rs2 = rs2, rs1
		}
		g.loadInto(d, rs1)
		s2 := g.src(rs2, rC)
		a.ImulRR(d, s2, true)
		if op == opMULW {
			a.Movsxd(d, d)
		}
		g.commit(rd, d)
	case op == opMULH || op == opMULHU || op == opMULHSU:
		g.loadInto(rA, rs1)
		s2 := g.src(rs2, rC)
		if op == opMULH {
			a.UnaryR(amd64.IMUL, s2, true)
		} else {
			a.UnaryR(amd64.MUL, s2, true)
		}
		if op == opMULHSU { // a negative first operand owes one b
			g.loadInto(rA, rs1)
			a.ShiftRI(amd64.SAR, rA, 63, true)
			a.AluRR(amd64.AND, rA, s2)
			a.AluRR(amd64.SUB, rD, rA)
		}
		g.commit(rd, rD)
	case op >= opDIV && op <= opREMU || op >= opDIVW && op <= opREMUW:
		g.divide(op, rd, rs1, rs2)
	case op >= opCSRRW && op <= opCSRRCI:
		g.csr(i, in)
	case op == opAMOW || op == opAMOD:
		g.amo(i, in)
	default:
		panic("jit: planned an instruction the amd64 back end does not translate")
	}
	if _, def := jitRegs(&in.inst); def != 0 && g.host[def] != amd64.NoReg {
		g.written |= 1 << def
	}
}

func widthOf(size int) amd64.Width {
	switch size {
	case 1:
		return amd64.W8
	case 2:
		return amd64.W16
	case 4:
		return amd64.W32
	}
	return amd64.W64
}

// addr computes guest register rs1 + imm into RAX.
func (g *jitGen) addr(rs1 uint8, imm int64) {
	a := &g.a
	switch h := g.host[rs1]; {
	case rs1 == 0:
		a.MovRI(rA, uint64(imm))
	case h != amd64.NoReg && imm == 0:
		a.MovRR(rA, h)
	case h != amd64.NoReg:
		a.Lea(rA, amd64.M(h, int32(imm)))
	default:
		a.MovRM(rA, g.xmem(rs1))
		if imm != 0 {
			a.AluRI(amd64.ADD, rA, int32(imm))
		}
	}
}

// ramOffset turns the guest address in RAX into a RAM offset for an
// access of size bytes, or jumps to miss: untranslated (jitHart.bare) it
// is a range check (and for a store, the page-flags check the store TLB
// embodies, and no page crossing); translated, the TLB probe. RCX and RDX
// are clobbered.
func (g *jitGen) ramOffset(tlb int32, size int, store bool, miss amd64.Label) {
	a := &g.a
	paged, done := a.NewLabel(), a.NewLabel()
	a.AluMI(amd64.CMP, amd64.M(rHart, offBare), 0)
	a.Jcc(amd64.CondE, paged)
	base := g.e.ramBase
	if int64(-base) == int64(int32(-base)) {
		a.Lea(rC, amd64.M(rA, int32(-base)))
	} else {
		a.MovRI(rD, base)
		a.MovRR(rC, rA)
		a.AluRR(amd64.SUB, rC, rD)
	}
	// CMP's immediate is 32 bits, sign-extended: a limit of 2 GiB or more
	// (boards of -m 2G and up) goes through a register, or it would read
	// as a huge unsigned limit and every address would pass as RAM.
	if limit := g.e.ramSize - uint64(size); limit <= math.MaxInt32 {
		a.AluRI(amd64.CMP, rC, int32(limit))
	} else {
		a.MovRI(rD, limit)
		a.AluRR(amd64.CMP, rC, rD)
	}
	a.Jcc(amd64.CondA, paged) // not RAM: the TLB misses too
	if store {
		if size > 1 {
			a.Mov32RR(rD, rC)
			a.Alu32RI(amd64.AND, rD, pageSize-1)
			a.Alu32RI(amd64.CMP, rD, int32(pageSize-size))
			a.Jcc(amd64.CondA, miss)
		}
		a.MovRR(rD, rC)
		a.ShiftRI(amd64.SHR, rD, pageShift, true)
		a.MovRM(rA, amd64.M(rHart, offFlags))
		a.Cmp32MI(amd64.MIS(rA, rD, 4, 0), 0)
		a.Jcc(amd64.CondNE, miss) // code or a reservation: the store hook
	}
	a.MovRR(rA, rC)
	a.Jmp(done)
	a.Bind(paged)
	g.tlbProbe(tlb, size, miss)
	a.Bind(done)
}

// tlbProbe looks the virtual address in RAX up in the TLB at tlb (an
// offset in the Hart), as mmu.TLB.Lookup does, and jumps to miss unless
// it hits and the size bytes stay on the page; on a hit RAX becomes the
// RAM offset. RCX and RDX are clobbered.
//
// One compare checks both: the entry is chosen by the page of the first
// byte and its tag compared with the page of the last byte, which matches
// only if they are the same page (an entry for the next page would sit in
// the next slot).
func (g *jitGen) tlbProbe(tlb int32, size int, miss amd64.Label) {
	a := &g.a
	a.Mov32RR(rD, rA)
	a.ShiftRI(amd64.SHR, rD, pageShift-4, false) // entry offset: page * 16 ...
	a.Alu32RI(amd64.AND, rD, (mmu.TLBSize-1)<<4) // ... of the 256 entries
	if size > 1 {
		a.Lea(rC, amd64.M(rA, int32(size-1)))
	} else {
		a.MovRR(rC, rA)
	}
	a.ShiftRI(amd64.SHR, rC, pageShift, true)
	a.AluRM(amd64.OR, rC, amd64.M(rHart, tlb+tlbGen))
	a.AluRM(amd64.CMP, rC, amd64.MI(rHart, rD, tlb+tlbEntries))
	a.Jcc(amd64.CondNE, miss)
	a.AluRM(amd64.ADD, rA, amd64.MI(rHart, rD, tlb+tlbEntries+tlbAdd))
}

// logStore appends (RAM offset, old bytes, size) for the store about to
// happen at RAM offset RAX to lockstep's log.
func (g *jitGen) logStore(size int) {
	a := &g.a
	a.MovRM(rC, amd64.M(rHart, offLogPos))
	a.MovMR(amd64.M(rC, 0), rA)
	a.LoadRM(rD, amd64.MI(rMem, rA, 0), widthOf(size), false)
	a.MovMR(amd64.M(rC, 8), rD)
	a.MovMI(amd64.M(rC, 16), int32(size))
	a.AluMI(amd64.ADD, amd64.M(rHart, offLogPos), lockLogEntry)
}

// divide emits the M extension's divisions, which never trap: by zero the
// quotient is all ones and the remainder the dividend; the overflowing
// signed case gives the dividend and zero. The host's divide faults on
// both, so they are tested first.
func (g *jitGen) divide(op, rd, rs1, rs2 uint8) {
	a := &g.a
	g.loadInto(rC, rs2)
	g.loadInto(rA, rs1)
	done, nonzero := a.NewLabel(), a.NewLabel()
	w64 := op <= opREMU
	quotient := op == opDIV || op == opDIVU || op == opDIVW || op == opDIVUW
	signed := op == opDIV || op == opREM || op == opDIVW || op == opREMW
	if w64 {
		a.TestRR(rC, rC)
	} else {
		a.Alu32RI(amd64.CMP, rC, 0)
	}
	a.Jcc(amd64.CondNE, nonzero)
	// By zero.
	switch {
	case quotient:
		a.MovRI(rA, ^uint64(0))
	case w64:
		a.MovRR(rD, rA)
	default:
		a.Movsxd(rD, rA)
	}
	a.Jmp(done)
	a.Bind(nonzero)
	if signed {
		normal := a.NewLabel()
		if w64 {
			a.AluRI(amd64.CMP, rC, -1)
		} else {
			a.Alu32RI(amd64.CMP, rC, -1)
		}
		a.Jcc(amd64.CondNE, normal)
		// By -1: the negated dividend (wrapping), remainder 0.
		if quotient {
			a.UnaryR(amd64.NEG, rA, w64)
			if !w64 {
				a.Movsxd(rA, rA)
			}
		} else {
			a.Alu32RR(amd64.XOR, rD, rD)
		}
		a.Jmp(done)
		a.Bind(normal)
		if w64 {
			a.Cqo()
		} else {
			a.Cdq()
		}
		a.UnaryR(amd64.IDIV, rC, w64)
	} else {
		a.Alu32RR(amd64.XOR, rD, rD)
		a.UnaryR(amd64.DIV, rC, w64)
	}
	if !w64 {
		if quotient {
			a.Movsxd(rA, rA)
		} else {
			a.Movsxd(rD, rD)
		}
	}
	a.Bind(done)
	if quotient {
		g.commit(rd, rA)
	} else {
		g.commit(rd, rD)
	}
}

// csr does a CSR instruction jitTranslatable accepted (jitCSR says how).
// Everything that could trap or needs more than a field (a privilege too
// low, satp under TVM, an sstatus write that changes SUM/MXR or sets SIE)
// leaves for the interpreter before anything changed.
func (g *jitGen) csr(i int, in *jitInst) {
	a := &g.a
	c, _ := jitCSR(uint16(in.imm))
	n := uint16(in.imm)
	slow := g.stub(true, in.pc, i)
	a.Cmp8MI(amd64.M(rHart, offPriv), int8(n>>8&3))
	a.Jcc(amd64.CondB, slow)
	if c.kind == csrSatpRead {
		ok := a.NewLabel()
		a.Cmp8MI(amd64.M(rHart, offPriv), PrivS)
		a.Jcc(amd64.CondNE, ok)
		a.TestMI(amd64.M(rHart, offMstatus), msTVM)
		a.Jcc(amd64.CondNE, slow)
		a.Bind(ok)
	}
	field := amd64.M(rHart, int32(c.off))
	write := csrWrites(&in.inst)
	// The operand, in RCX: a register's value or the 5-bit immediate.
	if write {
		if in.op <= opCSRRC {
			g.loadInto(rC, in.rs1)
		} else {
			a.MovRI(rC, uint64(in.rs1&31))
		}
	}
	// The old value, in RDX.
	a.MovRM(rD, field)
	if c.kind == csrSstatusKind {
		g.sstatusView(rD)
	}
	if write {
		// The new value, in RCX.
		switch in.op {
		case opCSRRS, opCSRRSI:
			a.AluRR(amd64.OR, rC, rD)
		case opCSRRC, opCSRRCI:
			a.UnaryR(amd64.NOT, rC, true)
			a.AluRR(amd64.AND, rC, rD)
		}
		if c.kind == csrSstatusKind {
			// mstatus' = mstatus &^ writable | new & writable, in RCX.
			a.MovRI(rA, sstatusWritable)
			a.AluRR(amd64.AND, rC, rA)
			a.UnaryR(amd64.NOT, rA, true)
			a.AluRM(amd64.AND, rA, field)
			a.AluRR(amd64.OR, rC, rA)
			// Leave if SUM or MXR change (translation changes), or if
			// SIE goes to 1 while an interrupt is pending.
			a.MovRR(rA, rC)
			a.AluRM(amd64.XOR, rA, field)
			a.Test32RI(rA, msSUM|msMXR)
			a.Jcc(amd64.CondNE, slow)
			a.AluRR(amd64.AND, rA, rC)
			a.Test32RI(rA, msSIE)
			settled := a.NewLabel()
			a.Jcc(amd64.CondE, settled)
			g.anyPending(slow)
			// anyPending used RDX: the old value again (the field is
			// unchanged so far).
			a.MovRM(rD, field)
			g.sstatusView(rD)
			a.Bind(settled)
		} else if c.wclr != 0 {
			a.AluRI(amd64.AND, rC, int32(^c.wclr))
		}
		a.MovMR(field, rC)
	}
	g.commit(in.rd, rD)
}

// sstatusView turns mstatus in r into sstatus as software reads it (the
// XLEN fields, SD for a dirty FS, masked), as mstatusValue does. RAX is
// clobbered.
func (g *jitGen) sstatusView(r amd64.Reg) {
	a := &g.a
	clean := a.NewLabel()
	a.Mov32RR(rA, r)
	a.Alu32RI(amd64.AND, rA, msFS)
	a.Alu32RI(amd64.CMP, rA, msFSDirty)
	a.Jcc(amd64.CondNE, clean)
	a.MovRI(rA, msSD)
	a.AluRR(amd64.OR, r, rA)
	a.Bind(clean)
	a.MovRI(rA, msUXL|msSXL)
	a.AluRR(amd64.OR, r, rA)
	a.MovRI(rA, sstatusVisible)
	a.AluRR(amd64.AND, r, rA)
}

// amo does an AMO (not LR/SC) on RAM whose page needs no store hook, as
// execAMO does: misaligned or missing the store TLB, it leaves first.
func (g *jitGen) amo(i int, in *jitInst) {
	a := &g.a
	size := 8
	if in.op == opAMOW {
		size = 4
	}
	slow := g.stub(true, in.pc, i)
	g.loadInto(rA, in.rs1)
	a.Test32RI(rA, int32(size-1))
	a.Jcc(amd64.CondNE, slow)
	g.tlbProbe(offSTLB, size, slow)
	if g.p.lockstep {
		g.logStore(size)
	}
	w := widthOf(size)
	a.LoadRM(rD, amd64.MI(rMem, rA, 0), w, true) // old, sign-extended as the result
	// The operand in RCX, sign-extended as amoResult takes it.
	rs2 := in.rs2 & 31
	switch h := g.host[rs2]; {
	case rs2 == 0:
		a.Alu32RR(amd64.XOR, rC, rC)
	case size == 4 && h != amd64.NoReg:
		a.Movsxd(rC, h)
	case size == 4:
		a.LoadRM(rC, g.xmem(rs2), amd64.W32, true)
	case h != amd64.NoReg:
		a.MovRR(rC, h)
	default:
		a.MovRM(rC, g.xmem(rs2))
	}
	switch in.imm {
	case amoSWAP:
	case amoADD:
		a.AluRR(amd64.ADD, rC, rD)
	case amoXOR:
		a.AluRR(amd64.XOR, rC, rD)
	case amoAND:
		a.AluRR(amd64.AND, rC, rD)
	case amoOR:
		a.AluRR(amd64.OR, rC, rD)
	case amoMIN, amoMAX:
		a.AluRR(amd64.CMP, rC, rD)
		if in.imm == amoMIN {
			a.Cmovcc(amd64.CondGE, rC, rD) // not src < old: old
		} else {
			a.Cmovcc(amd64.CondLE, rC, rD)
		}
	case amoMINU, amoMAXU:
		if size == 4 {
			a.Alu32RR(amd64.CMP, rC, rD)
		} else {
			a.AluRR(amd64.CMP, rC, rD)
		}
		if in.imm == amoMINU {
			a.Cmovcc(amd64.CondAE, rC, rD)
		} else {
			a.Cmovcc(amd64.CondBE, rC, rD)
		}
	}
	a.StoreMR(amd64.MI(rMem, rA, 0), rC, w)
	g.commit(in.rd, rD)
}

// anyPending jumps to busy unless no interrupt is both pending and enabled
// in mie: the check the interpreter makes after a write that unmasks
// (takeInterrupt) would then find nothing. mip is computed as mipInRun
// does; when it would have to read the clock (Sstc, no time read in this
// Run yet), it jumps to busy too. RAX and RDX are clobbered.
func (g *jitGen) anyPending(busy amd64.Label) {
	a := &g.a
	noSstc := a.NewLabel()
	a.MovRM(rA, amd64.M(rHart, offMipHW))
	a.AluRM(amd64.OR, rA, amd64.M(rHart, offMipSW))
	a.MovRM(rD, amd64.M(rHart, offMenvcfg))
	a.TestRR(rD, rD) // STCE is bit 63
	a.Jcc(amd64.CondNS, noSstc)
	a.Cmp8MI(amd64.M(rHart, offNowValid), 0)
	a.Jcc(amd64.CondE, busy)
	a.AluRI(amd64.AND, rA, ^int32(ipSTIP))
	a.MovRM(rD, amd64.M(rHart, offNow))
	a.AluRM(amd64.CMP, rD, amd64.M(rHart, offStimecmp))
	a.Jcc(amd64.CondB, noSstc)
	a.AluRI(amd64.OR, rA, ipSTIP)
	a.Bind(noSstc)
	a.AluRM(amd64.AND, rA, amd64.M(rHart, offMie))
	a.Jcc(amd64.CondNE, busy)
}

// compare sets the flags for a branch on guest registers rs1 and rs2 and
// returns the condition to test (swapped when the operands are).
func (g *jitGen) compare(rs1, rs2 uint8, cond amd64.Cond) amd64.Cond {
	a := &g.a
	h1, h2 := g.host[rs1], g.host[rs2]
	switch {
	case rs2 == 0 && rs1 == 0:
		a.Alu32RR(amd64.XOR, rA, rA)
		a.TestRR(rA, rA)
	case rs2 == 0:
		if h1 != amd64.NoReg {
			a.TestRR(h1, h1)
		} else {
			a.AluMI(amd64.CMP, g.xmem(rs1), 0)
		}
	case rs1 == 0:
		if h2 != amd64.NoReg {
			a.TestRR(h2, h2)
		} else {
			a.AluMI(amd64.CMP, g.xmem(rs2), 0)
		}
		return swapCond(cond)
	case h1 != amd64.NoReg && h2 != amd64.NoReg:
		a.AluRR(amd64.CMP, h1, h2)
	case h1 != amd64.NoReg:
		a.AluRM(amd64.CMP, h1, g.xmem(rs2))
	case h2 != amd64.NoReg:
		a.AluRM(amd64.CMP, h2, g.xmem(rs1))
		return swapCond(cond)
	default:
		a.MovRM(rA, g.xmem(rs1))
		a.AluRM(amd64.CMP, rA, g.xmem(rs2))
	}
	return cond
}

// swapCond is the condition on (b, a) that equals cond on (a, b).
func swapCond(c amd64.Cond) amd64.Cond {
	switch c {
	case amd64.CondL:
		return amd64.CondG
	case amd64.CondGE:
		return amd64.CondLE
	case amd64.CondB:
		return amd64.CondA
	case amd64.CondAE:
		return amd64.CondBE
	}
	return c // E, NE
}
