package cpu

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	mHandler = ramBase + 0x800
	sHandler = ramBase + 0xc00
)

// trapHart returns a hart with both trap vectors set and a spin loop at
// each handler so a trap is visible as the PC resting there.
func trapHart(t *testing.T) (*testMachine, *Hart) {
	m := newTestMachine(t)
	m.load(mHandler, encJAL(0, 0))
	m.load(sHandler, encJAL(0, 0))
	h := m.hart(ramBase)
	h.csr.mtvec = mHandler
	h.csr.stvec = sHandler
	return m, h
}

func TestExceptionDelegation(t *testing.T) {
	tests := []struct {
		name     string
		priv     uint8
		medeleg  uint64
		code     uint32
		wantPC   uint64
		cause    uint64
		tval     uint64
		wantPriv uint8
	}{
		{"ecall U to M", PrivU, 0, encECALL, mHandler, causeEcallU, 0, PrivM},
		{"ecall U delegated to S", PrivU, 1 << causeEcallU, encECALL, sHandler, causeEcallU, 0, PrivS},
		{"ecall S delegated stays S", PrivS, 1 << causeEcallS, encECALL, sHandler, causeEcallS, 0, PrivS},
		{"ecall M never delegated", PrivM, 0xffff, encECALL, mHandler, causeEcallM, 0, PrivM},
		{"ebreak tval is pc", PrivM, 0, encEBREAK, mHandler, causeBreakpoint, ramBase, PrivM},
		{"mret from S is illegal", PrivS, 0, encMRET, mHandler, causeIllegal, encMRET, PrivM},
		{"sret from U is illegal", PrivU, 0, encSRET, mHandler, causeIllegal, encSRET, PrivM},
		{"wfi from U is illegal", PrivU, 0, encWFI, mHandler, causeIllegal, encWFI, PrivM},
		{"sfence.vma from U is illegal", PrivU, 0, encSFENCEVMA, mHandler, causeIllegal, encSFENCEVMA, PrivM},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, h := trapHart(t)
			m.load(ramBase, tt.code)
			h.Priv = tt.priv
			h.csr.medeleg = tt.medeleg
			h.csr.mstatus = msSIE | msMIE
			h.Run(1)
			require.Equal(t, tt.wantPC, h.PC)
			assert.Equal(t, tt.wantPriv, h.Priv)
			if tt.wantPC == sHandler {
				assert.Equal(t, tt.cause, h.csr.scause)
				assert.Equal(t, tt.tval, h.csr.stval)
				assert.Equal(t, uint64(ramBase), h.csr.sepc)
				assert.Equal(t, tt.priv == PrivS, h.csr.mstatus&msSPP != 0)
				assert.NotZero(t, h.csr.mstatus&msSPIE)
				assert.Zero(t, h.csr.mstatus&msSIE)
			} else {
				assert.Equal(t, tt.cause, h.csr.mcause)
				assert.Equal(t, tt.tval, h.csr.mtval)
				assert.Equal(t, uint64(ramBase), h.csr.mepc)
				assert.Equal(t, uint64(tt.priv), h.csr.mstatus>>msMPPShift&3)
				assert.NotZero(t, h.csr.mstatus&msMPIE)
				assert.Zero(t, h.csr.mstatus&msMIE)
			}
			assert.Zero(t, h.Instret, "a trapping instruction does not retire")
		})
	}
}

func TestTrapPrivilegeRules(t *testing.T) {
	tests := []struct {
		name    string
		priv    uint8
		mstatus uint64
		code    uint32
		illegal bool
	}{
		{"sret in S with TSR", PrivS, msTSR, encSRET, true},
		{"wfi in S with TW", PrivS, msTW, encWFI, true},
		{"sfence.vma in S with TVM", PrivS, msTVM, encSFENCEVMA, true},
		{"satp in S with TVM", PrivS, msTVM, encCSRRS(1, csrSatp, 0), true},
		{"sfence.vma in S", PrivS, 0, encSFENCEVMA, false},
		{"satp in M with TVM", PrivM, msTVM, encCSRRS(1, csrSatp, 0), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, h := trapHart(t)
			m.load(ramBase, tt.code)
			h.Priv = tt.priv
			h.csr.mstatus = tt.mstatus
			h.Run(1)
			assert.Equal(t, tt.illegal, h.PC == mHandler)
		})
	}
}

