package e1000

import (
	"fmt"
	"strings"
)

// The driver checker ("--check e1000") watches what a lab driver does to
// the NIC and says, once per kind of mistake, what it probably got wrong,
// where (the guest pc of the register access) and the ring state. It sees
// only register writes, ICR reads, the descriptors a TDT/RDT write hands
// over, and frames waiting; all rare next to instructions, so it costs
// nothing on the hot path.

// Cause names one kind of driver mistake.
type Cause string

// The causes the checker knows. Each is reported at most once per run.
const (
	CauseRingLength  Cause = "ring-length"   // TDLEN/RDLEN not a multiple of 128 bytes
	CauseRingBase    Cause = "ring-base"     // ring outside RAM or not 16-byte aligned
	CauseRingIndex   Cause = "ring-index"    // a head or tail written past the ring's end
	CauseEnableEarly Cause = "enable-early"  // RCTL.EN/TCTL.EN set before the ring was programmed
	CauseTxBusySlot  Cause = "tx-busy-slot"  // TDT moved over a slot the NIC still owns
	CauseTxNoEOP     Cause = "tx-no-eop"     // the last descriptor handed over lacks EOP
	CauseTxNoRS      Cause = "tx-no-rs"      // a descriptor handed over lacks RS
	CauseTxFrameSize Cause = "tx-frame-size" // frame under 14 or over 1518 bytes
	CauseRxOverrun   Cause = "rx-overrun"    // RDT moved over a descriptor with DD still set
	CauseRxStarved   Cause = "rx-starved"    // frames wait, RDT untouched for long
	CauseICRUnacked  Cause = "icr-unacked"   // line asserted, ICR untouched for long
)

// Causes lists every cause, in the order of the lab's steps (setup,
// transmit, receive, interrupts).
var Causes = []Cause{CauseRingLength, CauseRingBase, CauseRingIndex, CauseEnableEarly, CauseTxBusySlot, CauseTxNoEOP,
	CauseTxNoRS, CauseTxFrameSize, CauseRxOverrun, CauseRxStarved, CauseICRUnacked}

// Patience for the two checks that are about time: frames waiting for
// descriptors and an unacknowledged interrupt must last this long in
// guest time (mtime ticks, 10 MHz: one second, ten of xv6's timer ticks)
// and over this many board turns (so that a host stall under a wall clock,
// when no guest code ran, is not mistaken for a driver that ignores the
// NIC). A working driver answers within microseconds of guest time.
const (
	CheckPatienceTicks = 10_000_000
	CheckPatienceTurns = 20
)

// Warning is one finding.
type Warning struct {
	Cause Cause
	Where string // guest code of the register access ("hart 0 pc 0x... <fn+0x1c>"); "" for time-based findings
	Text  string // the likely mistake, one sentence
	State string // registers and descriptors involved
}

// String is the warning as printed: a headline and the state, indented.
func (w Warning) String() string {
	where := ""
	if w.Where != "" {
		where = " " + w.Where
	}
	return fmt.Sprintf("e1000 check [%s]%s: %s\n    %s\n", w.Cause, where, w.Text, w.State)
}

// CheckConfig turns the checker on (Warn set) and connects it to the board.
type CheckConfig struct {
	Warn func(Warning)
	// Where names the guest code making the current register access; nil
	// leaves Warning.Where empty.
	Where func() string
	// Now is guest time in mtime ticks; nil turns the time-based checks
	// (rx-starved, icr-unacked) off.
	Now func() uint64
}

// setup bits: which ring registers the driver wrote since the last reset.
const (
	wroteRDBAL = 1 << iota
	wroteRDLEN
	wroteRDT
	wroteTDBAL
	wroteTDLEN
)

// patience follows one condition that must not last (frames waiting,
// the line asserted) from when it started.
type patience struct {
	on    bool
	since uint64
	turns int
}

func (p *patience) start(now uint64) {
	if !p.on {
		*p = patience{on: true, since: now}
	}
}

// expired counts a turn and reports whether the condition has lasted.
func (p *patience) expired(now uint64) bool {
	if !p.on {
		return false
	}
	p.turns++
	return now-p.since >= CheckPatienceTicks && p.turns >= CheckPatienceTurns
}

