package mmu

// TLBSize is the number of entries in each direct-mapped TLB.
const TLBSize = 256

// genShift places the generation above the 52 bits a virtual page number
// can have, so one compare checks page and generation together.
const genShift = 64 - pageShift

// TLBEntry caches one 4 KiB virtual page that maps into RAM. Tag is the
// virtual page number with the generation above it; Add turns a virtual
// address of the page into its RAM slice index with one add (it is the
// page's RAM offset minus the page's virtual base, wrapping).
type TLBEntry struct {
	Tag uint64
	Add uint64
}

// TLB is direct-mapped and flushed in O(1) by bumping the generation:
// entries from an older generation no longer match. xv6 flushes on every
// user/kernel crossing, so a sweep per flush would cost more than the
// lookups save. Generations live in 12 tag bits; when they wrap (every
// 4095 flushes) the entries are cleared once, so an old entry can never
// come back to life. Generation 0 is never current: a cleared entry (tag
// 0) never hits.
type TLB struct {
	gen uint64 // current generation << genShift
	E   [TLBSize]TLBEntry
}

// NewTLB returns an empty TLB.
func NewTLB() *TLB {
	t := &TLB{}
	t.Reset()
	return t
}

// Reset empties the TLB; a zero TLB must be Reset before use.
func (t *TLB) Reset() {
	t.E = [TLBSize]TLBEntry{}
	t.gen = 1 << genShift
}

// Lookup returns the RAM offset of va on a hit. Small enough to inline.
func (t *TLB) Lookup(va uint64) (off uint64, ok bool) {
	e := &t.E[(va>>pageShift)&(TLBSize-1)]
	if e.Tag == va>>pageShift|t.gen {
		return e.Add + va, true
	}
	return 0, false
}

// Insert records that the page holding va lives at RAM offset pageOff.
func (t *TLB) Insert(va, pageOff uint64) {
	e := &t.E[(va>>pageShift)&(TLBSize-1)]
	e.Tag = va>>pageShift | t.gen
	e.Add = pageOff&^(pageSize-1) - va&^(pageSize-1)
}

// Flush forgets every entry.
func (t *TLB) Flush() {
	t.gen += 1 << genShift
	if t.gen == 0 { // the 12 generation bits wrapped
		t.Reset()
	}
}
