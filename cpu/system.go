// Package cpu is one RISC-V RV64IMAFDC hart (Zicsr, Zifencei, Sstc; M/S/U
// modes; Sv39 through package mmu; FP arithmetic from package softfp)
// plus the state its harts share: the decoded-instruction cache, LR/SC
// reservations and the time source.
package cpu

import (
	"sync/atomic"

	"github.com/rvemu/rvemu/bus"
)

const (
	pageShift    = 12
	pageSize     = 1 << pageShift
	slotsPerPage = pageSize / 2

	// maxCodePages bounds the decoded-instruction cache (32 KiB per page).
	// Past it the whole cache is dropped and refilled on demand.
	maxCodePages = 2048
)

// Per-RAM-page flags consulted by every store: whether the page holds
// decoded instructions or a hart's LR reservation. In parallel mode each
// hart has its own decoded copy and its own bit (parallelCodeBit), and
// reservations need no flag (parallel.go).
const (
	pageHasCode uint32 = 1 << iota
	pageHasResv
)

// codePage holds the decoded form of one physical RAM page, one slot per
// halfword. Slots decode lazily on first execution and are reset when a
// store or DMA write touches their bytes.
type codePage [slotsPerPage]inst

// codeCache is a decoded-instruction cache: the board's one shared cache
// (serial mode), or one hart's own (parallel mode).
type codeCache struct {
	code      []*codePage // indexed by RAM page number
	codePages int

	// codeStores counts stores into each code page since a fetch last
	// entered it; a page that only gets stored to was reused for data, and
	// its decoded copy is dropped so its stores take the fast path again.
	codeStores []uint32
	free       []*codePage // dropped pages, cleared when reused

	bit   uint32  // the page flag that marks this cache's pages
	users []*Hart // the harts executing from this cache

	// jit translates this cache's pages to host code when the translator
	// is on (jit.go); nil otherwise.
	jit *jitEngine

	// marks are the breakpoint marks of each RAM page (debug.go), nil
	// until a breakpoint binds; markedPages lists the pages that have any.
	marks       []*slotMarks
	markedPages []uint64

	// Parallel mode only: the page generation each held page was decoded
	// at, and the pages held (with each one's index in held).
	gens    []uint32
	held    []uint64
	heldIdx []int32
}

// System is the state shared by all harts of one board.
type System struct {
	bus   *bus.Bus
	ram   []byte
	mtime func() uint64

	codeCache          // the shared cache of serial mode
	flags     []uint32 // indexed by RAM page number; read and changed atomically

	harts []*Hart

	// Parallel mode (parallel.go): gen counts stores into each page by
	// anyone but the harts holding it decoded, codeEpoch counts all such
	// stores, so a hart learns at its next Sync whether to look.
	parallel  bool
	gen       []uint32
	codeEpoch atomic.Uint64

	lockstepFailed func(report string) // JITLockstep's reporter (jitlockstep.go)

	dbg debugState // breakpoints and watchpoints (debug.go)
}

// NewSystem creates the shared state for the harts of one board. mtime is
// the board's clock in 10 MHz ticks. It installs the bus's RAMWritten hook
// so DMA writes keep the decoded-instruction cache coherent.
func NewSystem(b *bus.Bus, mtime func() uint64) *System {
	pages := (len(b.RAM) + pageSize - 1) / pageSize
	s := &System{
		bus:   b,
		ram:   b.RAM,
		mtime: mtime,
		flags: make([]uint32, pages),
	}
	s.codeCache = newCodeCache(pages, pageHasCode)
	b.RAMWritten = s.ramWritten
	return s
}

func newCodeCache(pages int, bit uint32) codeCache {
	return codeCache{
		code:       make([]*codePage, pages),
		codeStores: make([]uint32, pages),
		bit:        bit,
	}
}

// codePageAt returns the decoded page of cache c for RAM page index p,
// creating it; by is the hart fetching.
func (s *System) codePageAt(c *codeCache, p uint64, by *Hart) *codePage {
	if cp := c.code[p]; cp != nil {
		return cp
	}
	if c.codePages >= maxCodePages {
		s.dropCode(c)
	}
	var cp *codePage
	if n := len(c.free); n > 0 {
		cp = c.free[n-1]
		c.free = c.free[:n-1]
		*cp = codePage{}
	} else {
		cp = new(codePage)
	}
	c.code[p] = cp
	c.codeStores[p] = 0
	c.codePages++
	if s.parallel {
		s.hookOwnPage(by, p)
	} else {
		s.hookPage(p, pageHasCode)
	}
	return cp
}

// hookPage sets a flag on RAM page p that makes its stores run the store
// hook. Store TLBs hold only unhooked pages, so when a page becomes hooked
// they are flushed (O(1) per hart); this happens once per page that starts
// holding code or a reservation, not per store.
func (s *System) hookPage(p uint64, flag uint32) {
	f := atomic.LoadUint32(&s.flags[p])
	if f&flag != 0 {
		return
	}
	if f == 0 {
		for _, h := range s.harts {
			h.stlb.Flush()
		}
	}
	atomic.OrUint32(&s.flags[p], flag)
}

