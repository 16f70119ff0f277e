package cpu

import (
	"sync/atomic"
)

// Parallel mode: every hart runs on its own goroutine (the board's
// --parallel). What the harts share then has to be safe without the
// board's one-hart-at-a-time guarantee:
//
//   - Decoded instructions. Each hart decodes into a cache of its own, so
//     no slot is ever written by one goroutine while another executes it,
//     and a dropped page object is recycled only by its owner. A page a
//     hart holds decoded carries that hart's bit in System.flags (atomic),
//     so every store into it takes the store hook. A hart's own stores
//     keep its copy coherent as in serial mode; a store by another hart or
//     by DMA bumps the page's generation (System.gen) and System.codeEpoch.
//     The holder compares generations in Sync, at the start of each of its
//     quanta, and after its own fence.i, and drops pages that changed: a
//     hart is only required to see another hart's new code after a fence.i
//     of its own (xv6 runs a new program's pages after sfence.vma on a
//     fresh satp, and they are fresh pages anyway).
//   - Store TLBs. They hold only pages with no flag. When a hart flags a
//     page, the others are asked to flush their store TLBs at their next
//     Sync; until then one of them may still store into the page unseen.
//     So a newly flagged page is provisional: once every other hart has
//     passed a Sync after the flagging, its decoded slots are cleared once
//     more and decoded again from what memory holds then.
//   - LR/SC. LR remembers the address and the value it read; SC is a
//     compare-and-swap against that value, as multi-threaded QEMU and
//     other MTTCG-style emulators do. A store of the same value in between
//     (ABA) does not make SC fail; RISC-V's forward-progress and
//     lock-free uses (counters, lists guarded by other means) are served.
//   - AMOs are host atomics on RAM (the access is naturally aligned).
//
// Devices are the board's: it serialises MMIO with one lock.

// parallelCodeShift places the per-hart code bits above the serial flags.
const parallelCodeShift = 8

// parallelCodeBits are all the per-hart "holds this page decoded" flags.
const parallelCodeBits uint32 = 0xffffffff &^ (1<<parallelCodeShift - 1)

// MaxParallelHarts is how many harts parallel mode supports (one flag bit
// each).
const MaxParallelHarts = 32 - parallelCodeShift

// hartParallel is a hart's parallel-mode state that other harts touch.
type hartParallel struct {
	syncs     atomic.Uint64 // Sync calls so far
	flushReq  atomic.Bool   // flush the store TLB at the next Sync
	seenEpoch uint64        // System.codeEpoch at the last scan (owner only)
	// provisional pages: flagged by this hart, cleared again once every
	// other hart passed a Sync (owner only).
	provisional []provisionalPage
}

type provisionalPage struct {
	page  uint64
	after []uint64 // the other harts' sync counts when the page was flagged
}

// EnableParallel switches the system to parallel mode, before any hart
// runs: each hart gets its own decode cache. It reports false when the
// harts are too many for it.
func (s *System) EnableParallel() bool {
	if len(s.harts) > MaxParallelHarts {
		return false
	}
	jit := s.JIT()
	var hot uint32
	if e := s.codeCache.jit; e != nil {
		hot = e.hot
	}
	s.parallel = true
	pages := len(s.flags)
	s.gen = make([]uint32, pages)
	s.codeCache = newCodeCache(pages, pageHasCode)
	for _, h := range s.harts {
		c := newCodeCache(pages, 1<<(parallelCodeShift+h.ID))
		c.gens = make([]uint32, pages)
		c.heldIdx = make([]int32, pages)
		c.users = []*Hart{h}
		h.cc = &c
		h.fetchPage, h.fetchVPN = nil, noPage
		h.ctlb.flush()
		h.stlb.Flush()
	}
	if jit != JITOff {
		// The translator follows the decode caches: an engine per hart
		// (lockstep refuses parallel harts: then the interpreter runs).
		for _, h := range s.harts {
			h.jit.lock = nil
		}
		if s.EnableJIT(jit) == nil {
			for _, h := range s.harts {
				h.cc.jit.hot = hot
			}
		}
	}
	return true
}

