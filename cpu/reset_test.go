package cpu

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// After Reset a hart is, architecturally, the hart NewHart makes: whatever
// state it had (privilege, registers, CSRs, PMP, a reservation, WFI,
// cached translations), and it runs code placed at its new pc.
func TestHartResetIsAFreshHart(t *testing.T) {
	m := newTestMachine(t)
	m.load(ramBase, encADDI(10, 0, 7), encJAL(0, 0))
	h := m.hart(ramBase)
	h.Run(50) // decoded, TLBs and fetch state filled
	for i := range h.X {
		h.X[i], h.F[i] = uint64(i)*3, uint64(i)*5
	}
	h.Priv = PrivS
	h.csr.mtvec, h.csr.satp, h.csr.mie, h.csr.stimecmp, h.csr.mscratch = 0x80000800, 8<<60|0x80123, 0xaaa, 77, 1
	h.WriteCSR(0x3b0, 0x3fffffffffffff) // pmpaddr0
	h.WriteCSR(0x3a0, 0x1f)             // pmpcfg0: NAPOT RWX
	require.NotEqual(t, m.sys.NewHart(9).pmp, h.pmp)
	h.resvValid, h.resvAddr, h.wfi, h.interrupted = true, ramBase+64, true, true
	instret := h.Instret
	require.NotZero(t, instret)

	h.Reset()
	fresh := m.sys.NewHart(h.ID)
	assert.Equal(t, fresh.PC, h.PC)
	assert.Equal(t, fresh.X, h.X)
	assert.Equal(t, fresh.F, h.F)
	assert.Equal(t, fresh.Priv, h.Priv)
	assert.Equal(t, fresh.csr, h.csr)
	assert.Equal(t, fresh.pmp, h.pmp)
	assert.Equal(t, [3]any{false, uint64(0), false}, [3]any{h.resvValid, h.resvAddr, h.wfi})
	assert.False(t, h.Waiting())
	assert.Equal(t, instret, h.Instret, "the retired count runs on")

	m.load(ramBase+0x100, encADDI(11, 0, 9), encJAL(0, 0))
	h.PC = ramBase + 0x100
	h.Run(10)
	assert.Equal(t, uint64(9), h.X[11], "runs from its new pc")
	assert.Equal(t, uint64(0), h.X[10])
}
