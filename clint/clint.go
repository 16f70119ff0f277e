// Package clint models the core-local interruptor of the virt board: one
// software-interrupt register (msip) and one timer compare register
// (mtimecmp) per hart, plus a read-only view of the board's clock (mtime).
package clint

// Register layout (offsets inside the 64 KiB region).
const (
	Size = 0x10000

	msipBase     = 0x0000 // 4 bytes per hart, bit 0 only
	mtimecmpBase = 0x4000 // 8 bytes per hart
	mtimeOffset  = 0xbff8 // 8 bytes, read-only here: the clock belongs to the board
)

// CLINT holds the per-hart registers. It is touched only from the machine
// loop, so it needs no locking.
type CLINT struct {
	msip     []bool
	mtimecmp []uint64
	mtime    func() uint64
}

// New returns a CLINT for harts harts reading time from mtime (10 MHz ticks).
// mtimecmp starts at all-ones so no timer fires before software arms it.
func New(harts int, mtime func() uint64) *CLINT {
	c := &CLINT{
		msip:     make([]bool, harts),
		mtimecmp: make([]uint64, harts),
		mtime:    mtime,
	}
	for i := range c.mtimecmp {
		c.mtimecmp[i] = ^uint64(0)
	}
	return c
}

// MSIP reports hart h's software interrupt request.
func (c *CLINT) MSIP(h int) bool { return c.msip[h] }

// MTIP reports whether hart h's timer has expired.
// A compare value of all ones never fires; Sstc kernels leave it there, and
// the board asks every turn, so the clock is not read for it.
func (c *CLINT) MTIP(h int) bool {
	return c.mtimecmp[h] != ^uint64(0) && c.mtime() >= c.mtimecmp[h]
}

// NextDeadline returns the earliest mtimecmp over all harts, so that the
// board can sleep until then when every hart is idle. ok is false when no
// hart has a timer armed (all compare registers are all-ones).
func (c *CLINT) NextDeadline() (deadline uint64, ok bool) {
	deadline = ^uint64(0)
	for _, t := range c.mtimecmp {
		if t < deadline {
			deadline = t
		}
	}
	return deadline, deadline != ^uint64(0)
}

// Deadline returns hart h's mtimecmp, so that a hart sleeping on its own
// (the board's parallel mode) can wake when its timer fires. ok is false
// when the hart has no timer armed.
func (c *CLINT) Deadline(h int) (deadline uint64, ok bool) {
	return c.mtimecmp[h], c.mtimecmp[h] != ^uint64(0)
}
