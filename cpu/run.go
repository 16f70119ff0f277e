package cpu

import (
	"math/bits"
	"unsafe"
)

// Run executes up to budget instructions and returns how many retired. It
// returns early after an MMIO access (so the board can re-sample device
// interrupt lines) and when the hart enters WFI. Pending interrupts are
// checked on entry, and after the instructions that can unmask one.
//
// Run alternates between runFast, a loop without calls that handles the
// common cases, and the out-of-line paths for everything else. Every
// iteration counts against budget, whether it retires or traps.
func (h *Hart) Run(budget int) int {
	h.runStart = h.Instret
	h.stop = false
	h.nowValid = false
	if h.wfi {
		if h.mip()&h.csr.mie == 0 {
			return 0
		}
		h.wfi = false
	}
	// Another hart may have dropped the code cache since we last ran.
	h.fetchVPN = noPage
	// Nothing in the interpreter writes x0; this undoes a debugger's write.
	h.X[0] = 0
	h.takeInterrupt()

	for left := budget; left > 0 && !h.stop; {
		n, in := h.runFast(left)
		left -= n
		if left == 0 {
			break
		}
		left-- // the instruction runFast could not finish
		if in == nil {
			if in = h.fetch(); in == nil {
				continue // fetch fault: trapped
			}
			if in != &h.oneInst {
				left++ // now decoded and cached: runFast takes it
				continue
			}
			h.runUncached(in)
			continue
		}
		if in.op == opBNELoop {
			left -= h.runLoop(in, left)
			continue
		}
		h.execSlow(in)
	}
	return int(h.Instret - h.runStart)
}

// fetch finds the instruction at PC when runFast cannot: the PC left the
// current code page, or its slot is not decoded. nil means a trap.
func (h *Hart) fetch() *inst {
	pc := h.PC
	if pc>>pageShift == h.fetchVPN {
		return h.decodeSlot(&h.fetchPage[(pc>>1)&(slotsPerPage-1)], pc)
	}
	return h.fetchSlow(pc)
}

// runUncached executes an instruction that has no slot in a code page (it
// straddles a page end, or comes from a device) by running runFast over a
// scratch page holding just it.
func (h *Hart) runUncached(in *inst) {
	pc := h.PC
	if h.scratch == nil {
		h.scratch = new(codePage)
	}
	slot := &h.scratch[(pc>>1)&(slotsPerPage-1)]
	*slot = *in
	h.fetchPage, h.fetchVPN = h.scratch, pc>>pageShift
	n, slow := h.runFast(1)
	h.fetchPage, h.fetchVPN = nil, noPage
	if n == 0 && slow != nil {
		h.execSlow(slow)
	}
}

