package cpu

import "github.com/rvemu/rvemu/mmu"

// What a debugger and the board ask of a hart besides running it, so that
// they need not know CSR numbers and bits.

// InterruptPending reports that an enabled interrupt is pending (mip & mie
// != 0), whether or not the current mode takes it now: the next Run enters
// its handler first if it does.
func (h *Hart) InterruptPending() bool { return h.mip()&h.csr.mie != 0 }

// InterruptsOn reports that h takes interrupts in its current mode: always
// in U, with sstatus.SIE in S, with mstatus.MIE in M. Kernels hold
// spinlocks with them off.
func (h *Hart) InterruptsOn() bool {
	switch h.Priv {
	case PrivU:
		return true
	case PrivS:
		return h.csr.mstatus&msSIE != 0
	default:
		return h.csr.mstatus&msMIE != 0
	}
}

// SetPriv changes the privilege from outside (a debugger writing $priv),
// dropping the translations that depended on the old one.
func (h *Hart) SetPriv(p uint8) {
	h.Priv = p
	h.flushTLBs()
}

// DebugTranslate maps va as a debugger reads data: through the page table
// when the hart's loads are paged (MPRV applied), but ignoring the U/S and
// execute-only restrictions (a debugger stopped in the kernel reads user
// memory too), and without setting A/D bits or raising anything.
func (h *Hart) DebugTranslate(va uint64) (uint64, bool) {
	ctx := h.dataContext()
	if !ctx.Paged() {
		return va, true
	}
	ctx.Priv, ctx.SUM, ctx.MXR = PrivS, true, true
	pa, _, ok := mmu.Translate(h.sys.bus, ctx, va, mmu.Load, false)
	return pa, ok
}

// InWFI reports that h sits in WFI with no enabled interrupt pending,
// whether or not a debugger holds it (Waiting includes the hold): what
// QEMU's monitor calls a halted CPU.
func (h *Hart) InWFI() bool { return h.wfi && h.mip()&h.csr.mie == 0 }
