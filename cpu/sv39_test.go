package cpu

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sv39Hart sets up: code VA 0x10000 -> RAM base (S, RWX), data VA 0x20000
// -> dataPA (U, RW, A/D clear), and an M handler at its physical address.
func sv39Hart(t *testing.T) (*testMachine, *Hart, *pageTables) {
	m, h := trapHart(t)
	pt := newPageTables(m, ramBase+0x40000)
	pt.mapRange(0x10000, ramBase, 0x1000, pteRWX)
	pt.mapPage(0x20000, dataPA, pteR|pteW|pteU)
	h.csr.satp = satpModeSv39<<60 | pt.root>>12
	h.Priv = PrivS
	h.PC = 0x10000
	return m, h, pt
}

func TestSv39FromHart(t *testing.T) {
	tests := []struct {
		name    string
		code    uint32
		x1      uint64
		mstatus uint64
		cause   uint64 // 0: no trap
	}{
		{"S load of U page without SUM", encLD(3, 1, 0), 0x20000, 0, causeLoadPage},
		{"S load of U page with SUM", encLD(3, 1, 0), 0x20000, msSUM, 0},
		{"store to unmapped page", encSD(1, 3, 8), 0x30000, 0, causeStorePage},
		{"jump to unmapped page", encJALR(0, 1, 0), 0x30000, 0, causeFetchPage},
		{"non-canonical load", encLD(3, 1, 0), 1 << 40, 0, causeLoadPage},
		{"amo needs store permission", encAMO(amoADD, 3, 5, 1, 0), 0x10000 + 0x100, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, h, _ := sv39Hart(t)
			m.load(ramBase, tt.code)
			h.X[1] = tt.x1
			h.csr.mstatus = tt.mstatus
			steps := 1
			if tt.cause == causeFetchPage {
				steps = 2 // the jump retires; the fetch at its target faults
			}
			h.Run(steps)
			if tt.cause == 0 {
				assert.Equal(t, uint64(0x10004), h.PC, "mcause %d", h.csr.mcause)
				return
			}
			require.Equal(t, uint64(mHandler), h.PC)
			assert.Equal(t, tt.cause, h.csr.mcause)
			want := tt.x1
			if tt.name == "store to unmapped page" {
				want += 8
			}
			assert.Equal(t, want, h.csr.mtval)
			epc := uint64(0x10000)
			if tt.cause == causeFetchPage {
				epc = tt.x1
			}
			assert.Equal(t, epc, h.csr.mepc)
		})
	}
}

func TestSv39SetsAccessedDirty(t *testing.T) {
	m, h, pt := sv39Hart(t)
	m.load(ramBase, encLD(3, 1, 0), encSD(1, 3, 0))
	h.X[1] = 0x20000
	h.csr.mstatus = msSUM
	leaf := pt.pteAddr(0x20000, 0)
	h.Run(1)
	assert.Equal(t, uint64(pteA), pt.read(leaf)&(pteA|pteD))
	h.Run(1)
	assert.Equal(t, uint64(pteA|pteD), pt.read(leaf)&(pteA|pteD))
}

// A remapped page is seen after sfence.vma.
func TestSfenceVMA(t *testing.T) {
	m, h, pt := sv39Hart(t)
	m.load(ramBase, encLD(3, 1, 0), encSFENCEVMA, encLD(4, 1, 0))
	require.NoError(t, m.bus.WriteU64(dataPA, 1))
	require.NoError(t, m.bus.WriteU64(dataPA+0x1000, 2))
	h.X[1] = 0x20000
	h.csr.mstatus = msSUM
	h.Run(1)
	pt.mapPage(0x20000, dataPA+0x1000, pteR|pteW|pteU)
	h.Run(2)
	assert.Equal(t, uint64(1), h.X[3])
	assert.Equal(t, uint64(2), h.X[4])
}

// In M-mode, MPRV makes loads and stores translate as MPP's mode.
func TestMPRV(t *testing.T) {
	m, h, _ := sv39Hart(t)
	m.load(ramBase, encLD(3, 1, 0))
	require.NoError(t, m.bus.WriteU64(dataPA, 0xabc))
	h.Priv = PrivM
	h.PC = ramBase
	h.X[1] = 0x20000
	h.csr.mstatus = msMPRV | PrivS<<msMPPShift | msSUM
	h.Run(1)
	assert.Equal(t, uint64(0xabc), h.X[3])
	assert.Equal(t, uint64(ramBase+4), h.PC)

	h.PC = ramBase
	h.csr.mstatus = msMPRV | PrivS<<msMPPShift // no SUM: U page faults
	h.flushTLBs()
	h.Run(1)
	assert.Equal(t, uint64(mHandler), h.PC)
	assert.Equal(t, uint64(causeLoadPage), h.csr.mcause)
}

func TestTranslateForDebugger(t *testing.T) {
	_, h, pt := sv39Hart(t)
	h.csr.mstatus = msSUM
	pa, ok := h.Translate(0x20010)
	require.True(t, ok)
	assert.Equal(t, uint64(dataPA+0x10), pa)
	assert.Zero(t, pt.read(pt.pteAddr(0x20000, 0))&pteA, "no A bit from a debugger look")
	_, ok = h.Translate(0x30000)
	assert.False(t, ok)
}
