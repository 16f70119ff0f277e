package cpu

// Exception causes.
const (
	causeFetchMisaligned = 0
	causeFetchAccess     = 1
	causeIllegal         = 2
	causeBreakpoint      = 3
	causeLoadMisaligned  = 4
	causeLoadAccess      = 5
	causeStoreMisaligned = 6
	causeStoreAccess     = 7
	causeEcallU          = 8
	causeEcallS          = 9
	causeEcallM          = 11
	causeFetchPage       = 12
	causeLoadPage        = 13
	causeStorePage       = 15

	causeInterrupt = 1 << 63
)

// raise takes an exception at the current PC (the faulting instruction).
func (h *Hart) raise(cause, tval uint64) {
	h.trap(cause, tval, h.PC)
}

// trap enters the handler for cause (interrupts have causeInterrupt set),
// choosing S-mode when the cause is delegated and the hart is not in M.
func (h *Hart) trap(cause, tval, epc uint64) {
	from := h.Priv
	h.countStorm(cause, epc, tval, from)
	h.enterTrap(cause, tval, epc)
	if h.trapHook != nil {
		h.trapHook(cause, epc, tval, from, h.Priv)
	}
}

func (h *Hart) enterTrap(cause, tval, epc uint64) {
	h.resvValid = false
	c := &h.csr
	code := cause &^ causeInterrupt
	deleg := c.medeleg
	if cause&causeInterrupt != 0 {
		deleg = c.mideleg
	}
	if h.Priv <= PrivS && deleg>>code&1 != 0 {
		c.scause, c.sepc, c.stval = cause, epc, tval
		st := c.mstatus &^ (msSPP | msSPIE | msSIE)
		if h.Priv == PrivS {
			st |= msSPP
		}
		if c.mstatus&msSIE != 0 {
			st |= msSPIE
		}
		c.mstatus = st
		h.PC = vector(c.stvec, cause)
		h.setPriv(PrivS)
		return
	}
	c.mcause, c.mepc, c.mtval = cause, epc, tval
	st := c.mstatus &^ (msMPP | msMPIE | msMIE)
	st |= uint64(h.Priv) << msMPPShift
	if c.mstatus&msMIE != 0 {
		st |= msMPIE
	}
	h.replaceMstatus(st)
	h.PC = vector(c.mtvec, cause)
	h.setPriv(PrivM)
}

func vector(tvec, cause uint64) uint64 {
	base := tvec &^ 3
	if tvec&1 != 0 && cause&causeInterrupt != 0 {
		return base + 4*(cause&^causeInterrupt)
	}
	return base
}

// interruptPriority lists interrupt causes from highest to lowest priority.
var interruptPriority = [...]uint64{11, 3, 7, 9, 1, 5}

// pendingInterrupt returns the interrupt the hart must take now, if any.
func (h *Hart) pendingInterrupt() (uint64, bool) {
	c := &h.csr
	// Which interrupts the current mode and global enables would let in.
	// Kernels run with interrupts off in every critical section (and the
	// board probes spinning harts there in steps of a few instructions),
	// and mip may need the host clock for Sstc: skip it when nothing could
	// be taken anyway.
	var takeable uint64
	if h.Priv < PrivM || c.mstatus&msMIE != 0 {
		takeable |= ^c.mideleg
	}
	if h.Priv < PrivS || (h.Priv == PrivS && c.mstatus&msSIE != 0) {
		takeable |= c.mideleg
	}
	if takeable&c.mie == 0 {
		return 0, false
	}
	pend := h.mipInRun() & c.mie
	if pend == 0 {
		return 0, false
	}
	if m := pend &^ c.mideleg; m != 0 && (h.Priv < PrivM || c.mstatus&msMIE != 0) {
		return highest(m), true
	}
	if s := pend & c.mideleg; s != 0 && (h.Priv < PrivS || (h.Priv == PrivS && c.mstatus&msSIE != 0)) {
		return highest(s), true
	}
	return 0, false
}

func highest(bits uint64) uint64 {
	for _, n := range interruptPriority {
		if bits>>n&1 != 0 {
			return n
		}
	}
	return 0
}

// takeInterrupt traps to the highest-priority enabled pending interrupt.
// The interrupted instruction is the one at PC (it has not executed).
func (h *Hart) takeInterrupt() bool {
	n, ok := h.pendingInterrupt()
	if !ok {
		return false
	}
	h.wfi = false
	h.interrupted = true
	h.trap(causeInterrupt|n, 0, h.PC)
	return true
}

// mret returns from an M-mode trap.
func (h *Hart) mret() {
	c := &h.csr
	prev := uint8(c.mstatus >> msMPPShift & 3)
	st := c.mstatus &^ (msMIE | msMPP)
	if c.mstatus&msMPIE != 0 {
		st |= msMIE
	}
	st |= msMPIE
	if prev != PrivM {
		st &^= msMPRV
	}
	h.replaceMstatus(st)
	h.PC = c.mepc
	h.setPriv(prev)
}

// sret returns from an S-mode trap.
func (h *Hart) sret() {
	c := &h.csr
	prev := uint8(PrivU)
	if c.mstatus&msSPP != 0 {
		prev = PrivS
	}
	st := c.mstatus &^ (msSIE | msSPP | msMPRV)
	if c.mstatus&msSPIE != 0 {
		st |= msSIE
	}
	st |= msSPIE
	h.replaceMstatus(st)
	h.PC = c.sepc
	h.setPriv(prev)
}