type checker struct {
	cfg    CheckConfig
	warned map[Cause]bool
	wrote  uint32 // wrote* bits
	// starve follows frames waiting for descriptors; starveDrops is
	// RxOverflow when they started (the message says how many were
	// dropped since). line follows the asserted interrupt line.
	starve      patience
	starveDrops uint64
	line        patience
}

func newChecker(c CheckConfig) *checker {
	if c.Warn == nil {
		return nil
	}
	return &checker{cfg: c, warned: map[Cause]bool{}}
}

func (c *checker) now() uint64 {
	if c.cfg.Now == nil {
		return 0
	}
	return c.cfg.Now()
}

func (c *checker) warn(cause Cause, state string, format string, args ...any) {
	if c.warned[cause] {
		return
	}
	c.warned[cause] = true
	w := Warning{Cause: cause, Text: fmt.Sprintf(format, args...), State: state}
	if c.cfg.Where != nil {
		w.Where = c.cfg.Where()
	}
	c.cfg.Warn(w)
}

// observe: register writes before the device acts on them, ICR reads
// (acknowledgements), the interrupt line, completed frames, board turns.
func (c *checker) observe(e *E1000, ev event) {
	switch ev.kind {
	case evWrite:
		c.beforeWrite(e, ev.off, ev.v)
	case evRead:
		if ev.off == regICR {
			c.icrTouched()
		}
	case evLine:
		c.lineChanged(ev.level)
	case evTxFrame:
		c.txFrame(e, ev.length)
	case evPoll:
		c.poll(e)
	}
}

// beforeWrite sees a register write before the device acts on it, with
// the value as the guest wrote it (the device masks some).
func (c *checker) beforeWrite(e *E1000, off, v uint32) {
	switch off {
	case regCTRL:
		if v&(ctrlReset|ctrlResetAlt) != 0 {
			c.wrote = 0
		}
	case regRDBAL, regRDBAH:
		c.wrote |= wroteRDBAL
	case regTDBAL, regTDBAH:
		c.wrote |= wroteTDBAL
	case regRDLEN, regTDLEN:
		tx := off == regTDLEN
		if tx {
			c.wrote |= wroteTDLEN
		} else {
			c.wrote |= wroteRDLEN
		}
		c.checkLength(e, tx, v)
	case regRDT:
		c.wrote |= wroteRDT
		c.checkIndex(e, off, v&0xFFFF)
		c.checkRDT(e, v&0xFFFF)
		c.starve = patience{}
	case regTDT:
		c.checkIndex(e, off, v&0xFFFF)
		c.checkTDT(e, v&0xFFFF)
	case regTDH, regRDH:
		c.checkIndex(e, off, v&0xFFFF)
	case regRCTL:
		if v&rctlEN != 0 && e.reg(regRCTL)&rctlEN == 0 {
			c.checkEnable(e, false)
		}
	case regTCTL:
		if v&tctlEN != 0 && e.reg(regTCTL)&tctlEN == 0 {
			c.checkEnable(e, true)
		}
	case regICR:
		c.icrTouched()
	}
}

// icrTouched: the driver read or wrote ICR, acknowledging what it saw.
func (c *checker) icrTouched() {
	c.line = patience{}
}

// lineChanged follows the interrupt line (ICR & IMS != 0).
func (c *checker) lineChanged(level bool) {
	if !level {
		c.line = patience{}
		return
	}
	c.line.start(c.now())
}

func (c *checker) checkLength(e *E1000, tx bool, v uint32) {
	if v%128 == 0 {
		return
	}
	name := "RDLEN"
	if tx {
		name = "TDLEN"
	}
	hint := ""
	if v < 128 {
		hint = fmt.Sprintf(" (%d looks like a descriptor count: %d descriptors take %d bytes)", v, v, v*descSize)
	}
	c.warn(CauseRingLength, describeRing(tx, e.ringRegs(tx)),
		"%s = %d is not a multiple of 128: the ring length is in bytes, a multiple of 8 descriptors of 16 bytes%s", name, v, hint)
}

// checkIndex: a head or tail must name a slot of the ring; the usual slip
// is an index incremented without wrapping.
func (c *checker) checkIndex(e *E1000, off, v uint32) {
	tx := off == regTDT || off == regTDH
	r := e.ringRegs(tx)
	if r.count == 0 || v < r.count || c.warned[CauseRingIndex] {
		return
	}
	c.warn(CauseRingIndex, describeRing(tx, r),
		"%s = %d is past the end of a ring of %d descriptors (0..%d): the NIC stops using the ring; an index must wrap (%% RING_SIZE)",
		RegName(off), v, r.count, r.count-1)
}

