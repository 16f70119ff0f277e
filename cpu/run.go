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
	if h.held.Load() {
		return 0 // a debugger holds it (debug.go)
	}
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

	if h.cc.jit != nil && budget >= jitMinBudget {
		h.runTranslated(budget) // jitrun.go
		return h.ran()
	}
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
	return h.ran()
}

// ran ends a Run: it reports a stop for the debugger (debug.go), if the
// hart made one, and returns how many instructions retired.
func (h *Hart) ran() int {
	if h.stopped {
		h.reportStop()
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

// runPageEnd executes the last instruction of a page (opPageEnd) the way
// runUncached does, as its real operation.
func (h *Hart) runPageEnd(in *inst) {
	h.oneInst = *in
	h.oneInst.op, h.oneInst.real = in.real, 0
	h.runUncached(&h.oneInst)
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
	left := budget // counts down: one register, and the test is the decrement's
	var in *inst
	if budget <= 0 {
		goto out
	}
	if pc>>pageShift != vpn {
		e := &h.ctlb.e[(pc>>pageShift)&(codeTLBSize-1)]
		if e.tag != pc>>pageShift|h.ctlb.gen {
			goto out
		}
		vpn, page, pageOff = pc>>pageShift, e.page, e.off
		*e.stores = 0
	}
	// The PC changes page only by a jump, or by running off the page's end
	// (opPageEnd leaves the loop for that): jumps and taken branches go
	// through `jumped`, which looks the new page up.
	for {
		// in is live after the loop; a separate local keeps it out of memory.
		// The slot is found with pointer arithmetic: page is never nil here
		// (fetchVPN matches only with a page), so Go's nil check is waste.
		cur := (*inst)(unsafe.Add(unsafe.Pointer(page), (pc<<3)&slotOffsetMask))

		switch cur.op {
		case opUndecoded: // a case of the jump table, not a compare per instruction
			goto out
		case opLUI:
			x[cur.rd&31] = uint64(cur.imm)
		case opAUIPC:
			x[cur.rd&31] = pc + uint64(cur.imm)
		case opJAL:
			x[cur.rd&31] = pc + uint64(cur.ilen)
			pc += uint64(cur.imm)
			goto jumped
		case opJALR:
			t := (x[cur.rs1&31] + uint64(cur.imm)) &^ 1
			x[cur.rd&31] = pc + uint64(cur.ilen)
			pc = t
			goto jumped
		case opJ:
			pc += uint64(cur.imm)
			goto jumped
		case opJR:
			pc = (x[cur.rs1&31] + uint64(cur.imm)) &^ 1
			goto jumped
		case opBEQ:
			if x[cur.rs1&31] == x[cur.rs2&31] {
				pc += uint64(cur.imm)
				goto jumped
			}
		case opBNE:
			if x[cur.rs1&31] != x[cur.rs2&31] {
				pc += uint64(cur.imm)
				goto jumped
			}
		case opBLT:
			if int64(x[cur.rs1&31]) < int64(x[cur.rs2&31]) {
				pc += uint64(cur.imm)
				goto jumped
			}
		case opBGE:
			if int64(x[cur.rs1&31]) >= int64(x[cur.rs2&31]) {
				pc += uint64(cur.imm)
				goto jumped
			}
		case opBLTU:
			if x[cur.rs1&31] < x[cur.rs2&31] {
				pc += uint64(cur.imm)
				goto jumped
			}
		case opBGEU:
			if x[cur.rs1&31] >= x[cur.rs2&31] {
				pc += uint64(cur.imm)
				goto jumped
			}

		case opLB:
			va := x[cur.rs1&31] + uint64(cur.imm)
			off, ok := h.ltlb.Lookup(va)
			if !(ok) {
				in = cur
				goto out
			}
			x[cur.rd&31] = uint64(int8(ramLoad8(mem, off)))
		case opLBU:
			va := x[cur.rs1&31] + uint64(cur.imm)
			off, ok := h.ltlb.Lookup(va)
			if !(ok) {
				in = cur
				goto out
			}
			x[cur.rd&31] = uint64(ramLoad8(mem, off))
		case opLH:
			va := x[cur.rs1&31] + uint64(cur.imm)
			off, ok := h.ltlb.Lookup(va)
			if !(ok && va&(pageSize-1) <= pageSize-2) {
				in = cur
				goto out
			}
			x[cur.rd&31] = uint64(int16(ramLoad16(mem, off)))
		case opLHU:
			va := x[cur.rs1&31] + uint64(cur.imm)
			off, ok := h.ltlb.Lookup(va)
			if !(ok && va&(pageSize-1) <= pageSize-2) {
				in = cur
				goto out
			}
			x[cur.rd&31] = uint64(ramLoad16(mem, off))
		case opLW:
			va := x[cur.rs1&31] + uint64(cur.imm)
			off, ok := h.ltlb.Lookup(va)
			if !(ok && va&(pageSize-1) <= pageSize-4) {
				in = cur
				goto out
			}
			x[cur.rd&31] = uint64(int32(ramLoad32(mem, off)))
		case opLWU:
			va := x[cur.rs1&31] + uint64(cur.imm)
			off, ok := h.ltlb.Lookup(va)
			if !(ok && va&(pageSize-1) <= pageSize-4) {
				in = cur
				goto out
			}
			x[cur.rd&31] = uint64(ramLoad32(mem, off))
		case opLD:
			va := x[cur.rs1&31] + uint64(cur.imm)
			off, ok := h.ltlb.Lookup(va)
			if !(ok && va&(pageSize-1) <= pageSize-8) {
				in = cur
				goto out
			}
			x[cur.rd&31] = ramLoad64(mem, off)

		case opSB:
			va := x[cur.rs1&31] + uint64(cur.imm)
			off, ok := h.stlb.Lookup(va)
			if !(ok) {
				in = cur
				goto out
			}
			ramStore8(mem, off, byte(x[cur.rs2&31]))
		case opSH:
			va := x[cur.rs1&31] + uint64(cur.imm)
			off, ok := h.stlb.Lookup(va)
			if !(ok && va&(pageSize-1) <= pageSize-2) {
				in = cur
				goto out
			}
			ramStore16(mem, off, uint16(x[cur.rs2&31]))
		case opSW:
			va := x[cur.rs1&31] + uint64(cur.imm)
			off, ok := h.stlb.Lookup(va)
			if !(ok && va&(pageSize-1) <= pageSize-4) {
				in = cur
				goto out
			}
			ramStore32(mem, off, uint32(x[cur.rs2&31]))
		case opSD:
			va := x[cur.rs1&31] + uint64(cur.imm)
			off, ok := h.stlb.Lookup(va)
			if !(ok && va&(pageSize-1) <= pageSize-8) {
				in = cur
				goto out
			}
			ramStore64(mem, off, x[cur.rs2&31])

		case opADDI:
			x[cur.rd&31] = x[cur.rs1&31] + uint64(cur.imm)
		case opSLTI:
			x[cur.rd&31] = b2u(int64(x[cur.rs1&31]) < cur.imm)
		case opSLTIU:
			x[cur.rd&31] = b2u(x[cur.rs1&31] < uint64(cur.imm))
		case opXORI:
			x[cur.rd&31] = x[cur.rs1&31] ^ uint64(cur.imm)
		case opORI:
			x[cur.rd&31] = x[cur.rs1&31] | uint64(cur.imm)
		case opANDI:
			x[cur.rd&31] = x[cur.rs1&31] & uint64(cur.imm)
		case opSLLI:
			x[cur.rd&31] = x[cur.rs1&31] << (cur.imm & 63)
		case opSRLI:
			x[cur.rd&31] = x[cur.rs1&31] >> (cur.imm & 63)
		case opSRAI:
			x[cur.rd&31] = uint64(int64(x[cur.rs1&31]) >> (cur.imm & 63))
		case opADD:
			x[cur.rd&31] = x[cur.rs1&31] + x[cur.rs2&31]
		case opSUB:
			x[cur.rd&31] = x[cur.rs1&31] - x[cur.rs2&31]
		case opSLL:
			x[cur.rd&31] = x[cur.rs1&31] << (x[cur.rs2&31] & 63)
		case opSLT:
			x[cur.rd&31] = b2u(int64(x[cur.rs1&31]) < int64(x[cur.rs2&31]))
		case opSLTU:
			x[cur.rd&31] = b2u(x[cur.rs1&31] < x[cur.rs2&31])
		case opXOR:
			x[cur.rd&31] = x[cur.rs1&31] ^ x[cur.rs2&31]
		case opSRL:
			x[cur.rd&31] = x[cur.rs1&31] >> (x[cur.rs2&31] & 63)
		case opSRA:
			x[cur.rd&31] = uint64(int64(x[cur.rs1&31]) >> (x[cur.rs2&31] & 63))
		case opOR:
			x[cur.rd&31] = x[cur.rs1&31] | x[cur.rs2&31]
		case opAND:
			x[cur.rd&31] = x[cur.rs1&31] & x[cur.rs2&31]

		case opADDIW:
			x[cur.rd&31] = sext32(x[cur.rs1&31] + uint64(cur.imm))
		case opSLLIW:
			x[cur.rd&31] = sext32(x[cur.rs1&31] << (cur.imm & 31))
		case opSRLIW:
			x[cur.rd&31] = sext32(uint64(uint32(x[cur.rs1&31]) >> (cur.imm & 31)))
		case opSRAIW:
			x[cur.rd&31] = uint64(int64(int32(x[cur.rs1&31]) >> (cur.imm & 31)))
		case opADDW:
			x[cur.rd&31] = sext32(x[cur.rs1&31] + x[cur.rs2&31])
		case opSUBW:
			x[cur.rd&31] = sext32(x[cur.rs1&31] - x[cur.rs2&31])
		case opSLLW:
			x[cur.rd&31] = sext32(x[cur.rs1&31] << (x[cur.rs2&31] & 31))
		case opSRLW:
			x[cur.rd&31] = sext32(uint64(uint32(x[cur.rs1&31]) >> (x[cur.rs2&31] & 31)))
		case opSRAW:
			x[cur.rd&31] = uint64(int64(int32(x[cur.rs1&31]) >> (x[cur.rs2&31] & 31)))

		case opMUL:
			x[cur.rd&31] = x[cur.rs1&31] * x[cur.rs2&31]
		case opMULH:
			x[cur.rd&31] = mulh(x[cur.rs1&31], x[cur.rs2&31])
		case opMULHSU:
			x[cur.rd&31] = mulhsu(x[cur.rs1&31], x[cur.rs2&31])
		case opMULHU:
			hi, _ := bits.Mul64(x[cur.rs1&31], x[cur.rs2&31])
			x[cur.rd&31] = hi
		case opDIV:
			x[cur.rd&31] = div(x[cur.rs1&31], x[cur.rs2&31])
		case opDIVU:
			x[cur.rd&31] = divu(x[cur.rs1&31], x[cur.rs2&31])
		case opREM:
			x[cur.rd&31] = rem(x[cur.rs1&31], x[cur.rs2&31])
		case opREMU:
			x[cur.rd&31] = remu(x[cur.rs1&31], x[cur.rs2&31])
		case opMULW:
			x[cur.rd&31] = sext32(x[cur.rs1&31] * x[cur.rs2&31])
		case opDIVW:
			x[cur.rd&31] = divw(x[cur.rs1&31], x[cur.rs2&31])
		case opDIVUW:
			x[cur.rd&31] = divuw(x[cur.rs1&31], x[cur.rs2&31])
		case opREMW:
			x[cur.rd&31] = remw(x[cur.rs1&31], x[cur.rs2&31])
		case opREMUW:
			x[cur.rd&31] = remuw(x[cur.rs1&31], x[cur.rs2&31])

		// Fused pairs (fuse.go) retire two: one here, one below. Without
		// budget for both, or when the load cannot run inline, they leave
		// with nothing done and the slow path runs the first alone.
		case opADDIADDI:
			if left < 2 {
				in = cur
				goto out
			}
			x[cur.rd&31] = x[cur.rs1&31] + uint64(cur.imm)
			x[cur.rs2&31] = x[cur.real&31] + uint64(cur.imm2)
			left--
		case opLWBLTU:
			va := x[cur.rs1&31] + uint64(cur.imm)
			off, ok := h.ltlb.Lookup(va)
			if !(ok && va&(pageSize-1) <= pageSize-4) || left < 2 {
				in = cur
				goto out
			}
			x[cur.rd&31] = uint64(int32(ramLoad32(mem, off)))
			left--
			if x[cur.rs2&31] < x[cur.real&31] {
				pc += uint64(cur.imm2)
				goto jumped
			}
		case opLDBEQ:
			va := x[cur.rs1&31] + uint64(cur.imm)
			off, ok := h.ltlb.Lookup(va)
			if !(ok && va&(pageSize-1) <= pageSize-8) || left < 2 {
				in = cur
				goto out
			}
			x[cur.rd&31] = ramLoad64(mem, off)
			left--
			if x[cur.rs2&31] == x[cur.real&31] {
				pc += uint64(cur.imm2)
				goto jumped
			}
		case opADDWBNE:
			if left < 2 {
				in = cur
				goto out
			}
			x[cur.rd&31] = sext32(x[cur.rs1&31] + x[cur.rs2&31])
			left--
			if x[cur.real&31] != x[cur.imm2&31] {
				pc += uint64(cur.imm)
				goto jumped
			}
		case opLWLW:
			va, va2 := x[cur.rs1&31]+uint64(cur.imm), x[cur.real&31]+uint64(cur.imm2)
			off, ok := h.ltlb.Lookup(va)
			off2, ok2 := h.ltlb.Lookup(va2)
			if !(ok && ok2 && va&(pageSize-1) <= pageSize-4 && va2&(pageSize-1) <= pageSize-4) || left < 2 {
				in = cur
				goto out
			}
			x[cur.rd&31] = uint64(int32(ramLoad32(mem, off)))
			x[cur.rs2&31] = uint64(int32(ramLoad32(mem, off2)))
			left--
		case opSLLIADD:
			if left < 2 {
				in = cur
				goto out
			}
			x[cur.rd&31] = x[cur.rs1&31] << (cur.imm & 63)
			x[cur.rs2&31] = x[cur.real&31] + x[cur.imm2&31]
			left--

		case opFENCE:
			// One hart at a time and sequentially consistent memory:
			// nothing to order.
		default:
			in = cur
			goto out
		}
		// Never past the page end: the last instruction of a page that
		// can fall through is opPageEnd, which leaves through default.
		pc += uint64(cur.ilen)
		left--
		if left == 0 {
			break
		}
		continue
	jumped:
		left--
		if left == 0 {
			break
		}
		if pc>>pageShift != vpn {
			// Another page: follow it through the code TLB if it is there.
			e := &h.ctlb.e[(pc>>pageShift)&(codeTLBSize-1)]
			if e.tag != pc>>pageShift|h.ctlb.gen {
				break
			}
			vpn, page, pageOff = pc>>pageShift, e.page, e.off
			*e.stores = 0
		}
		continue
	}
	in = nil // the budget ran out, or the next page is not in the code TLB
out:
	n := budget - left
	h.fetchVPN, h.fetchPage, h.fetchOff = vpn, page, pageOff
	h.PC = pc
	h.Instret += uint64(n)
	return n, in
}

// slotOffsetMask turns pc<<3 into the byte offset of pc's slot in its
// code page: slots are 16 bytes per halfword.
const slotOffsetMask = slotsPerPage*instSize - instSize

const instSize = 16

// The slot arithmetic above needs inst to be exactly instSize bytes.
var _ [instSize - unsafe.Sizeof(inst{})]byte
var _ [unsafe.Sizeof(inst{}) - instSize]byte

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

func sext32(v uint64) uint64 { return uint64(int64(int32(v))) }