// dropCode forgets every decoded page of c. Harts holding a page pointer
// drop it at their next page change or Run, and none of c's users runs
// while this happens.
func (s *System) dropCode(c *codeCache) {
	if s.parallel {
		for _, p := range c.held {
			s.unhookOwnPage(c, p)
		}
		c.held = c.held[:0]
	} else {
		for i := range s.flags {
			atomic.AndUint32(&s.flags[i], ^c.bit)
		}
	}
	clear(c.code)
	c.codePages = 0
	c.free = nil
	if c.jit != nil {
		c.jit.dropAll()
	}
	for _, h := range c.users {
		h.fetchVPN = noPage
	}
	c.flushCodeTLBs()
}

// dropCodePage forgets the decoded copy of RAM page p in c. The page
// object is cleared only when reused: the instruction being executed may
// still point into it.
func (s *System) dropCodePage(c *codeCache, p uint64) {
	cp := c.code[p]
	c.code[p] = nil
	if s.parallel {
		s.unhookOwnPage(c, p)
		c.forget(p)
	} else {
		atomic.AndUint32(&s.flags[p], ^c.bit)
	}
	c.codePages--
	c.free = append(c.free, cp)
	if c.jit != nil {
		c.jit.dropPage(p)
	}
	for _, h := range c.users {
		if h.fetchPage == cp {
			h.fetchPage, h.fetchVPN = nil, noPage
		}
	}
	c.flushCodeTLBs()
}

// cacheOf is the decode cache whose copy a store by `by` (nil: DMA) keeps
// coherent itself; nil when no hart's cache is the storer's (parallel DMA).
func (s *System) cacheOf(by *Hart) *codeCache {
	if by != nil {
		return by.cc
	}
	if s.parallel {
		return nil
	}
	return &s.codeCache
}

// dataPageStores is how many stores a code page takes, with no fetch
// entering it, before it counts as reused for data.
const dataPageStores = 1024

// ramWritten is the bus hook for DMA writes.
func (s *System) ramWritten(pa, n uint64) {
	if n == 0 || pa < s.bus.RAMBase {
		return
	}
	off := pa - s.bus.RAMBase
	end := off + n
	if end > uint64(len(s.ram)) {
		end = uint64(len(s.ram))
	}
	for p := off >> pageShift; p<<pageShift < end; p++ {
		lo, hi := p<<pageShift, (p+1)<<pageShift
		if lo < off {
			lo = off
		}
		if hi > end {
			hi = end
		}
		s.stored(nil, lo, hi-lo)
	}
}

// storedRun is the hook for a bulk loop's count stores covering
// [off, off+n) of one page, with the effect of running it count times:
// one by one, the page is dropped at the store that finds the count at
// dataPageStores, and each earlier store invalidates the slots it covers.
func (s *System) storedRun(by *Hart, off, n, count uint64) {
	p := off >> pageShift
	if c := by.cc; atomic.LoadUint32(&s.flags[p])&c.bit != 0 {
		if uint64(c.codeStores[p])+count > dataPageStores {
			c.codeStores[p] = dataPageStores // where one by one leaves it
			s.dropCodePage(c, p)
		} else {
			c.codeStores[p] += uint32(count - 1) // stored counts the last
		}
	}
	s.stored(by, off, n)
}

// stored is the store hook: it runs when a store of n bytes at RAM offset
// off hits a page with flags set (the range lies within one page). It
// resets the decoded slots that the bytes belong to and breaks the LR
// reservations of other harts on the same granule.
func (s *System) stored(by *Hart, off, n uint64) {
	p := off >> pageShift
	f := atomic.LoadUint32(&s.flags[p])
	c := s.cacheOf(by)
	if s.parallel && f&parallelCodeBits&^c.bitOrZero() != 0 {
		s.storedForeign(p)
	}
	if c != nil && f&c.bit != 0 {
		c.storedOwn(s, off, n)
	}
	if f&pageHasResv != 0 {
		still := false
		for _, h := range s.harts {
			if !h.resvValid {
				continue
			}
			r := h.resvAddr - s.bus.RAMBase
			if h != by && r < off+n && off < r+resvGranule {
				h.resvValid = false
			}
			if h.resvValid && r>>pageShift == p {
				still = true
			}
		}
		if !still {
			atomic.AndUint32(&s.flags[p], ^pageHasResv)
		}
	}
}

// storedOwn keeps c's decoded copy of the page at off coherent with a
// store of n bytes there, made by a hart using c (or DMA in serial mode).
func (c *codeCache) storedOwn(s *System, off, n uint64) {
	p := off >> pageShift
	if c.codeStores[p] >= dataPageStores {
		s.dropCodePage(c, p)
		return
	}
	c.codeStores[p]++
	c.invalidate(off, n)
}

// invalidate makes the decoded slots that hold any of the n bytes at RAM
// offset off (within one page, which c holds decoded) decode again, and
// kills the translations of those bytes.
func (c *codeCache) invalidate(off, n uint64) {
	cp := c.code[off>>pageShift]
	first := off &^ 1
	if first&(pageSize-1) >= fusedReach {
		// A 32-bit instruction may start one halfword earlier, and a
		// fused pair up to fusedReach bytes earlier.
		first -= fusedReach
	} else {
		first &^= pageSize - 1
	}
	for a := first; a < off+n; a += 2 {
		cp[(a>>1)&(slotsPerPage-1)].op = opUndecoded
	}
	if c.jit != nil {
		c.jit.stored(off, n)
	}
}
