package cpu

// The code TLB lets runFast follow a jump, call or fall-through into
// another page without leaving its loop: it maps a virtual page straight
// to its decoded page. In the xv6 kernel a page change comes every few
// dozen instructions (calls between files), and leaving runFast for
// fetchSlow each time cost ~15% of usertests.
//
// An entry is made only by fetchSlow, after the fetch translation and
// permission check succeeded, so a hit is as good as the itlb hit plus
// code page lookup it replaces. It is flushed with the other TLBs, and
// whenever a decoded page is dropped (its object may be reused for another
// physical page).

const codeTLBSize = 64

// codeEntry: tag is the virtual page number with the generation above it
// (as in mmu.TLB); stores is the page's store counter, reset on entry as
// fetchSlow does (a page being executed is not a data page).
type codeEntry struct {
	tag    uint64
	page   *codePage
	off    uint64 // RAM offset of the page
	stores *uint32
}

type codeTLB struct {
	gen uint64 // current generation << codeGenShift
	e   [codeTLBSize]codeEntry
	// epoch counts flushes and never wraps: the translator's jump caches
	// (jit.go) tag their entries with it, so they empty with this TLB.
	epoch uint64
}

const codeGenShift = 64 - pageShift

func (t *codeTLB) reset() {
	t.e = [codeTLBSize]codeEntry{}
	t.gen = 1 << codeGenShift
	t.epoch++
}

// flush forgets every entry in O(1); generations wrap every 4095 flushes,
// and then the entries are cleared so an old one cannot match again.
func (t *codeTLB) flush() {
	t.gen += 1 << codeGenShift
	t.epoch++
	if t.gen == 0 {
		t.reset()
	}
}

func (t *codeTLB) insert(vpn uint64, page *codePage, off uint64, stores *uint32) {
	t.e[vpn&(codeTLBSize-1)] = codeEntry{tag: vpn | t.gen, page: page, off: off, stores: stores}
}

// flushCodeTLBs empties the code TLB of every hart using c: a decoded page
// went away.
func (c *codeCache) flushCodeTLBs() {
	for _, h := range c.users {
		h.ctlb.flush()
	}
}
