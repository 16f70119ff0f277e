package mmu

// TLBSize is the number of entries in each direct-mapped TLB.
const TLBSize = 256

// TLBEntry caches one 4 KiB virtual page that maps into RAM. Off is the
// page's byte offset inside the RAM slice, so a hit turns a virtual address
// into a slice index with one add.
type TLBEntry struct {
	VPN uint64
	Gen uint64
	Off uint64
}

// TLB is direct-mapped and flushed in O(1) by bumping Gen: entries from an
// older generation no longer match. xv6 flushes on every user/kernel
// crossing, so a sweep per flush would cost more than the lookups save.
type TLB struct {
	Gen uint64
	E   [TLBSize]TLBEntry
}

// NewTLB returns an empty TLB (generation 1, so zeroed entries never hit).
func NewTLB() *TLB { return &TLB{Gen: 1} }

// Lookup returns the RAM offset of va on a hit. Small enough to inline.
func (t *TLB) Lookup(va uint64) (off uint64, ok bool) {
	e := &t.E[(va>>pageShift)&(TLBSize-1)]
	if e.VPN == va>>pageShift && e.Gen == t.Gen {
		return e.Off + va&(pageSize-1), true
	}
	return 0, false
}

// Insert records that the page holding va lives at RAM offset pageOff.
func (t *TLB) Insert(va, pageOff uint64) {
	e := &t.E[(va>>pageShift)&(TLBSize-1)]
	e.VPN = va >> pageShift
	e.Gen = t.Gen
	e.Off = pageOff &^ (pageSize - 1)
}

// Flush forgets every entry.
func (t *TLB) Flush() { t.Gen++ }
