package cpu

import "github.com/rvemu/rvemu/mmu"

// CSR numbers this hart implements.
const (
	csrSstatus    = 0x100
	csrSie        = 0x104
	csrStvec      = 0x105
	csrScounteren = 0x106
	csrSenvcfg    = 0x10a
	csrSscratch   = 0x140
	csrSepc       = 0x141
	csrScause     = 0x142
	csrStval      = 0x143
	csrSip        = 0x144
	csrStimecmp   = 0x14d
	csrSatp       = 0x180

	csrMstatus       = 0x300
	csrMisa          = 0x301
	csrMedeleg       = 0x302
	csrMideleg       = 0x303
	csrMie           = 0x304
	csrMtvec         = 0x305
	csrMcounteren    = 0x306
	csrMenvcfg       = 0x30a
	csrMcountinhibit = 0x320
	csrMscratch      = 0x340
	csrMepc          = 0x341
	csrMcause        = 0x342
	csrMtval         = 0x343
	csrMip           = 0x344

	csrPmpcfg0  = 0x3a0 // and pmpcfg2 = 0x3a2; RV64 has no odd pmpcfg
	csrPmpcfg2  = 0x3a2
	csrPmpaddr0 = 0x3b0 // to pmpaddr15 (mmu.PMPEntries)

	csrTselect = 0x7a0
	csrTdata1  = 0x7a1
	csrTdata3  = 0x7a3
	csrTinfo   = 0x7a4

	csrMcycle        = 0xb00
	csrMinstret      = 0xb02
	csrMhpmcounter3  = 0xb03
	csrMhpmcounter31 = 0xb1f
	csrMhpmevent3    = 0x323
	csrMhpmevent31   = 0x33f

	csrCycle        = 0xc00
	csrTime         = 0xc01
	csrInstret      = 0xc02
	csrHpmcounter3  = 0xc03
	csrHpmcounter31 = 0xc1f
	csrMvendorid    = 0xf11
	csrMarchid      = 0xf12
	csrMimpid       = 0xf13
	csrMhartid      = 0xf14
	csrMconfigptr   = 0xf15
)

// mstatus bits.
const (
	msSIE      = 1 << 1
	msMIE      = 1 << 3
	msSPIE     = 1 << 5
	msMPIE     = 1 << 7
	msSPP      = 1 << 8
	msMPPShift = 11
	msMPP      = 3 << msMPPShift
	msMPRV     = 1 << 17
	msSUM      = 1 << 18
	msMXR      = 1 << 19
	msTVM      = 1 << 20
	msTW       = 1 << 21
	msTSR      = 1 << 22
	msUXL      = 2 << 32 // 64-bit U-mode, read-only
	msSXL      = 2 << 34 // 64-bit S-mode, read-only

	mstatusWritable = msSIE | msMIE | msSPIE | msMPIE | msSPP | msMPP |
		msFS | msMPRV | msSUM | msMXR | msTVM | msTW | msTSR
	sstatusVisible  = msSIE | msSPIE | msSPP | msFS | msSUM | msMXR | msUXL | msSD
	sstatusWritable = msSIE | msSPIE | msSPP | msFS | msSUM | msMXR
)

// Interrupt bits of mip/mie.
const (
	ipSSIP = 1 << 1
	ipMSIP = 1 << 3
	ipSTIP = 1 << 5
	ipMTIP = 1 << 7
	ipSEIP = 1 << 9
	ipMEIP = 1 << 11

	ipSBits       = ipSSIP | ipSTIP | ipSEIP
	ipAll         = ipSBits | ipMSIP | ipMTIP | ipMEIP
	mipSWWritable = ipSSIP | ipSTIP | ipSEIP
)