// Parallel reports whether EnableParallel was called.
func (s *System) Parallel() bool { return s.parallel }

func (c *codeCache) bitOrZero() uint32 {
	if c == nil {
		return 0
	}
	return c.bit
}

// hookOwnPage marks RAM page p as held decoded by h (parallel mode).
func (s *System) hookOwnPage(h *Hart, p uint64) {
	c := h.cc
	atomic.OrUint32(&s.flags[p], c.bit)
	h.stlb.Flush() // it may hold p from before
	after := make([]uint64, len(s.harts))
	for i, o := range s.harts {
		if o != h {
			o.par.flushReq.Store(true)
			after[i] = o.par.syncs.Load()
		}
	}
	c.gens[p] = atomic.LoadUint32(&s.gen[p])
	c.heldIdx[p] = int32(len(c.held))
	c.held = append(c.held, p)
	h.par.provisional = append(h.par.provisional, provisionalPage{page: p, after: after})
}

// unhookOwnPage clears c's flag on page p.
func (s *System) unhookOwnPage(c *codeCache, p uint64) {
	atomic.AndUint32(&s.flags[p], ^c.bit)
}

// forget removes p from c's held pages.
func (c *codeCache) forget(p uint64) {
	i := c.heldIdx[p]
	last := c.held[len(c.held)-1]
	c.held[i] = last
	c.heldIdx[last] = i
	c.held = c.held[:len(c.held)-1]
}

// storedForeign records a store into page p that some other hart holds
// decoded.
func (s *System) storedForeign(p uint64) {
	atomic.AddUint32(&s.gen[p], 1)
	s.codeEpoch.Add(1)
}

// Sync is the start of a quantum in parallel mode: the hart takes the
// requests other harts left it (flush the store TLB) and drops decoded
// pages others have stored into since. The board calls it before each Run
// from the hart's own goroutine.
func (h *Hart) Sync() {
	h.par.syncs.Add(1) // before the request: see hookOwnPage's snapshot
	if h.par.flushReq.Swap(false) {
		h.stlb.Flush()
	}
	if e := h.sys.codeEpoch.Load(); e != h.par.seenEpoch {
		h.par.seenEpoch = e
		h.dropStaleCode()
	}
	if len(h.par.provisional) > 0 {
		h.settleProvisional(false)
	}
}

// dropStaleCode drops the pages of h's cache whose generation changed.
func (h *Hart) dropStaleCode() {
	s, c := h.sys, h.cc
	for i := 0; i < len(c.held); {
		p := c.held[i]
		if atomic.LoadUint32(&s.gen[p]) != c.gens[p] {
			s.dropCodePage(c, p) // moves the last held page to i
			continue
		}
		i++
	}
}

// settleProvisional clears the slots of provisional pages every other hart
// has passed a Sync since (all of them when now is set: fence.i), so they
// decode again from memory no unseen store can still change.
func (h *Hart) settleProvisional(now bool) {
	s, c := h.sys, h.cc
	kept := h.par.provisional[:0]
	cleared := false
	for _, pp := range h.par.provisional {
		passed := true
		for i, o := range s.harts {
			if o != h && o.par.syncs.Load() <= pp.after[i] {
				passed = false
				break
			}
		}
		if cp := c.code[pp.page]; cp != nil && (passed || now) {
			*cp = codePage{}
			if c.jit != nil {
				c.jit.dropPage(pp.page) // translated from the same bytes
			}
			cleared = true
		}
		if !passed && c.code[pp.page] != nil {
			kept = append(kept, pp)
		}
	}
	clear(h.par.provisional[len(kept):])
	h.par.provisional = kept
	if cleared {
		h.fetchPage, h.fetchVPN = nil, noPage
		c.flushCodeTLBs()
	}
}

// fenceIParallel makes the hart see every store it can see in its fetches
// too: pages others stored into are dropped, provisional ones decoded
// again.
func (h *Hart) fenceIParallel() {
	h.par.seenEpoch = h.sys.codeEpoch.Load()
	h.dropStaleCode()
	if len(h.par.provisional) > 0 {
		h.settleProvisional(true)
	}
	h.fetchVPN = noPage
}
