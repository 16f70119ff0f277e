package cpu

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// execOne runs a single instruction at privilege priv with a trap vector
// set, and reports whether it trapped (and with what cause).
func execOne(t *testing.T, h *Hart, m *testMachine, priv uint8, code uint32) (trapped bool, cause uint64) {
	t.Helper()
	m.load(ramBase, code)
	h.PC = ramBase
	h.Priv = priv
	h.csr.mtvec = ramBase + 0x800
	h.csr.mcause = 0
	h.flushTLBs()
	h.Run(1)
	if h.PC == ramBase+0x800 {
		return true, h.csr.mcause
	}
	require.Equal(t, uint64(ramBase+4), h.PC)
	return false, 0
}

func TestCSRAccessRules(t *testing.T) {
	tests := []struct {
		name    string
		priv    uint8
		code    uint32
		illegal bool
	}{
		{"M reads mstatus", PrivM, encCSRRS(1, csrMstatus, 0), false},
		{"S reads mstatus", PrivS, encCSRRS(1, csrMstatus, 0), true},
		{"S reads sstatus", PrivS, encCSRRS(1, csrSstatus, 0), false},
		{"U reads sstatus", PrivU, encCSRRS(1, csrSstatus, 0), true},
		{"M writes mhartid", PrivM, encCSRRW(0, csrMhartid, 1), true},
		{"M reads mhartid", PrivM, encCSRRS(1, csrMhartid, 0), false},
		{"csrrs x0 on read-only does not write", PrivM, encCSRRS(1, csrMvendorid, 0), false},
		{"csrrs x1 on read-only writes", PrivM, encCSRRS(1, csrMvendorid, 1), true},
		{"write cycle is read-only", PrivM, encCSRRW(0, csrCycle, 1), true},
		{"unknown CSR", PrivM, encCSRRS(1, 0x7c0, 0), true},
		{"fcsr with FS Off", PrivM, encCSRRS(1, 0x003, 0), true},
		{"pmpcfg0 exists", PrivM, encCSRRW(0, csrPmpcfg0, 1), false},
		{"pmpcfg2 exists", PrivM, encCSRRS(1, csrPmpcfg2, 0), false},
		{"pmpcfg1 does not (RV64)", PrivM, encCSRRS(1, 0x3a1, 0), true},
		{"pmpcfg4 does not (16 entries)", PrivM, encCSRRS(1, 0x3a4, 0), true},
		{"pmpaddr15 exists", PrivM, encCSRRW(0, csrPmpaddr0+15, 1), false},
		{"pmpaddr16 does not", PrivM, encCSRRW(0, 0x3c0, 1), true},
		{"S reads pmpaddr0", PrivS, encCSRRS(1, csrPmpaddr0, 0), true},
		{"U cycle without counteren", PrivU, encCSRRS(1, csrCycle, 0), true},
		{"S time without mcounteren", PrivS, encCSRRS(1, csrTime, 0), true},
		{"S stimecmp without STCE", PrivS, encCSRRS(1, csrStimecmp, 0), true},
		{"M stimecmp without STCE", PrivM, encCSRRS(1, csrStimecmp, 0), false},
		{"satp in S", PrivS, encCSRRS(1, csrSatp, 0), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newTestMachine(t)
			h := m.hart(ramBase)
			h.X[1] = 1
			trapped, cause := execOne(t, h, m, tt.priv, tt.code)
			assert.Equal(t, tt.illegal, trapped)
			if tt.illegal {
				assert.Equal(t, uint64(causeIllegal), cause)
				assert.Equal(t, uint64(tt.code), h.csr.mtval)
			}
		})
	}
}

func TestCounterEnable(t *testing.T) {
	m := newTestMachine(t)
	h := m.hart(ramBase)
	m.now = 1234
	h.csr.mcounteren = 7
	trapped, _ := execOne(t, h, m, PrivS, encCSRRS(5, csrTime, 0))
	require.False(t, trapped)
	assert.Equal(t, uint64(1234), h.X[5])
	trapped, _ = execOne(t, h, m, PrivU, encCSRRS(5, csrTime, 0))
	assert.True(t, trapped, "U needs scounteren too")
	h.csr.scounteren = 2
	trapped, _ = execOne(t, h, m, PrivU, encCSRRS(5, csrTime, 0))
	assert.False(t, trapped)
	trapped, _ = execOne(t, h, m, PrivU, encCSRRS(5, csrInstret, 0))
	assert.True(t, trapped)
}

