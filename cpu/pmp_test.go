package cpu

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/mmu"
)

// A hart whose PMP was never programmed runs S and U code unchecked: the
// xv6 2019/2020 lab kernels mret into S without touching PMP.
func TestPMPUnprogrammedLetsSRun(t *testing.T) {
	m := newTestMachine(t)
	m.load(ramBase, encLD(5, 6, 0), encSD(6, 5, 8), encJAL(0, 0))
	h := m.hart(ramBase)
	h.setPriv(PrivS)
	h.X[6] = ramBase + 0x800
	h.Run(3)
	assert.Equal(t, uint64(3), h.Instret)
	assert.Equal(t, uint64(PrivS), uint64(h.Priv))
}

// PMP verdicts that translations cached in the TLBs carry are dropped
// when PMP changes, and a split page is checked per access.
func TestPMPEnforcedThroughTLBs(t *testing.T) {
	const data = ramBase + 0x2000
	m := newTestMachine(t)
	// lw x5, 0(x6); sw x5, 4(x6); jal x0, 0 (spin)
	m.load(ramBase, encLW(5, 6, 0), encSW(6, 5, 4), encJAL(0, 0))
	h := m.hart(ramBase)
	h.csr.mtvec = ramBase + 0x800
	m.load(ramBase+0x800, encJAL(0, 0))
	h.X[6] = data
	run := func() (cause uint64, trapped bool) {
		h.PC, h.csr.mcause = ramBase, 0
		h.setPriv(PrivS)
		h.Run(2)
		if h.Priv == PrivM {
			return h.csr.mcause, true
		}
		return 0, false
	}
	// Everything allowed: both run, and the pages are now in the TLBs.
	h.WriteCSR(csrPmpaddr0, ^uint64(0))
	h.WriteCSR(csrPmpcfg0, 0x1f)
	_, trapped := run()
	require.False(t, trapped)

	// Entry 0: the word at data+4 read-only; entry 1: everything. The
	// store TLB held the page: it must not let the store through now.
	h.WriteCSR(csrPmpaddr0, (data+4)>>2)
	h.WriteCSR(csrPmpaddr0+1, ^uint64(0))
	h.WriteCSR(csrPmpcfg0, 0x1f11)
	for i := 0; i < 3; i++ {
		before := h.Instret
		cause, trapped := run()
		assert.True(t, trapped)
		assert.Equal(t, uint64(causeStoreAccess), cause)
		assert.Equal(t, uint64(data+4), h.csr.mtval)
		assert.Equal(t, before+1, h.Instret, "the load retired")
	}

	// The read-only word at data instead: the page is split, not refused.
	h.WriteCSR(csrPmpaddr0, data>>2)
	_, trapped = run()
	assert.False(t, trapped)

	// No X for the code: the fetch faults.
	h.WriteCSR(csrPmpaddr0, ^uint64(0))
	h.WriteCSR(csrPmpcfg0, 0x1b) // NAPOT R W
	cause, trapped := run()
	assert.True(t, trapped)
	assert.Equal(t, uint64(causeFetchAccess), cause)
	assert.Equal(t, uint64(ramBase), h.csr.mtval)
	assert.True(t, h.pmp.Active())
	assert.Equal(t, uint64(0x1b), h.ReadCSR(csrPmpcfg0))
	assert.False(t, h.pmp.PageAllowed(ramBase, mmu.Fetch, PrivS))
}
