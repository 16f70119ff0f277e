package e1000

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// checkRig is the test board with the checker on: warnings are collected,
// guest time is set by the test.
type checkRig struct {
	*rig
	warnings []Warning
	now      uint64
}

func newCheckRig(t *testing.T) *checkRig {
	c := &checkRig{}
	c.rig = newRig(t, Config{Check: CheckConfig{
		Warn:  func(w Warning) { c.warnings = append(c.warnings, w) },
		Where: func() string { return "hart 0 pc 0x80001234 <e1000_test>" },
		Now:   func() uint64 { return c.now },
	}})
	return c
}

func (c *checkRig) causes() []Cause {
	var out []Cause
	for _, w := range c.warnings {
		out = append(out, w.Cause)
	}
	return out
}

// waitTurns lets guest time pass over board turns, as the machine loop does.
func (c *checkRig) waitTurns(turns int, ticksEach uint64) {
	for i := 0; i < turns; i++ {
		c.now += ticksEach
		c.nic.PollChecks()
	}
}

// ackAndRecycle is xv6's interrupt handler: acknowledge, then take every
// filled descriptor and hand it back with its status cleared.
func (c *checkRig) ackAndRecycle() {
	c.wr(regICR, 0xFFFF_FFFF)
	for {
		next := (c.rd(regRDT) + 1) % ringSize
		if _, status, _ := c.rxDesc(next); status&rxStaDD == 0 {
			return
		}
		c.recycle()
	}
}

func TestCheckerQuietOnCorrectDriver(t *testing.T) {
	c := newCheckRig(t)
	c.initLikeXv6()
	for i := 0; i < 40; i++ { // more than a ring's worth each way
		c.send(frame(broadcast, 60, byte(i)), cmdEOPRS)
		c.nic.Receive(frame(unitMAC, 80, byte(i)))
		c.ackAndRecycle()
		c.waitTurns(3, 1_000_000)
	}
	c.waitTurns(2*CheckPatienceTurns, CheckPatienceTicks)
	assert.Empty(t, c.warnings)
	assert.Len(t, c.sent, 40)
}