// runFast runs instructions while they hit the decoded-code page and the
// TLBs and need no help: ALU, branches, jumps, RAM loads and stores. It
// stops at the first one that needs more and returns how many it ran
// (all retired) and that instruction (nil: it must be fetched first), with
// PC pointing at it. PC, the retired count and the code page stay in
// locals, and nothing here calls a function, so they stay in registers.
func (h *Hart) runFast(budget int) (int, *inst) {
	mem := unsafe.Pointer(unsafe.SliceData(h.ram)) // TLB hits are whole RAM pages
	x := &h.X
	pc, vpn, page, pageOff := h.PC, h.fetchVPN, h.fetchPage, h.fetchOff
	n := 0
	var in *inst
	for ; n < budget; n++ {
		if pc>>pageShift != vpn {
			// Another page: follow it through the code TLB if it is there.
			e := &h.ctlb.e[(pc>>pageShift)&(codeTLBSize-1)]
			if e.tag != pc>>pageShift|h.ctlb.gen {
				in = nil
				break
			}
			vpn, page, pageOff = pc>>pageShift, e.page, e.off
			*e.stores = 0
		}
		in = &page[(pc>>1)&(slotsPerPage-1)]

		switch in.op {
		case opUndecoded: // a case of the jump table, not a compare per instruction
			in = nil
			goto slow
		case opLUI:
			x[in.rd&31] = uint64(in.imm)
		case opAUIPC:
			x[in.rd&31] = pc + uint64(in.imm)
		case opJAL:
			x[in.rd&31] = pc + uint64(in.ilen)
			pc += uint64(in.imm)
			continue
		case opJALR:
			t := (x[in.rs1&31] + uint64(in.imm)) &^ 1
			x[in.rd&31] = pc + uint64(in.ilen)
			pc = t
			continue
		case opJ:
			pc += uint64(in.imm)
			continue
		case opJR:
			pc = (x[in.rs1&31] + uint64(in.imm)) &^ 1
			continue
		case opBEQ:
			if x[in.rs1&31] == x[in.rs2&31] {
				pc += uint64(in.imm)
				continue
			}
		case opBNE:
			if x[in.rs1&31] != x[in.rs2&31] {
				pc += uint64(in.imm)
				continue
			}
		case opBLT:
			if int64(x[in.rs1&31]) < int64(x[in.rs2&31]) {
				pc += uint64(in.imm)
				continue
			}
		case opBGE:
			if int64(x[in.rs1&31]) >= int64(x[in.rs2&31]) {
				pc += uint64(in.imm)
				continue
			}
		case opBLTU:
			if x[in.rs1&31] < x[in.rs2&31] {
				pc += uint64(in.imm)
				continue
			}
		case opBGEU:
			if x[in.rs1&31] >= x[in.rs2&31] {
				pc += uint64(in.imm)
				continue
			}

		case opLB:
			va := x[in.rs1&31] + uint64(in.imm)
			off, ok := h.ltlb.Lookup(va)
			if !(ok) {
				goto slow
			}
			x[in.rd&31] = uint64(int8(ramLoad8(mem, off)))
		case opLBU:
			va := x[in.rs1&31] + uint64(in.imm)
			off, ok := h.ltlb.Lookup(va)
			if !(ok) {
				goto slow
			}
			x[in.rd&31] = uint64(ramLoad8(mem, off))
		case opLH:
			va := x[in.rs1&31] + uint64(in.imm)
			off, ok := h.ltlb.Lookup(va)
			if !(ok && va&(pageSize-1) <= pageSize-2) {
				goto slow
			}
			x[in.rd&31] = uint64(int16(ramLoad16(mem, off)))
		case opLHU:
			va := x[in.rs1&31] + uint64(in.imm)
			off, ok := h.ltlb.Lookup(va)
			if !(ok && va&(pageSize-1) <= pageSize-2) {
				goto slow
			}
			x[in.rd&31] = uint64(ramLoad16(mem, off))
		case opLW:
			va := x[in.rs1&31] + uint64(in.imm)
			off, ok := h.ltlb.Lookup(va)
			if !(ok && va&(pageSize-1) <= pageSize-4) {
				goto slow
			}
			x[in.rd&31] = uint64(int32(ramLoad32(mem, off)))
		case opLWU:
			va := x[in.rs1&31] + uint64(in.imm)
			off, ok := h.ltlb.Lookup(va)
			if !(ok && va&(pageSize-1) <= pageSize-4) {
				goto slow
			}
			x[in.rd&31] = uint64(ramLoad32(mem, off))
		case opLD:
			va := x[in.rs1&31] + uint64(in.imm)
			off, ok := h.ltlb.Lookup(va)
			if !(ok && va&(pageSize-1) <= pageSize-8) {
				goto slow
			}
			x[in.rd&31] = ramLoad64(mem, off)

		case opSB:
			va := x[in.rs1&31] + uint64(in.imm)
			off, ok := h.stlb.Lookup(va)
			if !(ok) {
				goto slow
			}
			ramStore8(mem, off, byte(x[in.rs2&31]))
		case opSH:
			va := x[in.rs1&31] + uint64(in.imm)
			off, ok := h.stlb.Lookup(va)
			if !(ok && va&(pageSize-1) <= pageSize-2) {
				goto slow
			}
			ramStore16(mem, off, uint16(x[in.rs2&31]))
		case opSW:
			va := x[in.rs1&31] + uint64(in.imm)
			off, ok := h.stlb.Lookup(va)
			if !(ok && va&(pageSize-1) <= pageSize-4) {
				goto slow
			}
			ramStore32(mem, off, uint32(x[in.rs2&31]))
		case opSD:
			va := x[in.rs1&31] + uint64(in.imm)
			off, ok := h.stlb.Lookup(va)
			if !(ok && va&(pageSize-1) <= pageSize-8) {
				goto slow
			}
			ramStore64(mem, off, x[in.rs2&31])

		case opADDI:
			x[in.rd&31] = x[in.rs1&31] + uint64(in.imm)
		case opSLTI:
			x[in.rd&31] = b2u(int64(x[in.rs1&31]) < in.imm)
		case opSLTIU:
			x[in.rd&31] = b2u(x[in.rs1&31] < uint64(in.imm))
		case opXORI:
			x[in.rd&31] = x[in.rs1&31] ^ uint64(in.imm)
		case opORI:
			x[in.rd&31] = x[in.rs1&31] | uint64(in.imm)
		case opANDI:
			x[in.rd&31] = x[in.rs1&31] & uint64(in.imm)
		case opSLLI:
			x[in.rd&31] = x[in.rs1&31] << (in.imm & 63)
		case opSRLI:
			x[in.rd&31] = x[in.rs1&31] >> (in.imm & 63)
		case opSRAI:
			x[in.rd&31] = uint64(int64(x[in.rs1&31]) >> (in.imm & 63))
		case opADD:
			x[in.rd&31] = x[in.rs1&31] + x[in.rs2&31]
		case opSUB:
			x[in.rd&31] = x[in.rs1&31] - x[in.rs2&31]
		case opSLL:
			x[in.rd&31] = x[in.rs1&31] << (x[in.rs2&31] & 63)
		case opSLT:
			x[in.rd&31] = b2u(int64(x[in.rs1&31]) < int64(x[in.rs2&31]))
		case opSLTU:
			x[in.rd&31] = b2u(x[in.rs1&31] < x[in.rs2&31])
		case opXOR:
			x[in.rd&31] = x[in.rs1&31] ^ x[in.rs2&31]
		case opSRL:
			x[in.rd&31] = x[in.rs1&31] >> (x[in.rs2&31] & 63)
		case opSRA:
			x[in.rd&31] = uint64(int64(x[in.rs1&31]) >> (x[in.rs2&31] & 63))
		case opOR:
			x[in.rd&31] = x[in.rs1&31] | x[in.rs2&31]
		case opAND:
			x[in.rd&31] = x[in.rs1&31] & x[in.rs2&31]

		case opADDIW:
			x[in.rd&31] = sext32(x[in.rs1&31] + uint64(in.imm))
		case opSLLIW:
			x[in.rd&31] = sext32(x[in.rs1&31] << (in.imm & 31))
		case opSRLIW:
			x[in.rd&31] = sext32(uint64(uint32(x[in.rs1&31]) >> (in.imm & 31)))
		case opSRAIW:
			x[in.rd&31] = uint64(int64(int32(x[in.rs1&31]) >> (in.imm & 31)))
		case opADDW:
			x[in.rd&31] = sext32(x[in.rs1&31] + x[in.rs2&31])
		case opSUBW:
			x[in.rd&31] = sext32(x[in.rs1&31] - x[in.rs2&31])
		case opSLLW:
			x[in.rd&31] = sext32(x[in.rs1&31] << (x[in.rs2&31] & 31))
		case opSRLW:
			x[in.rd&31] = sext32(uint64(uint32(x[in.rs1&31]) >> (x[in.rs2&31] & 31)))
		case opSRAW:
			x[in.rd&31] = uint64(int64(int32(x[in.rs1&31]) >> (x[in.rs2&31] & 31)))

		case opMUL:
			x[in.rd&31] = x[in.rs1&31] * x[in.rs2&31]
		case opMULH:
			x[in.rd&31] = mulh(x[in.rs1&31], x[in.rs2&31])
		case opMULHSU:
			x[in.rd&31] = mulhsu(x[in.rs1&31], x[in.rs2&31])
		case opMULHU:
			hi, _ := bits.Mul64(x[in.rs1&31], x[in.rs2&31])
			x[in.rd&31] = hi
		case opDIV:
			x[in.rd&31] = div(x[in.rs1&31], x[in.rs2&31])
		case opDIVU:
			x[in.rd&31] = divu(x[in.rs1&31], x[in.rs2&31])
		case opREM:
			x[in.rd&31] = rem(x[in.rs1&31], x[in.rs2&31])
		case opREMU:
			x[in.rd&31] = remu(x[in.rs1&31], x[in.rs2&31])
		case opMULW:
			x[in.rd&31] = sext32(x[in.rs1&31] * x[in.rs2&31])
		case opDIVW:
			x[in.rd&31] = divw(x[in.rs1&31], x[in.rs2&31])
		case opDIVUW:
			x[in.rd&31] = divuw(x[in.rs1&31], x[in.rs2&31])
		case opREMW:
			x[in.rd&31] = remw(x[in.rs1&31], x[in.rs2&31])
		case opREMUW:
			x[in.rd&31] = remuw(x[in.rs1&31], x[in.rs2&31])

		case opFENCE:
			// One hart at a time and sequentially consistent memory:
			// nothing to order.
		default:
			goto slow
		}
		pc += uint64(in.ilen)
		continue
	slow:
		break
	}
	if n == budget {
		in = nil
	}
	h.fetchVPN, h.fetchPage, h.fetchOff = vpn, page, pageOff
	h.PC = pc
	h.Instret += uint64(n)
	return n, in
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

func sext32(v uint64) uint64 { return uint64(int64(int32(v))) }