func TestCSRValues(t *testing.T) {
	m := newTestMachine(t)
	h := m.hart(ramBase)
	tests := []struct {
		name  string
		csr   uint16
		write uint64
		want  uint64
	}{
		{"misa is RV64 ACDFIMSU", csrMisa, 0, 2<<62 | 0x14112d},
		{"mstatus keeps writable bits, FS Dirty sets SD", csrMstatus, ^uint64(0), 0x7e79aa | 2<<32 | 2<<34 | 1<<63},
		{"mstatus MPP=2 is kept as before", csrMstatus, 2 << 11, 3<<11 | 2<<32 | 2<<34},
		{"mstatus FS Initial", csrMstatus, 1 << 13, 1<<13 | 2<<32 | 2<<34},
		{"sstatus view", csrSstatus, ^uint64(0), 0xc6122 | 2<<32 | 1<<63},
		{"fcsr keeps 8 bits", csrFcsr, ^uint64(0), 0xff},
		{"frm view", csrFrm, 0, 7},
		{"fflags view", csrFflags, 0, 0x1f},
		{"fflags write", csrFflags, 0x3, 0x3},
		{"fcsr after fflags write", csrFcsr, 0, 0xe3},
		{"medeleg cannot delegate ecall from M", csrMedeleg, ^uint64(0), 0xb3ff},
		{"mideleg only S interrupts", csrMideleg, ^uint64(0), 0x222},
		{"mtvec mode 2 is not kept", csrMtvec, 0x80000002, 0x80000000},
		{"mtvec vectored", csrMtvec, 0x80000001, 0x80000001},
		{"mepc bit 0 clear", csrMepc, 0x80000003, 0x80000002},
		{"satp Sv48 ignored", csrSatp, 9<<60 | 5, 0},
		{"satp Sv39 kept", csrSatp, 8<<60 | 5, 8<<60 | 5},
		{"pmpaddr0 keeps address bits 55:2", csrPmpaddr0, ^uint64(0), 1<<54 - 1},
		{"pmpcfg0: bits 6:5 read 0, W without R is ignored", csrPmpcfg0, 0x0102_0306_1f60_e20f, 0x0100_0300_1f00_000f},
		{"menvcfg STCE", csrMenvcfg, ^uint64(0), 1<<63 | 1},
		{"mip software bits", csrMip, ^uint64(0), 0x22 /* STIP is Sstc's now; SSIP; SEIP below */ | 0x200},
		{"mhartid", csrMhartid, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.write != 0 {
				h.WriteCSR(tt.csr, tt.write)
			}
			got := h.ReadCSR(tt.csr)
			if tt.csr == csrMip {
				// STCE is on from the menvcfg case and mtime (0) is below
				// stimecmp: STIP reads 0 and the write could not set it.
				tt.want &^= ipSTIP
			}
			assert.Equal(t, tt.want, got, "%#x", got)
		})
	}
}

func TestCounters(t *testing.T) {
	m := newTestMachine(t)
	m.load(ramBase, encNOP, encNOP, encCSRRS(5, csrMinstret, 0), encCSRRW(0, csrMinstret, 1), encCSRRS(6, csrMinstret, 0), encCSRRS(7, csrMcycle, 0))
	h := m.hart(ramBase)
	h.X[1] = 100
	require.Equal(t, 6, h.Run(6))
	assert.Equal(t, uint64(2), h.X[5], "instret counts retired instructions before the read")
	assert.Equal(t, uint64(100), h.X[6], "the write is what the next instruction sees")
	assert.Equal(t, uint64(101), h.X[7], "mcycle follows retired instructions")
	assert.Equal(t, uint64(102), h.Instret)
}

func TestSetIPOnlyDrivesBoardBits(t *testing.T) {
	m := newTestMachine(t)
	h := m.hart(ramBase)
	h.SetIP(^uint64(0), true)
	assert.Equal(t, uint64(ipMSIP|ipMTIP|ipSEIP|ipMEIP), h.ReadCSR(csrMip))
	h.SetIP(ipMTIP, false)
	assert.Equal(t, uint64(ipMSIP|ipSEIP|ipMEIP), h.ReadCSR(csrMip))
	// Software SEIP and the board's line are ORed: clearing one keeps the other.
	h.WriteCSR(csrMip, ipSEIP)
	h.SetIP(ipSEIP, false)
	assert.NotZero(t, h.ReadCSR(csrMip)&ipSEIP)
}

// csrs/csrc on mip modify the software SEIP bit, never latch the PLIC's
// line that reads show ORed in (an M-mode timer handler that posts SSIP
// with csrs while SEIP is up must not leave SEIP stuck).
func TestMipSetClearLeavesBoardSEIP(t *testing.T) {
	m := newTestMachine(t)
	m.load(ramBase, encCSRRS(5, csrMip, 1), encCSRRC(6, csrMip, 2))
	h := m.hart(ramBase)
	h.X[1] = ipSSIP
	h.X[2] = ipSSIP
	h.SetIP(ipSEIP, true)
	require.Equal(t, 2, h.Run(2))
	assert.NotZero(t, h.X[5]&ipSEIP, "reads see the line")
	h.SetIP(ipSEIP, false)
	assert.Zero(t, h.ReadCSR(csrMip)&ipSEIP, "SEIP follows the line once it drops")
}
