package cpu

import (
	"math"
	"sync/atomic"

	"github.com/rvemu/rvemu/mmu"
)

// Privilege levels.
const (
	PrivU = 0
	PrivS = 1
	PrivM = 3
)

// noPage is a fetch page number no PC can have: pc>>12 < 1<<52.
const noPage = math.MaxUint64

// resvGranule is the LR/SC reservation size in bytes.
const resvGranule = 8

// Hart is one hardware thread. Its state is plain data: the board owns
// threading and runs harts one at a time.
type Hart struct {
	ID      int
	PC      uint64
	X       [32]uint64
	F       [32]uint64 // f0-f31; singles NaN-boxed (upper 32 bits all ones)
	Priv    uint8      // 0 U, 1 S, 3 M
	Instret uint64     // retired instructions (also minstret)

	sys *System
	ram []byte
	cc  *codeCache // the decode cache this hart executes from
	dev Devices    // what lies outside RAM: the bus, or the board's port to it

	// TLBs per access kind, all for the current translation context
	// (privilege, satp, SUM/MXR/MPRV): any change flushes them. stlb holds
	// only pages whose stores need no hook (no decoded code, no LR
	// reservation), so the fast path stores without looking at page
	// flags; stores to hooked pages find their translation in htlb.
	itlb, ltlb, stlb, htlb mmu.TLB

	// The decoded page the PC is in, keyed by virtual page number.
	fetchVPN  uint64
	fetchPage *codePage
	fetchOff  uint64    // RAM offset of fetchPage
	ctlb      codeTLB   // virtual page -> decoded page, for runFast
	oneInst   inst      // an instruction that is not cached
	scratch   *codePage // runUncached runs oneInst from here

	now      uint64 // mtime as last read within this Run
	nowValid bool
	stop     bool // set by slow paths to end Run early (MMIO, WFI)
	wfi      bool // stopped in WFI until an interrupt is pending
	// interrupted: an interrupt trap was taken since the last WFI. The
	// next WFI then completes at once (opWFI in system_ops.go).
	interrupted bool
	runStart    uint64

	csr csrState
	pmp mmu.PMP

	resvValid bool
	resvAddr  uint64 // physical, granule-aligned (serial); exact (parallel)
	resvValue uint64 // parallel mode: the value LR read, for SC's compare-and-swap

	par hartParallel // parallel mode's cross-hart requests (parallel.go)

	trapHook func(cause, epc, tval uint64, from, to uint8)
	storm    stormTrack // runs of identical exceptions (storm.go)

	bulk bulkCounts // what the bulk loops did (loop.go)

	jit jitHart // the translator's per-hart state (jit.go)

	// The debugger's state (debug.go), after everything Run touches per
	// instruction so that adding it moved none of that. held stops Run;
	// stopped says a Run stopped the hart for stoppedFor and has not
	// reported it yet; pass is the instruction a released hart runs
	// unchecked; wltlb and wstlb hold the pages a watchpoint keeps out of
	// ltlb and stlb/htlb, for the slow path only (a watched page's
	// accesses are checked without a walk each).
	held         atomic.Bool
	stopped      bool
	stoppedFor   DebugStop
	pass         passOnce
	wltlb, wstlb mmu.TLB
}

// Devices is what a hart reaches outside RAM (device registers, a boot
// ROM): the system's bus, or a board's port in front of it.
type Devices interface {
	Load(pa uint64, size int) (v uint64, ok bool)
	Store(pa uint64, size int, v uint64) (ok bool)
}

// SetDevices routes h's accesses outside RAM through d (nil: the bus
// itself). A board running harts on goroutines of their own puts its
// device lock there, and learns which hart makes each access.
func (h *Hart) SetDevices(d Devices) {
	if d == nil {
		d = h.sys.bus
	}
	h.dev = d
}

// SetTrapHook installs fn to be called on every trap the hart takes (nil
// removes it), with the privilege levels before and after; for tracing.
func (h *Hart) SetTrapHook(fn func(cause, epc, tval uint64, from, to uint8)) {
	h.trapHook = fn
}

