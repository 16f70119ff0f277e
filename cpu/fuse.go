package cpu

// Instruction fusion. The interpreter's cost is mostly its dispatch (one
// indirect jump per instruction, hard to predict), so a few pairs that
// compiled loops repeat back to back decode into one slot that runs both:
// two addi (pointer and counter bumps), a word or double load followed by
// a branch (list walks, searches), addw closing a loop with bne, two
// independent word loads, and slli+add (array indexing). A fused slot lives in its first
// instruction's slot only; the second keeps its own slot for jumps into
// it. The pair behaves exactly as the two instructions: runFast takes it
// only with budget for both, and a load that cannot run inline leaves with
// nothing done, so the out-of-line path runs just the first instruction,
// decoded afresh (runFirstOfPair). Stores into the second instruction's
// bytes reset the first's slot too (System.stored reaches fusedReach back).

// fusedReach is how far before a stored byte a fused pair containing it
// may start: a 32-bit first instruction and the last halfword of a 32-bit
// second.
const fusedReach = 6

// fusePair turns the instruction just decoded at pc into a fused pair with
// the one after it when they form a known pair. Both lie inside the page,
// ending before its last halfword, so the pair never runs into opPageEnd.
func (h *Hart) fusePair(in *inst, pc uint64) {
	switch in.op {
	case opADDI, opLW, opLD, opADDW, opSLLI:
	default:
		return
	}
	next := pc + uint64(in.ilen)
	if next&(pageSize-1) > pageSize-6 || h.cc.marked(h.fetchOff>>pageShift, next&(pageSize-1)) {
		return // no second instruction here, or a breakpoint is on it
	}
	second := h.plainDecode(next)
	switch {
	case in.op == opADDI && second.op == opADDI:
		in.op = opADDIADDI
		in.rs2, in.real, in.imm2 = second.rd, second.rs1, int16(second.imm)
	case in.op == opLW && second.op == opBLTU, in.op == opLD && second.op == opBEQ:
		if in.op == opLW {
			in.op = opLWBLTU
		} else {
			in.op = opLDBEQ
		}
		// The branch offset is taken from the pair's start.
		in.rs2, in.real, in.imm2 = second.rs1, second.rs2, int16(int64(in.ilen)+second.imm)
	case in.op == opADDW && second.op == opBNE:
		// addw has no immediate: the branch offset goes there.
		in.op = opADDWBNE
		in.real, in.imm2, in.imm = second.rs1, int16(second.rs2), int64(in.ilen)+second.imm
	case in.op == opLW && second.op == opLW && second.rs1 != in.rd:
		// The second address does not depend on the first load, so both
		// are translated before either runs.
		in.op = opLWLW
		in.rs2, in.real, in.imm2 = second.rd, second.rs1, int16(second.imm)
	case in.op == opSLLI && second.op == opADD: // array indexing
		in.op = opSLLIADD
		in.rs2, in.real, in.imm2 = second.rd, second.rs1, int16(second.rs2)
	default:
		return
	}
	in.ilen += second.ilen
}

// isFused tells whether op is one of the fused pairs.
func isFused(op uint8) bool {
	return op >= opADDIADDI && op <= opSLLIADD
}

// plainDecode decodes the instruction at pc in the current code page from
// RAM, without loop, page-end or fusion forms. The caller knows the
// instruction lies inside the page.
func (h *Hart) plainDecode(pc uint64) inst {
	return decodeRAM(h.ram, h.fetchOff+pc&(pageSize-1))
}

// decodeRAM decodes the instruction at RAM offset off, which the caller
// knows lies inside one page.
func decodeRAM(ram []byte, off uint64) inst {
	lo := uint16(ram[off]) | uint16(ram[off+1])<<8
	if lo&3 != 3 {
		return decodeCompressed(lo)
	}
	return decode(uint32(lo) | uint32(ram[off+2])<<16 | uint32(ram[off+3])<<24)
}

// runFirstOfPair executes only the first instruction of the fused pair at
// PC: the budget had room for one, or its load needs the slow path.
func (h *Hart) runFirstOfPair() {
	h.oneInst = h.plainDecode(h.PC)
	h.runUncached(&h.oneInst)
}
