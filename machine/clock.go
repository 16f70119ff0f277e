package machine

import "time"

// virtualInsnsPerTick sets virtual time's pace: one 10 MHz tick per 10
// retired instructions, i.e. a nominal 100 MIPS guest.
const virtualInsnsPerTick = 10

// clock is the board's single time source: mtime in 10 MHz ticks. The wall
// clock reads the host's monotonic clock; the virtual clock counts retired
// instructions and jumps forward over idle periods, so that runs repeat.
type clock struct {
	kind  ClockKind
	start time.Time
	// frozen: the wall clock stands at frozenAt (the monitor's stop, as
	// QEMU stops guest time with the VM); thaw moves start on by the
	// time it stood.
	frozen   bool
	frozenAt time.Time

	// virtual time: retired instructions so far plus ticks skipped idle.
	retired uint64
	skipped uint64
}

func newClock(kind ClockKind) *clock {
	return &clock{kind: kind, start: time.Now()}
}

// now is mtime. It is handed to the CPU and the CLINT, so it is cheap.
func (c *clock) now() uint64 {
	if c.kind == ClockVirtual {
		return c.retired/virtualInsnsPerTick + c.skipped
	}
	if c.frozen {
		return uint64(c.frozenAt.Sub(c.start) / (time.Second / TimebaseHz))
	}
	return uint64(time.Since(c.start) / (time.Second / TimebaseHz))
}

// freeze stops the wall clock; thaw lets it go on from where it stood.
// (The virtual clock moves only with retired instructions anyway.)
func (c *clock) freeze() {
	if !c.frozen {
		c.frozen, c.frozenAt = true, time.Now()
	}
}

func (c *clock) thaw() {
	if c.frozen {
		c.start = c.start.Add(time.Since(c.frozenAt))
		c.frozen = false
	}
}

// advance accounts for instructions the harts retired.
func (c *clock) advance(insns int) { c.retired += uint64(insns) }

// idleUntil is how long the host should sleep until mtime reaches deadline.
// The virtual clock never sleeps: it jumps to the deadline instead.
func (c *clock) idleUntil(deadline uint64) time.Duration {
	now := c.now()
	if deadline <= now {
		return 0
	}
	if c.kind == ClockVirtual {
		c.skipped += deadline - now
		return 0
	}
	return time.Duration(deadline-now) * (time.Second / TimebaseHz)
}