// NewHart creates hart id in reset state: M-mode, pc 0.
func (s *System) NewHart(id int) *Hart {
	h := &Hart{ID: id, Priv: PrivM, sys: s, ram: s.ram, dev: s.bus, fetchVPN: noPage, cc: &s.codeCache}
	s.codeCache.users = append(s.codeCache.users, h)
	h.itlb.Reset()
	h.ctlb.reset()
	h.ltlb.Reset()
	h.stlb.Reset()
	h.htlb.Reset()
	h.wltlb.Reset()
	h.wstlb.Reset()
	h.csr.stimecmp = math.MaxUint64
	s.harts = append(s.harts, h)
	if e := s.codeCache.jit; e != nil {
		h.initJIT(e)
	}
	return h
}

// Reset puts the hart back in its reset state, as a board reset does:
// M-mode, pc 0, integer and FP registers, CSRs and PMP cleared, no LR
// reservation, not in WFI, every translation forgotten. What belongs to
// the host stays: the hart's number, its decode cache and translator
// state (the board reports RAM it rewrites through the bus's RAMWritten
// hook, as for DMA), its trap hook, and Instret, which keeps counting (the
// board's clocks and statistics run on across a reset).
func (h *Hart) Reset() {
	h.PC, h.X, h.F, h.Priv = 0, [32]uint64{}, [32]uint64{}, PrivM
	h.csr = csrState{stimecmp: math.MaxUint64}
	h.pmp = mmu.PMP{}
	h.resvValid, h.resvAddr, h.resvValue = false, 0, 0
	h.wfi, h.interrupted, h.stop, h.nowValid = false, false, false, false
	h.flushTLBs()
	h.fetchPage, h.fetchOff = nil, 0
	h.storm.n = 0
}

// SetIP drives one of the board-controlled mip bits (MSIP, MTIP, SEIP,
// MEIP). The board samples its devices and calls this each quantum.
func (h *Hart) SetIP(mask uint64, level bool) {
	mask &= ipMSIP | ipMTIP | ipSEIP | ipMEIP
	if level {
		h.csr.mipHW |= mask
	} else {
		h.csr.mipHW &^= mask
	}
}

// Waiting reports that the hart sits in WFI with no enabled interrupt
// pending, or is held by a debugger, so the board may skip it.
func (h *Hart) Waiting() bool {
	return h.wfi && h.mip()&h.csr.mie == 0 || h.held.Load()
}

// TimerDeadline is the Sstc compare value when the S-mode timer is in use.
func (h *Hart) TimerDeadline() (uint64, bool) {
	if h.csr.menvcfg&envcfgSTCE == 0 || h.csr.stimecmp == math.MaxUint64 {
		return 0, false
	}
	return h.csr.stimecmp, true
}

// Translate maps va as a load from the hart's current mode would, without
// setting A/D bits or raising anything.
func (h *Hart) Translate(va uint64) (uint64, bool) {
	ctx := h.dataContext()
	pa, _, ok := mmu.Translate(h.sys.bus, ctx, va, mmu.Load, false)
	return pa, ok
}

// flushTLBs empties all translation caches, O(1). It is called on every
// change of translation context, so it also records whether loads and
// stores are now untranslated, for translated code (jit.go).
func (h *Hart) flushTLBs() {
	h.itlb.Flush()
	h.ctlb.flush()
	h.ltlb.Flush()
	h.stlb.Flush()
	h.htlb.Flush()
	h.wltlb.Flush()
	h.wstlb.Flush()
	h.fetchVPN = noPage
	h.updateBare()
}

// setPriv changes privilege; translations depend on it.
func (h *Hart) setPriv(p uint8) {
	if p != h.Priv {
		h.Priv = p
		h.flushTLBs()
	}
}

// fetchContext/dataContext describe translation for fetches (current
// privilege) and loads/stores (MPRV applies MPP in M-mode).
func (h *Hart) fetchContext() mmu.Context {
	return mmu.Context{Satp: h.csr.satp, Priv: h.Priv}
}

func (h *Hart) dataContext() mmu.Context {
	st := h.csr.mstatus
	p := h.Priv
	if p == PrivM && st&msMPRV != 0 {
		p = uint8(st >> msMPPShift & 3)
	}
	return mmu.Context{Satp: h.csr.satp, Priv: p, SUM: st&msSUM != 0, MXR: st&msMXR != 0}
}

// activePMP is the hart's PMP when it has an enabled entry (nil: nothing
// to check).
func (h *Hart) activePMP() *mmu.PMP {
	if h.pmp.Active() {
		return &h.pmp
	}
	return nil
}