const (
	envcfgFIOM = 1 << 0
	envcfgSTCE = 1 << 63

	// Exceptions that S-mode may be delegated: all but ecall from M.
	medelegWritable = 0xb3ff

	misaValue = 2<<62 | 1<<('A'-'A') | 1<<('C'-'A') | 1<<('D'-'A') | 1<<('F'-'A') |
		1<<('I'-'A') | 1<<('M'-'A') | 1<<('S'-'A') | 1<<('U'-'A')

	satpModeSv39 = 8
	satpASIDPPN  = (1<<60 - 1)
)

type csrState struct {
	mstatus    uint64
	medeleg    uint64
	mideleg    uint64
	mie        uint64
	mipHW      uint64 // driven by the board
	mipSW      uint64 // written by software
	mtvec      uint64
	stvec      uint64
	mepc       uint64
	sepc       uint64
	mcause     uint64
	scause     uint64
	mtval      uint64
	stval      uint64
	mscratch   uint64
	sscratch   uint64
	satp       uint64
	mcounteren uint64
	scounteren uint64
	menvcfg    uint64
	senvcfg    uint64
	stimecmp   uint64
	mcountinh  uint64
	cycleDelta uint64 // mcycle = Instret + cycleDelta
	fflags     uint8  // fcsr bits 4:0 (NX UF OF DZ NV)
	frm        uint8  // fcsr bits 7:5; 5-7 may be written, and trap when used
}

// mip is the pending-interrupt word as software sees it. Under Sstc STIP is
// the comparison of mtime with stimecmp.
func (h *Hart) mip() uint64 {
	h.nowValid = false
	return h.mipInRun()
}

// mipInRun is mip for the interrupt checks inside Run, which reads mtime
// at most once per Run: xv6 toggles sstatus.SIE around every spinlock, and
// reading the host clock on each would cost more than the toggles. A timer
// is seen at most one quantum late, as the board's CLINT sampling is.
func (h *Hart) mipInRun() uint64 {
	v := h.csr.mipHW | h.csr.mipSW
	if h.csr.menvcfg&envcfgSTCE != 0 {
		if !h.nowValid {
			h.now, h.nowValid = h.sys.mtime(), true
		}
		v &^= ipSTIP
		if h.now >= h.csr.stimecmp {
			v |= ipSTIP
		}
	}
	return v
}

// csrAllowed applies the access rules that depend on the CSR number, the
// privilege level and the counter-enable registers. write reports whether
// the instruction writes the CSR. Whether the CSR exists is csrRead's.
func (h *Hart) csrAllowed(n uint16, write bool) bool {
	if uint8(n>>8&3) > h.Priv {
		return false
	}
	if write && n>>10 == 3 {
		return false
	}
	switch {
	case n >= csrCycle && n <= csrHpmcounter31:
		bit := uint64(1) << (n - csrCycle)
		if h.Priv < PrivM && h.csr.mcounteren&bit == 0 {
			return false
		}
		if h.Priv < PrivS && h.csr.scounteren&bit == 0 {
			return false
		}
	case n == csrStimecmp:
		if h.Priv < PrivM && (h.csr.menvcfg&envcfgSTCE == 0 || h.csr.mcounteren&2 == 0) {
			return false
		}
	case n == csrSatp:
		if h.Priv == PrivS && h.csr.mstatus&msTVM != 0 {
			return false
		}
	case n >= csrFflags && n <= csrFcsr:
		return h.fpOn()
	}
	return true
}