func TestMretSret(t *testing.T) {
	m, h := trapHart(t)
	m.load(ramBase, encMRET)
	h.csr.mepc = ramBase + 0x100
	h.csr.mstatus = msMPIE | PrivS<<msMPPShift | msMPRV
	h.Run(1)
	assert.Equal(t, uint64(ramBase+0x100), h.PC)
	assert.Equal(t, uint8(PrivS), h.Priv)
	assert.Equal(t, uint64(msMIE|msMPIE), h.csr.mstatus, "MIE=MPIE, MPIE=1, MPP=U, MPRV cleared")
	assert.Equal(t, uint64(1), h.Instret)

	m.load(ramBase+0x100, encSRET)
	h.csr.sepc = ramBase + 0x200
	h.csr.mstatus |= msSPIE | msSPP
	h.Run(1)
	assert.Equal(t, uint64(ramBase+0x200), h.PC)
	assert.Equal(t, uint8(PrivS), h.Priv)
	assert.Equal(t, uint64(msMIE|msMPIE|msSIE|msSPIE), h.csr.mstatus)
}

func TestInterrupts(t *testing.T) {
	tests := []struct {
		name     string
		priv     uint8
		mstatus  uint64
		mie      uint64
		mideleg  uint64
		pending  uint64
		wantPC   uint64
		cause    uint64
		vectored bool
	}{
		{"MTI in M with MIE", PrivM, msMIE, ipMTIP, 0, ipMTIP, mHandler, 7, false},
		{"MTI in M without MIE waits", PrivM, 0, ipMTIP, 0, ipMTIP, ramBase + 4, 0, false},
		{"MTI in S ignores MIE", PrivS, 0, ipMTIP, 0, ipMTIP, mHandler, 7, false},
		{"MTI masked by mie", PrivS, 0, 0, 0, ipMTIP, ramBase + 4, 0, false},
		{"MEI beats MTI", PrivU, 0, ipMTIP | ipMEIP, 0, ipMTIP | ipMEIP, mHandler, 11, false},
		{"SEI delegated in U", PrivU, 0, ipSEIP, ipSEIP, ipSEIP, sHandler, 9, false},
		{"SEI delegated in S needs SIE", PrivS, 0, ipSEIP, ipSEIP, ipSEIP, ramBase + 4, 0, false},
		{"SEI delegated in S with SIE", PrivS, msSIE, ipSEIP, ipSEIP, ipSEIP, sHandler, 9, false},
		{"S interrupt never taken in M", PrivM, msMIE | msSIE, ipSEIP, ipSEIP, ipSEIP, ramBase + 4, 0, false},
		{"M interrupt before S", PrivU, 0, ipSEIP | ipMSIP, ipSEIP, ipSEIP | ipMSIP, mHandler, 3, false},
		{"vectored", PrivM, msMIE, ipMTIP, 0, ipMTIP, mHandler + 4*7, 7, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, h := trapHart(t)
			m.load(ramBase, encNOP)
			m.load(mHandler+4*7, encJAL(0, 0))
			h.Priv = tt.priv
			h.csr.mstatus = tt.mstatus
			h.csr.mie = tt.mie
			h.csr.mideleg = tt.mideleg
			if tt.vectored {
				h.csr.mtvec |= 1
			}
			h.SetIP(tt.pending, true)
			h.Run(1)
			require.Equal(t, tt.wantPC, h.PC)
			if tt.cause != 0 {
				mcause := h.csr.mcause
				if tt.wantPC == sHandler {
					mcause = h.csr.scause
				}
				assert.Equal(t, uint64(causeInterrupt)|tt.cause, mcause)
			}
		})
	}
}

// A CSR write that unmasks a pending interrupt takes it before the next
// instruction, with epc pointing after the write.
func TestInterruptAfterUnmask(t *testing.T) {
	m, h := trapHart(t)
	m.load(ramBase, encCSRRS(0, csrMstatus, 1), encNOP)
	h.X[1] = msMIE
	h.csr.mie = ipMSIP
	h.SetIP(ipMSIP, true)
	n := h.Run(1)
	assert.Equal(t, 1, n)
	assert.Equal(t, uint64(mHandler), h.PC)
	assert.Equal(t, uint64(ramBase+4), h.csr.mepc)
}

func TestWFI(t *testing.T) {
	m, h := trapHart(t)
	m.load(ramBase, encWFI, encNOP)
	h.csr.mie = ipMTIP
	n := h.Run(100)
	assert.Equal(t, 1, n, "wfi retires and stops the run")
	assert.True(t, h.Waiting())
	assert.Equal(t, 0, h.Run(100), "nothing pending: no progress")

	// A pending enabled interrupt wakes the hart even with MIE clear
	// (execution resumes after the wfi without a trap).
	h.SetIP(ipMTIP, true)
	assert.False(t, h.Waiting())
	assert.Equal(t, 1, h.Run(1))
	assert.Equal(t, uint64(ramBase+8), h.PC)
}