// checkPlace: the ring the NIC is about to use must lie in RAM, 16-byte
// aligned, where DMA can reach it.
func (c *checker) checkPlace(e *E1000, tx bool) bool {
	r := e.ringRegs(tx)
	if r.count == 0 {
		return true
	}
	size := uint64(r.count) * descSize
	bal, bah := "RDBAL", "RDBAH"
	if tx {
		bal, bah = "TDBAL", "TDBAH"
	}
	switch {
	case !e.bus.InRAM(r.base, size):
		c.warn(CauseRingBase, describeRing(tx, r),
			"the %s ring at %#x (+%d bytes) is outside RAM [%#x, %#x): %s/%s must hold the ring's physical address, low 32 bits in %s and high 32 bits in %s",
			ringName(tx), r.base, size, e.bus.RAMBase, e.bus.RAMBase+uint64(len(e.bus.RAM)), bal, bah, bal, bah)
		return false
	case r.base%16 != 0:
		c.warn(CauseRingBase, describeRing(tx, r), "the %s ring at %#x is not 16-byte aligned", ringName(tx), r.base)
		return false
	}
	return true
}

// setupReg is a ring register the driver must write before enabling.
type setupReg struct {
	bit  uint32
	name string
}

var (
	rxSetup = []setupReg{{wroteRDBAL, "RDBAL"}, {wroteRDLEN, "RDLEN"}, {wroteRDT, "RDT"}}
	txSetup = []setupReg{{wroteTDBAL, "TDBAL"}, {wroteTDLEN, "TDLEN"}}
)

func (c *checker) checkEnable(e *E1000, tx bool) {
	need, enable, what := rxSetup, "RCTL.EN", "receive"
	if tx {
		need, enable, what = txSetup, "TCTL.EN", "transmit"
	}
	var missing []string
	for _, n := range need {
		if c.wrote&n.bit == 0 {
			missing = append(missing, n.name)
		}
	}
	if len(missing) > 0 {
		c.warn(CauseEnableEarly, describeRing(tx, e.ringRegs(tx)),
			"%s was set before the %s ring was set up (%s not written since reset): program the ring first, then enable the NIC",
			enable, what, strings.Join(missing, ", "))
		return
	}
	c.checkPlace(e, tx)
}

// checkTDT: a TDT write from T to N hands slots [T, N) to the NIC, which
// still owns [TDH, T). Reusing a busy slot means the new tail runs onto
// or past TDH while the NIC owns slots: frames it has not sent (their DD
// still clear) are overwritten, or the ring looks empty and they are
// lost. Each slot handed over must carry RS (or DD never comes back) and
// the last one EOP (or the frame never ends).
func (c *checker) checkTDT(e *E1000, n uint32) {
	r := e.ringRegs(true)
	if r.count == 0 || n >= r.count || r.tail >= r.count || r.head >= r.count || n == r.tail {
		return
	}
	if !c.checkPlace(e, true) {
		return
	}
	owned := (r.tail + r.count - r.head) % r.count
	handed := (n + r.count - r.tail) % r.count
	if owned > 0 && owned+handed >= r.count && !c.warned[CauseTxBusySlot] {
		hint := ""
		if e.reg(regTCTL)&tctlEN == 0 {
			hint = " (TCTL.EN is clear: the transmitter is off, so no slot is ever finished)"
		}
		c.warn(CauseTxBusySlot, describeRing(true, r)+"; "+e.describeDesc(true, r, r.head),
			"TDT moved from %d to %d onto descriptor %d, which the NIC has not sent yet (its DD is still clear): the driver reused a busy slot instead of waiting for DD%s",
			r.tail, n, r.head, hint)
	}
	var d [descSize]byte
	for i := r.tail; i != n; i = (i + 1) % r.count {
		if e.bus.ReadDMA(r.base+uint64(i)*descSize, d[:]) != nil {
			return
		}
		td := parseTxDesc(d[:])
		if td.cmd&txCmdDEXT != 0 && d[10]>>4 != 1 {
			continue // a context descriptor carries no data
		}
		// The state is formatted only for a warning: this runs per frame.
		if td.cmd&txCmdRS == 0 && !c.warned[CauseTxNoRS] {
			c.warn(CauseTxNoRS, describeRing(true, r)+"; "+e.describeDesc(true, r, i),
				"descriptor %d was handed to the NIC without RS in cmd: the NIC will never set its DD, so a driver that waits for DD finds the slot busy forever (set E1000_TXD_CMD_RS)", i)
		}
		if (i+1)%r.count == n && td.cmd&txCmdEOP == 0 && !c.warned[CauseTxNoEOP] {
			c.warn(CauseTxNoEOP, describeRing(true, r)+"; "+e.describeDesc(true, r, i),
				"descriptor %d, the last one handed over, has no EOP in cmd: the NIC waits for the rest of the frame and sends nothing (set E1000_TXD_CMD_EOP on a frame's last descriptor)", i)
		}
	}
}