func TestCheckerFindsEachMistake(t *testing.T) {
	tests := []struct {
		name   string
		driver func(c *checkRig)
		want   Cause
		text   string // part of the sentence naming the mistake
		state  string // part of the ring state
	}{
		{"TDLEN as a descriptor count", func(c *checkRig) {
			c.initLikeXv6()
			c.wr(regTDLEN, ringSize)
		}, CauseRingLength, "TDLEN = 16 is not a multiple of 128", "tx ring base 0x80001000"},
		{"RDLEN not a multiple of 128", func(c *checkRig) {
			c.initLikeXv6()
			c.wr(regRDLEN, 200)
		}, CauseRingLength, "RDLEN = 200", "rx ring"},
		{"TDBAL and TDBAH swapped", func(c *checkRig) {
			c.initLikeXv6()
			c.wr(regTCTL, 0)
			c.wr(regTDBAL, 0)
			c.wr(regTDBAH, txRingPA)
			c.wr(regTCTL, xv6TCTL)
		}, CauseRingBase, "outside RAM", "base 0x8000100000000000"},
		{"TDT not wrapped", func(c *checkRig) {
			c.initLikeXv6()
			c.wr(regTDT, ringSize)
		}, CauseRingIndex, "TDT = 16 is past the end of a ring of 16 descriptors (0..15)", "tx ring base 0x80001000 len 256 (16 desc) head 0 tail 0"},
		{"RDT not wrapped", func(c *checkRig) {
			c.initLikeXv6()
			c.wr(regRDT, ringSize)
		}, CauseRingIndex, "RDT = 16 is past the end", "rx ring"},
		{"RCTL.EN before the RX ring", func(c *checkRig) {
			c.wr(regCTRL, ctrlReset)
			c.wr(regRCTL, xv6RCTL)
		}, CauseEnableEarly, "RCTL.EN was set before the receive ring was set up (RDBAL, RDLEN, RDT not written", "rx ring base 0x0"},
		{"TCTL.EN before the TX ring", func(c *checkRig) {
			c.wr(regCTRL, ctrlReset)
			c.wr(regTDBAL, txRingPA)
			c.wr(regTCTL, xv6TCTL)
		}, CauseEnableEarly, "(TDLEN not written", "tx ring"},
		{"reusing busy slots with the transmitter off", func(c *checkRig) {
			c.initLikeXv6()
			c.wr(regTCTL, 0)
			for i := 0; i < ringSize; i++ {
				c.send(frame(broadcast, 60, 1), cmdEOPRS)
			}
		}, CauseTxBusySlot, "TDT moved from 15 to 0 onto descriptor 0, which the NIC has not sent yet", "[0] addr 0x80030000 len 74 cmd EOP|RS sta -"},
		{"no EOP", func(c *checkRig) {
			c.initLikeXv6()
			c.send(frame(broadcast, 60, 1), txCmdRS)
		}, CauseTxNoEOP, "descriptor 0, the last one handed over, has no EOP", "cmd RS sta"},
		{"no RS", func(c *checkRig) {
			c.initLikeXv6()
			c.send(frame(broadcast, 60, 1), txCmdEOP)
		}, CauseTxNoRS, "descriptor 0 was handed to the NIC without RS", "cmd EOP sta -"},
		{"frame of 8 bytes", func(c *checkRig) {
			c.initLikeXv6()
			c.send(frame(broadcast, 60, 1)[:8], cmdEOPRS)
		}, CauseTxFrameSize, "a frame of 8 bytes", "len 8"},
		{"frame of 2048 bytes", func(c *checkRig) {
			c.initLikeXv6()
			c.send(frame(broadcast, 2034, 1), cmdEOPRS)
		}, CauseTxFrameSize, "a frame of 2048 bytes", "len 2048"},
		{"status not cleared", func(c *checkRig) {
			c.initLikeXv6()
			c.nic.Receive(frame(unitMAC, 80, 1))
			c.wr(regICR, 0xFFFF_FFFF)
			c.wr(regRDT, 0) // read slot 0 but left its DD set
		}, CauseRxOverrun, "RDT was moved from 15 to 0 over descriptor 0 whose DD is still set", "[0] addr 0x80010000 len 94 sta DD|EOP"},
		{"RDT moved past unread frames", func(c *checkRig) {
			c.initLikeXv6()
			for i := 0; i < 3; i++ {
				c.nic.Receive(frame(unitMAC, 80, 1))
			}
			c.recycle()     // slot 0 read and cleared
			c.wr(regRDT, 2) // slots 1 and 2 never read
		}, CauseRxOverrun, "over descriptor 1 whose DD is still set", "head 3 tail 0"},
		{"RDT never moved", func(c *checkRig) {
			c.initLikeXv6()
			for i := 0; i < 20; i++ {
				c.nic.Receive(frame(unitMAC, 80, 1))
				c.wr(regICR, 0xFFFF_FFFF)
			}
			c.waitTurns(CheckPatienceTurns+1, CheckPatienceTicks/10)
		}, CauseRxStarved, "5 frames have waited 2.0 s of guest time", "head 15 tail 15"},
		{"ICR never acknowledged", func(c *checkRig) {
			c.initLikeXv6()
			c.nic.Receive(frame(unitMAC, 80, 1))
			c.recycle()
			c.waitTurns(CheckPatienceTurns, CheckPatienceTicks/10)
		}, CauseICRUnacked, "interrupt causes RXT0 have stayed unacknowledged in ICR for 2.0 s", "ICR TXQE|RXT0 IMS RXT0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCheckRig(t)
			tt.driver(c)
			require.Equal(t, []Cause{tt.want}, c.causes(), "warnings: %v", c.warnings)
			w := c.warnings[0]
			assert.Contains(t, w.Text, tt.text)
			assert.Contains(t, w.State, tt.state)
			s := w.String()
			assert.Contains(t, s, "e1000 check ["+string(tt.want)+"]")
			if tt.want == CauseRxStarved || tt.want == CauseICRUnacked {
				assert.Empty(t, w.Where, "found by time, not by an access")
			} else {
				assert.Equal(t, "hart 0 pc 0x80001234 <e1000_test>", w.Where)
			}
		})
	}
}

func TestCheckerWarnsOncePerCause(t *testing.T) {
	c := newCheckRig(t)
	c.initLikeXv6()
	for i := 0; i < 5; i++ {
		c.send(frame(broadcast, 60, 1), txCmdEOP)
	}
	assert.Equal(t, []Cause{CauseTxNoRS}, c.causes())
}

// The time-based checks need both guest time and board turns: one long
// host stall (a single turn) is not a driver ignoring its NIC.
func TestCheckerPatienceNeedsTurns(t *testing.T) {
	c := newCheckRig(t)
	c.initLikeXv6()
	c.nic.Receive(frame(unitMAC, 80, 1))
	c.waitTurns(2, 100*CheckPatienceTicks)
	assert.Empty(t, c.warnings)
	c.waitTurns(CheckPatienceTurns, 1)
	assert.Equal(t, []Cause{CauseICRUnacked}, c.causes())
}

func TestCheckerOffCostsNothing(t *testing.T) {
	r := newRig(t, Config{})
	r.initLikeXv6()
	r.wr(regTDLEN, 16)
	r.nic.PollChecks()
	assert.Empty(t, r.nic.watch)
}