// The first WFI after an interrupt trap completes at once; the next one
// waits. xv6 up to 2023 takes a disk interrupt in the middle of its
// scheduler's scan and then waits: the extra pass finds the woken process.
func TestWFIAfterInterruptCompletesOnce(t *testing.T) {
	m, h := trapHart(t)
	m.load(mHandler, encWFI, encWFI, encNOP)
	h.csr.mie = ipMSIP
	h.csr.mstatus = msMIE
	h.SetIP(ipMSIP, true)
	require.True(t, h.takeInterrupt())
	require.Equal(t, uint64(mHandler), h.PC)
	h.SetIP(ipMSIP, false) // the handler's work: nothing pending any more

	assert.Equal(t, 2, h.Run(100), "the first wfi completes, the second retires and waits")
	assert.Equal(t, uint64(mHandler+8), h.PC)
	assert.True(t, h.Waiting())
}

func TestSstcTimer(t *testing.T) {
	m, h := trapHart(t)
	m.load(ramBase, encJAL(0, 0))
	h.Priv = PrivS
	h.csr.menvcfg = envcfgSTCE
	h.csr.mcounteren = 2
	h.csr.mideleg = ipSTIP
	h.csr.mie = ipSTIP
	h.csr.mstatus = msSIE
	_, ok := h.TimerDeadline()
	assert.False(t, ok, "stimecmp at its reset value arms nothing")

	h.WriteCSR(csrStimecmp, 1000)
	d, ok := h.TimerDeadline()
	require.True(t, ok)
	assert.Equal(t, uint64(1000), d)

	m.now = 999
	h.Run(10)
	assert.Equal(t, uint64(ramBase), h.PC)
	assert.Zero(t, h.ReadCSR(csrSip)&ipSTIP)

	m.now = 1000
	assert.NotZero(t, h.ReadCSR(csrSip)&ipSTIP)
	h.Run(10)
	assert.Equal(t, uint64(sHandler), h.PC)
	assert.Equal(t, uint64(causeInterrupt|5), h.csr.scause)

	// Software cannot clear STIP under Sstc; a new stimecmp does.
	h.WriteCSR(csrMip, 0)
	assert.NotZero(t, h.ReadCSR(csrMip)&ipSTIP)
	h.WriteCSR(csrStimecmp, 2000)
	assert.Zero(t, h.ReadCSR(csrMip)&ipSTIP)
}

// A WFI hart with the Sstc timer wakes when mtime passes stimecmp.
func TestWFIWakesOnSstc(t *testing.T) {
	m, h := trapHart(t)
	m.load(ramBase, encWFI, encNOP)
	h.csr.menvcfg = envcfgSTCE
	h.csr.mie = ipSTIP
	h.csr.stimecmp = 50
	h.Run(10)
	assert.True(t, h.Waiting())
	m.now = 50
	assert.False(t, h.Waiting())
}

func TestTrapHook(t *testing.T) {
	m, h := trapHart(t)
	m.load(ramBase, encECALL)
	h.Priv = PrivU
	type event struct {
		cause, epc, tval uint64
		from, to         uint8
	}
	var got []event
	h.SetTrapHook(func(cause, epc, tval uint64, from, to uint8) {
		got = append(got, event{cause, epc, tval, from, to})
	})
	h.Run(1)
	assert.Equal(t, []event{{causeEcallU, ramBase, 0, PrivU, PrivM}}, got)
}

// A hart that does nothing but trap still ends its Run: every attempt
// counts against the budget, though only retired instructions are returned.
func TestTrapLoopEndsRun(t *testing.T) {
	m := newTestMachine(t)
	m.load(ramBase, 0) // illegal, and mtvec points at it
	h := m.hart(ramBase)
	h.csr.mtvec = ramBase
	assert.Equal(t, 0, h.Run(1000))
	assert.Equal(t, uint64(causeIllegal), h.csr.mcause)
}

// With interrupts masked by the mode's global enable, Run takes nothing
// and does not read the clock (the board probes spinning harts inside
// critical sections a few instructions at a time); once enabled, the
// expired Sstc timer is taken.
func TestMaskedInterruptsSkipClock(t *testing.T) {
	m, h := trapHart(t)
	m.load(ramBase, encJAL(0, 0))
	reads := 0
	m.sys.mtime = func() uint64 { reads++; return m.now }
	h.Priv = PrivS
	h.csr.menvcfg = envcfgSTCE
	h.csr.mideleg = ipSTIP
	h.csr.mie = ipSTIP
	h.csr.stimecmp = 10
	m.now = 20

	for _, c := range []struct {
		name    string
		mstatus uint64
		reads   int
		pc      uint64
	}{
		{"SIE off", 0, 0, ramBase},
		{"SIE on", msSIE, 1, sHandler},
	} {
		reads = 0
		h.csr.mstatus = c.mstatus
		h.Run(4)
		assert.Equal(t, c.reads, reads, c.name)
		assert.Equal(t, c.pc, h.PC, c.name)
	}
}
