package cpu

// Execution of the SYSTEM instructions that are too rare to sit in the
// interpreter's switch. Each returns false when it trapped; on success it
// has retired the instruction and moved the PC.

// csrFunct3 gives back the funct3 field of a decoded CSR instruction, to
// rebuild its bits for an illegal-instruction tval.
var csrFunct3 = [...]uint32{1, 2, 3, 5, 6, 7} // indexed by op - opCSRRW

func csrBits(in *inst) uint64 {
	return uint64(uint32(in.imm)<<20 | uint32(in.rs1)<<15 | csrFunct3[in.op-opCSRRW]<<12 | uint32(in.rd)<<7 | 0x73)
}

func (h *Hart) execCSR(in *inst) {
	n := uint16(in.imm)
	src := uint64(in.rs1)
	if in.op <= opCSRRC {
		src = h.X[in.rs1&31]
	}
	rw := in.op == opCSRRW || in.op == opCSRRWI
	write := rw || in.rs1 != 0
	if !h.csrAllowed(n, write) {
		h.raise(causeIllegal, csrBits(in))
		return
	}
	old, exists := h.csrRead(n)
	if !exists {
		h.raise(causeIllegal, csrBits(in))
		return
	}
	recheck := false
	if write {
		v := src
		// Set/clear modify what software wrote: for mip that is the
		// software SEIP bit, not the PLIC's line ORed into reads, or a csrs
		// while the line is up would latch SEIP for good.
		base := old
		if n == csrMip {
			base = old&^ipSEIP | h.csr.mipSW&ipSEIP
		}
		switch in.op {
		case opCSRRS, opCSRRSI:
			v = base | src
		case opCSRRC, opCSRRCI:
			v = base &^ src
		}
		recheck = h.csrWrite(n, v)
	}
	h.setX(in.rd, old)
	h.retire(4)
	if recheck {
		h.takeInterrupt()
	}
}

func (h *Hart) retire(ilen uint8) {
	h.PC += uint64(ilen)
	h.Instret++
}

func (h *Hart) execSystem(in *inst) {
	switch in.op {
	case opECALL:
		cause := uint64(causeEcallU)
		switch h.Priv {
		case PrivS:
			cause = causeEcallS
		case PrivM:
			cause = causeEcallM
		}
		h.raise(cause, 0)
	case opEBREAK:
		h.raise(causeBreakpoint, h.PC)
	case opMRET:
		if h.Priv < PrivM {
			h.raise(causeIllegal, 0x30200073)
			return
		}
		h.Instret++
		h.mret()
		h.takeInterrupt()
	case opSRET:
		if h.Priv < PrivS || (h.Priv == PrivS && h.csr.mstatus&msTSR != 0) {
			h.raise(causeIllegal, 0x10200073)
			return
		}
		h.Instret++
		h.sret()
		h.takeInterrupt()
	case opWFI:
		if h.Priv == PrivU || (h.Priv == PrivS && h.csr.mstatus&msTW != 0) {
			h.raise(causeIllegal, 0x10500073)
			return
		}
		h.retire(4)
		if h.interrupted {
			// The first WFI after an interrupt trap completes at once,
			// as the privileged spec allows any WFI to. Kernels that
			// scan for work with interrupts on and then wait (xv6 up to
			// 2023: its scheduler waits in WFI whenever at most two
			// processes exist) take a disk interrupt in mid-scan, wake
			// the sleeper behind the scan, and would wait for the next
			// timer tick; this one extra scan finds the sleeper.
			h.interrupted = false
			h.takeInterrupt()
			return
		}
		if h.mipInRun()&h.csr.mie == 0 {
			h.wfi = true
			h.stop = true
			return
		}
		h.takeInterrupt()
	case opSFENCEVMA:
		if h.Priv == PrivU || (h.Priv == PrivS && h.csr.mstatus&msTVM != 0) {
			h.raise(causeIllegal, uint64(0x12000073|uint32(in.rs2)<<20|uint32(in.rs1)<<15))
			return
		}
		h.flushTLBs()
		h.retire(4)
	case opFENCEI:
		// Stores reset the decoded slots they touch, so the cache is
		// already coherent; only the fetch page is re-looked-up. In
		// parallel mode other harts' stores are looked at now.
		h.fetchVPN = noPage
		if h.sys.parallel {
			h.fenceIParallel()
		}
		h.retire(4)
	}
}