// csrRead returns a CSR's value; ok is false for CSRs that do not exist.
func (h *Hart) csrRead(n uint16) (uint64, bool) {
	c := &h.csr
	switch {
	case n == csrPmpcfg0 || n == csrPmpcfg2:
		return h.pmp.ReadCfg(int(n - csrPmpcfg0)), true
	case n >= csrPmpaddr0 && n < csrPmpaddr0+mmu.PMPEntries:
		return h.pmp.ReadAddr(int(n - csrPmpaddr0)), true
	case n >= csrMhpmcounter3 && n <= csrMhpmcounter31,
		n >= csrMhpmevent3 && n <= csrMhpmevent31,
		n >= csrHpmcounter3 && n <= csrHpmcounter31:
		return 0, true // no event counters
	case n >= csrTdata1 && n <= csrTdata3:
		return 0, true // no triggers: type 0
	}
	switch n {
	case csrFflags:
		return uint64(c.fflags), true
	case csrFrm:
		return uint64(c.frm), true
	case csrFcsr:
		return uint64(c.frm)<<5 | uint64(c.fflags), true
	case csrSstatus:
		return h.mstatusValue() & sstatusVisible, true
	case csrSie:
		return c.mie & c.mideleg, true
	case csrStvec:
		return c.stvec, true
	case csrScounteren:
		return c.scounteren, true
	case csrSenvcfg:
		return c.senvcfg, true
	case csrSscratch:
		return c.sscratch, true
	case csrSepc:
		return c.sepc, true
	case csrScause:
		return c.scause, true
	case csrStval:
		return c.stval, true
	case csrSip:
		return h.mip() & c.mideleg, true
	case csrStimecmp:
		return c.stimecmp, true
	case csrSatp:
		return c.satp, true
	case csrMstatus:
		return h.mstatusValue(), true
	case csrMisa:
		return misaValue, true
	case csrMedeleg:
		return c.medeleg, true
	case csrMideleg:
		return c.mideleg, true
	case csrMie:
		return c.mie, true
	case csrMtvec:
		return c.mtvec, true
	case csrMcounteren:
		return c.mcounteren, true
	case csrMenvcfg:
		return c.menvcfg, true
	case csrMcountinhibit:
		return c.mcountinh, true
	case csrMscratch:
		return c.mscratch, true
	case csrMepc:
		return c.mepc, true
	case csrMcause:
		return c.mcause, true
	case csrMtval:
		return c.mtval, true
	case csrMip:
		return h.mip(), true
	case csrMcycle, csrCycle:
		return h.Instret + c.cycleDelta, true
	case csrMinstret, csrInstret:
		return h.Instret, true
	case csrTime:
		return h.sys.mtime(), true
	case csrMvendorid, csrMarchid, csrMimpid, csrMconfigptr:
		return 0, true
	case csrMhartid:
		return uint64(h.ID), true
	case csrTselect, csrTinfo:
		// The trigger module has zero triggers: selecting trigger 0 reads
		// back a different index, which is how software counts triggers,
		// and tinfo says "no trigger here".
		return 1, true
	}
	return 0, false
}

// mstatusValue is mstatus as software reads it: the fixed XLEN fields,
// and SD summarising a Dirty FS.
func (h *Hart) mstatusValue() uint64 {
	v := h.csr.mstatus | msUXL | msSXL
	if v&msFS == msFSDirty {
		v |= msSD
	}
	return v
}

