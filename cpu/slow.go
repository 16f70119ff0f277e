package cpu

// execSlow executes the instructions the interpreter loop does not finish
// inline: loads and stores that miss the TLB, touch MMIO or cross a page,
// atomics, CSR and other SYSTEM instructions, and illegal ones. The hart's
// PC and Instret are current when it is called.
func (h *Hart) execSlow(in *inst) {
	x := &h.X
	switch in.op {
	case opIllegal:
		h.raise(causeIllegal, uint64(in.imm))
	case opLB, opLBU, opLH, opLHU, opLW, opLWU, opLD:
		size, signed := loadShape(in.op)
		v, ok := h.loadSlow(x[in.rs1&31]+uint64(in.imm), size)
		if !ok {
			return
		}
		if signed {
			v = uint64(int64(v<<(64-8*size)) >> (64 - 8*size))
		}
		h.setX(in.rd, v)
		h.retire(in.ilen)
	case opLoadToX0:
		size, _ := loadShape(in.rs2)
		if _, ok := h.loadSlow(x[in.rs1&31]+uint64(in.imm), size); ok {
			h.retire(in.ilen)
		}
	case opSB, opSH, opSW, opSD:
		size := 1 << (in.op - opSB)
		if h.storeSlow(x[in.rs1&31]+uint64(in.imm), size, x[in.rs2&31]) {
			h.retire(in.ilen)
		}
	case opAMOW, opAMOD:
		size := 4
		if in.op == opAMOD {
			size = 8
		}
		if h.execAMO(in, size) {
			h.retire(4)
		}
	case opPageEnd:
		h.runPageEnd(in)
	case opADDIADDI, opLWBLTU, opLDBEQ, opADDWBNE, opLWLW, opSLLIADD:
		h.runFirstOfPair()
	case opBNELoop: // reached without its page (runUncached): a plain bne
		if x[in.rs1&31] != x[in.rs2&31] {
			h.PC += uint64(in.imm)
			h.Instret++
			return
		}
		h.retire(in.ilen)
	case opCSRRW, opCSRRS, opCSRRC, opCSRRWI, opCSRRSI, opCSRRCI:
		h.execCSR(in)
	case opFP:
		h.execFP(in)
	case opBreak:
		h.breakpoint()
	default:
		h.execSystem(in)
	}
}

func loadShape(op uint8) (size int, signed bool) {
	switch op {
	case opLB:
		return 1, true
	case opLBU:
		return 1, false
	case opLH:
		return 2, true
	case opLHU:
		return 2, false
	case opLW:
		return 4, true
	case opLWU:
		return 4, false
	}
	return 8, false
}

// setX writes a register from the out-of-line paths; x0 stays zero.
func (h *Hart) setX(rd uint8, v uint64) {
	if rd&31 != 0 {
		h.X[rd&31] = v
	}
}