// checkRDT: an RDT write from R to N gives the NIC slots up to N; each of
// (R, N] must have been read and its status cleared. A DD still set means
// the driver skipped a frame or forgot to clear the status.
func (c *checker) checkRDT(e *E1000, n uint32) {
	r := e.ringRegs(false)
	if r.count == 0 || n >= r.count || r.tail >= r.count || n == r.tail {
		return
	}
	if !c.checkPlace(e, false) {
		return
	}
	var d [descSize]byte
	for i := (r.tail + 1) % r.count; ; i = (i + 1) % r.count {
		if e.bus.ReadDMA(r.base+uint64(i)*descSize, d[:]) != nil {
			return
		}
		if d[12]&rxStaDD != 0 && !c.warned[CauseRxOverrun] {
			c.warn(CauseRxOverrun, describeRing(false, r)+"; "+e.describeDesc(false, r, i),
				"RDT was moved from %d to %d over descriptor %d whose DD is still set: the driver gave the NIC a slot it has not read yet, or read it without clearing its status (RX ring overrun)",
				r.tail, n, i)
			return
		}
		if i == n {
			return
		}
	}
}

// txFrame sees each frame the driver completes, before padding.
func (c *checker) txFrame(e *E1000, length int) {
	if length >= 14 && length <= maxFrame {
		return
	}
	r := e.ringRegs(true) // head: the descriptor that ended the frame
	c.warn(CauseTxFrameSize, describeRing(true, r)+"; "+e.describeDesc(true, r, r.head),
		"the driver sent a frame of %d bytes: an Ethernet frame is 14 to 1518 bytes (header included, no FCS), so the descriptor's length must be the frame's (m->len)", length)
}

// poll runs the time-based checks once per board turn.
func (c *checker) poll(e *E1000) {
	if c.cfg.Now == nil {
		return
	}
	now := c.cfg.Now()
	if len(e.rxWait) > 0 && e.reg(regRCTL)&rctlEN != 0 {
		if !c.starve.on {
			c.starve.start(now)
			c.starveDrops = e.stats.RxOverflow
		} else if c.starve.expired(now) {
			r := e.ringRegs(false)
			c.warnTimed(CauseRxStarved, describeRing(false, r)+"; "+e.describeDesc(false, r, r.head),
				"RX ring starved: %s waited %.1f s of guest time for a free descriptor (%d more dropped) and the driver has not moved RDT since: after reading a slot it must hand it back (RDT = that slot's index)",
				framesHave(len(e.rxWait)), seconds(now-c.starve.since), e.stats.RxOverflow-c.starveDrops)
		}
	} else {
		c.starve = patience{}
	}
	if c.line.expired(now) {
		icr := e.reg(regICR)
		c.warnTimed(CauseICRUnacked, fmt.Sprintf("ICR %s IMS %s", intBits.format(icr), intBits.format(e.reg(regIMS))),
			"interrupt causes %s have stayed unacknowledged in ICR for %.1f s of guest time with the interrupt line asserted: the handler must read ICR or write it (ICR = 0xffffffff) so the NIC can raise the next interrupt",
			intBits.format(icr&e.reg(regIMS)), seconds(now-c.line.since))
	}
}

// warnTimed is warn for findings no register access caused: no pc.
func (c *checker) warnTimed(cause Cause, state string, format string, args ...any) {
	where := c.cfg.Where
	c.cfg.Where = nil
	c.warn(cause, state, format, args...)
	c.cfg.Where = where
}

func framesHave(n int) string {
	if n == 1 {
		return "1 frame has"
	}
	return fmt.Sprintf("%d frames have", n)
}

func seconds(ticks uint64) float64 { return float64(ticks) / 10_000_000 }