// csrWrite stores v into a CSR, keeping only the writable (WARL) bits, and
// performs the side effects (TLB flushes) a write implies. It reports
// whether the write may have unmasked an interrupt.
func (h *Hart) csrWrite(n uint16, v uint64) (recheck bool) {
	c := &h.csr
	switch {
	case n == csrPmpcfg0 || n == csrPmpcfg2:
		h.pmp.WriteCfg(int(n-csrPmpcfg0), v)
		h.flushTLBs() // cached translations carry PMP's old verdicts
		return false
	case n >= csrPmpaddr0 && n < csrPmpaddr0+mmu.PMPEntries:
		h.pmp.WriteAddr(int(n-csrPmpaddr0), v)
		h.flushTLBs()
		return false
	}
	switch n {
	case csrFflags:
		c.fflags = uint8(v & 0x1f)
		h.fpDirty()
	case csrFrm:
		c.frm = uint8(v & 7)
		h.fpDirty()
	case csrFcsr:
		c.fflags, c.frm = uint8(v&0x1f), uint8(v>>5&7)
		h.fpDirty()
	case csrSstatus:
		old := c.mstatus
		h.setMstatus(c.mstatus&^sstatusWritable | v&sstatusWritable)
		return unmasks(old, c.mstatus)
	case csrSie:
		c.mie = c.mie&^c.mideleg | v&c.mideleg
		return true
	case csrStvec:
		c.stvec = v &^ 2
	case csrScounteren:
		c.scounteren = v & 0xffffffff
	case csrSenvcfg:
		c.senvcfg = v & envcfgFIOM
	case csrSscratch:
		c.sscratch = v
	case csrSepc:
		c.sepc = v &^ 1
	case csrScause:
		c.scause = v
	case csrStval:
		c.stval = v
	case csrSip:
		m := c.mideleg & ipSSIP
		c.mipSW = c.mipSW&^m | v&m
		return true
	case csrStimecmp:
		c.stimecmp = v
		return true
	case csrSatp:
		mode := v >> 60
		if mode != 0 && mode != satpModeSv39 {
			return false // unsupported mode: the write has no effect
		}
		c.satp = v & (15<<60 | 0xffff<<44 | 1<<44 - 1)
		h.flushTLBs()
	case csrMstatus:
		old := c.mstatus
		h.setMstatus(v)
		return unmasks(old, c.mstatus)
	case csrMedeleg:
		c.medeleg = v & medelegWritable
	case csrMideleg:
		c.mideleg = v & ipSBits
		return true
	case csrMie:
		c.mie = v & ipAll
		return true
	case csrMtvec:
		c.mtvec = v &^ 2
	case csrMcounteren:
		c.mcounteren = v & 0xffffffff
	case csrMenvcfg:
		c.menvcfg = v & (envcfgFIOM | envcfgSTCE)
		return true
	case csrMcountinhibit:
		c.mcountinh = v & 0xfffffffd
	case csrMscratch:
		c.mscratch = v
	case csrMepc:
		c.mepc = v &^ 1
	case csrMcause:
		c.mcause = v
	case csrMtval:
		c.mtval = v
	case csrMip:
		m := uint64(mipSWWritable)
		if c.menvcfg&envcfgSTCE != 0 {
			m &^= ipSTIP
		}
		c.mipSW = c.mipSW&^m | v&m
		return true
	case csrMcycle:
		c.cycleDelta = v - h.Instret
	case csrMinstret:
		// The writing instruction itself does not count: the retire that
		// follows adds one back.
		h.runStart += v - 1 - h.Instret
		h.Instret = v - 1
	}
	return false
}

// unmasks reports whether an mstatus change sets a global interrupt
// enable (MIE, SIE): nothing else in mstatus can make a pending interrupt
// takeable, so only then is the check after the write needed. (Clearing
// one, or changing other bits, takes nothing: the check after the last
// change that could saw what is pending.)
func unmasks(old, v uint64) bool { return v&^old&(msMIE|msSIE) != 0 }

func (h *Hart) setMstatus(v uint64) {
	v &= mstatusWritable
	if v&msMPP == 2<<msMPPShift { // reserved encoding: keep the old MPP
		v = v&^msMPP | h.csr.mstatus&msMPP
	}
	h.replaceMstatus(v)
}

// replaceMstatus installs a new mstatus, flushing the TLBs only when the
// change alters how loads and stores translate (SUM, MXR, MPRV, or MPP
// while MPRV is set).
func (h *Hart) replaceMstatus(v uint64) {
	old := h.csr.mstatus
	h.csr.mstatus = v
	d := old ^ v
	if d&(msSUM|msMXR|msMPRV) != 0 || (d&msMPP != 0 && v&msMPRV != 0) {
		h.flushTLBs()
	}
}

// ReadCSR reads a CSR without privilege checks (debuggers, tests).
// Unknown CSRs read 0.
func (h *Hart) ReadCSR(n uint16) uint64 {
	v, _ := h.csrRead(n)
	return v
}

// WriteCSR writes a CSR without privilege checks (debuggers, tests).
func (h *Hart) WriteCSR(n uint16, v uint64) {
	if n == csrMinstret {
		h.Instret = v
		return
	}
	if _, ok := h.csrRead(n); ok {
		h.csrWrite(n, v)
	}
}
