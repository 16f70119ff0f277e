package cpu

import (
	"unsafe"

	"github.com/rvemu/rvemu/mmu"
)

// What the back ends (jit_amd64.go, jit_arm64.go) share: where generated
// code finds the hart's state, and facts about a block's plan.

// Offsets in Hart that generated code reads and writes.
const (
	offX        = int32(unsafe.Offsetof(Hart{}.X))
	offPC       = int32(unsafe.Offsetof(Hart{}.PC))
	offPriv     = int32(unsafe.Offsetof(Hart{}.Priv))
	offMstatus  = int32(unsafe.Offsetof(Hart{}.csr) + unsafe.Offsetof(csrState{}.mstatus))
	offMipHW    = int32(unsafe.Offsetof(Hart{}.csr) + unsafe.Offsetof(csrState{}.mipHW))
	offMipSW    = int32(unsafe.Offsetof(Hart{}.csr) + unsafe.Offsetof(csrState{}.mipSW))
	offMie      = int32(unsafe.Offsetof(Hart{}.csr) + unsafe.Offsetof(csrState{}.mie))
	offMenvcfg  = int32(unsafe.Offsetof(Hart{}.csr) + unsafe.Offsetof(csrState{}.menvcfg))
	offStimecmp = int32(unsafe.Offsetof(Hart{}.csr) + unsafe.Offsetof(csrState{}.stimecmp))
	offNow      = int32(unsafe.Offsetof(Hart{}.now))
	offNowValid = int32(unsafe.Offsetof(Hart{}.nowValid))
	offLTLB     = int32(unsafe.Offsetof(Hart{}.ltlb))
	offSTLB     = int32(unsafe.Offsetof(Hart{}.stlb))
	offEpoch    = int32(unsafe.Offsetof(Hart{}.ctlb) + unsafe.Offsetof(codeTLB{}.epoch))
	offJC       = int32(unsafe.Offsetof(Hart{}.jit) + unsafe.Offsetof(jitHart{}.jc))
	offLink     = int32(unsafe.Offsetof(Hart{}.jit) + unsafe.Offsetof(jitHart{}.link))
	offLogPos   = int32(unsafe.Offsetof(Hart{}.jit) + unsafe.Offsetof(jitHart{}.logPos))
	offLogEnd   = int32(unsafe.Offsetof(Hart{}.jit) + unsafe.Offsetof(jitHart{}.logEnd))
	offBare     = int32(unsafe.Offsetof(Hart{}.jit) + unsafe.Offsetof(jitHart{}.bare))
	offFlags    = int32(unsafe.Offsetof(Hart{}.jit) + unsafe.Offsetof(jitHart{}.flags))
	tlbGen      = int32(mmu.TLBGenOffset)
	tlbEntries  = int32(mmu.TLBEntriesOffset)
	tlbAdd      = int32(mmu.TLBEntryAddOff)
)

// The generated TLB probe and jump-cache probe assume these shapes.
var (
	_ [16 - mmu.TLBEntrySize]byte
	_ [mmu.TLBEntrySize - 16]byte
	_ [256 - mmu.TLBSize]byte
	_ [mmu.TLBSize - 256]byte
	_ [32 - unsafe.Sizeof(jcEntry{})]byte
	_ [unsafe.Sizeof(jcEntry{}) - 32]byte
)

// directTarget is where a branch or direct jump goes when taken.
func directTarget(in *jitInst) (uint64, bool) {
	switch {
	case in.op >= opBEQ && in.op <= opBGEU, in.op == opJAL, in.op == opJ:
		return in.pc + uint64(in.imm), true
	}
	return 0, false
}

// stores counts the plan's stores and AMOs (for lockstep's log).
func (p *blockPlan) stores() int {
	n := 0
	for i := range p.insts {
		if op := p.insts[i].op; op >= opSB && op <= opSD || op == opAMOW || op == opAMOD {
			n++
		}
	}
	return n
}
