// Package cpu is one RISC-V RV64IMAC hart (Zicsr, Zifencei, Sstc; M/S/U
// modes; Sv39 through package mmu) plus the state its harts share: the
// decoded-instruction cache, LR/SC reservations and the time source.
package cpu

import (
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
// decoded instructions or a hart's LR reservation.
const (
	pageHasCode uint8 = 1 << iota
	pageHasResv
)

// codePage holds the decoded form of one physical RAM page, one slot per
// halfword. Slots decode lazily on first execution and are reset when a
// store or DMA write touches their bytes.
type codePage [slotsPerPage]inst

// System is the state shared by all harts of one board.
type System struct {
	bus   *bus.Bus
	ram   []byte
	mtime func() uint64

	code      []*codePage // indexed by RAM page number
	flags     []uint8     // indexed by RAM page number
	codePages int

	// codeStores counts stores into each code page since a fetch last
	// entered it; a page that only gets stored to was reused for data, and
	// its decoded copy is dropped so its stores take the fast path again.
	codeStores []uint32
	free       []*codePage // dropped pages, cleared when reused

	harts []*Hart
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
		code:  make([]*codePage, pages),
		flags: make([]uint8, pages),

		codeStores: make([]uint32, pages),
	}
	b.RAMWritten = s.ramWritten
	return s
}

// codePageAt returns the decoded page for RAM page index p, creating it.
func (s *System) codePageAt(p uint64) *codePage {
	if cp := s.code[p]; cp != nil {
		return cp
	}
	if s.codePages >= maxCodePages {
		s.dropCode()
	}
	var cp *codePage
	if n := len(s.free); n > 0 {
		cp = s.free[n-1]
		s.free = s.free[:n-1]
		*cp = codePage{}
	} else {
		cp = new(codePage)
	}
	s.code[p] = cp
	s.codeStores[p] = 0
	s.hookPage(p, pageHasCode)
	s.codePages++
	return cp
}

// hookPage sets a flag on RAM page p that makes its stores run the store
// hook. Store TLBs hold only unhooked pages, so when a page becomes hooked
// they are flushed (O(1) per hart); this happens once per page that starts
// holding code or a reservation, not per store.
func (s *System) hookPage(p uint64, flag uint8) {
	if s.flags[p]&flag != 0 {
		return
	}
	if s.flags[p] == 0 {
		for _, h := range s.harts {
			h.stlb.Flush()
		}
	}
	s.flags[p] |= flag
}

// dropCode forgets every decoded page. Harts holding a page pointer drop it
// at their next page change or Run, and none runs while this happens.
func (s *System) dropCode() {
	for i := range s.code {
		s.code[i] = nil
		s.flags[i] &^= pageHasCode
	}
	s.codePages = 0
	s.free = nil
	for _, h := range s.harts {
		h.fetchVPN = noPage
	}
	s.flushCodeTLBs()
}

// dropCodePage forgets the decoded copy of RAM page p. The page object is
// cleared only when reused: the instruction being executed may still
// point into it.
func (s *System) dropCodePage(p uint64) {
	cp := s.code[p]
	s.code[p] = nil
	s.flags[p] &^= pageHasCode
	s.codePages--
	s.free = append(s.free, cp)
	for _, h := range s.harts {
		if h.fetchPage == cp {
			h.fetchPage, h.fetchVPN = nil, noPage
		}
	}
	s.flushCodeTLBs()
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
	if s.flags[p]&pageHasCode != 0 {
		if uint64(s.codeStores[p])+count > dataPageStores {
			s.codeStores[p] = dataPageStores // where one by one leaves it
			s.dropCodePage(p)
		} else {
			s.codeStores[p] += uint32(count - 1) // stored counts the last
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
	f := s.flags[p]
	if f&pageHasCode != 0 && s.codeStores[p] >= dataPageStores {
		s.dropCodePage(p)
	} else if f&pageHasCode != 0 {
		s.codeStores[p]++
		cp := s.code[p]
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
			s.flags[p] &^= pageHasResv
		}
	}
}
