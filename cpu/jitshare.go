package cpu

import (
	"bytes"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/rvemu/rvemu/jit"
)

// Code shared by parallel harts. Each parallel hart has a decode cache and
// so an engine of its own (its blocks, jump cache, cold counts, queue,
// invalidation: all as in serial mode), but the engines write their code
// into one code memory and publish what they compile in a table every
// engine reads: a block one hart compiled serves the others. Measured
// before (our kernel's nettests, 3 harts, 45-75 ms of mostly warm-up):
// each hart compiled its own copy of the same ~1,100 blocks and counted
// the same cold PCs to the threshold first.
//
// What makes a translation shareable is that its code depends only on its
// virtual start PC and the guest bytes it covers (and the engine's options,
// the same for all parallel harts): it addresses the hart it runs on
// through R15, never an engine. Blocks of shared code do not chain through
// link slots (a slot is state of the code, and linking it is a decision of
// one engine about its own blocks); their exits to a known target go
// through the hart's jump cache, as exits to other pages always do. (In
// nettests, 238 links were made against 205,000 entries: chaining is
// rare on xv6 with parallel harts.)
//
// The table (memo) maps (RAM page, PC) to a finished translation and the
// guest bytes it was compiled from; an entry is never changed once
// published, only replaced. An engine adopts an entry for a PC it would
// otherwise count or compile only if those bytes are what RAM holds now,
// so an entry never needs invalidating: a store into a page kills the
// blocks of the engines whose decode caches hold it (as before), and the
// entry simply stops matching. The bytes recorded are copied after the
// compile and decoded again: if another hart stored into them meanwhile
// (they decode to other instructions), the block is not shared.
//
// Locking: lookups in the memo are atomic loads (from the hot path's cold
// branch, no lock); compiling, publishing and inserting take mu, once per
// batch. The code memory is reclaimed only when it is full, and only once
// no engine can still run old code: memory full bumps flushGen and stops
// compiling; every engine drops all its blocks when it next enters
// runTranslated (or drains) and records the generation; when every engine
// has done so or is outside runTranslated, the memory is reset.
type jitShared struct {
	mu       sync.Mutex
	mem      *jit.Memory // written and published under mu
	slowStub uintptr
	engines  []*jitEngine // fixed after EnableJIT
	gen      jitGen       // for the stubs (mu)
	full     bool         // (mu) no room: compiling waits for the reset
	flushGen atomic.Uint64
	memo     [jitMemoSize]atomic.Pointer[jitMemoCode]
}

const jitMemoSize = 16384

// jitSharedCodeBytes is the shared code memory's size (tests make it small
// to reach the reset).
var jitSharedCodeBytes = 64 << 20

// jitMemoCode is a published translation: the code for the block starting
// at pc in RAM page page, compiled from code bytes [start, end) of the page.
type jitMemoCode struct {
	pc, page   uint64
	start, end uint16
	code       uintptr
	guest      []byte
}

func memoSlot(p, pc uint64) uint64 { return (pc>>1 ^ p*0x9e3779b1) & (jitMemoSize - 1) }

// newJITShared maps the shared code memory and writes its stubs.
func newJITShared() (*jitShared, error) {
	mem, err := jit.NewMemory(jitSharedCodeBytes, 4096)
	if err != nil {
		return nil, err
	}
	sh := &jitShared{mem: mem}
	prefaultSlice(sh.memo[:])
	runtime.AddCleanup(sh, func(m *jit.Memory) { _ = m.Close() }, mem)
	if err := sh.writeStubs(); err != nil {
		return nil, err
	}
	return sh, nil
}

func (sh *jitShared) writeStubs() error {
	stub, err := sh.gen.slowStub(sh.mem)
	if err == nil {
		err = sh.mem.Publish()
	}
	if err != nil {
		return err
	}
	sh.slowStub = stub
	return nil
}

// lookup returns the published translation of the block at pc in RAM page
// p (at RAM offset pageOff) if it was compiled from the bytes RAM holds
// there now.
func (sh *jitShared) lookup(ram []byte, p, pc, pageOff uint64) *jitMemoCode {
	m := sh.memo[memoSlot(p, pc)].Load()
	if m == nil || m.pc != pc || m.page != p {
		return nil
	}
	if !bytes.Equal(ram[pageOff+uint64(m.start):pageOff+uint64(m.end)], m.guest) {
		return nil
	}
	return m
}

// startFlush (mu held) stops compiling until the memory is reset: it is
// full. e, the engine that found it full, lets go at once.
func (sh *jitShared) startFlush(e *jitEngine) {
	if sh.full {
		return
	}
	sh.full = true
	for i := range sh.memo {
		sh.memo[i].Store(nil)
	}
	g := sh.flushGen.Add(1)
	e.letGo(g)
	sh.tryReset()
}

// tryReset (mu held) resets the code memory once no engine can run old
// code: each has dropped its blocks since the flush began, or is outside
// runTranslated (it checks flushGen before it runs code again).
func (sh *jitShared) tryReset() {
	if !sh.full {
		return
	}
	g := sh.flushGen.Load()
	for _, e := range sh.engines {
		if e.seenGen.Load() != g && e.running.Load() {
			return
		}
	}
	if err := sh.mem.Reset(); err != nil {
		panic(err)
	}
	if err := sh.writeStubs(); err != nil {
		panic(err) // an empty code memory holds the stubs: never full
	}
	sh.full = false
	if len(sh.engines) > 0 && sh.engines[0].slowStub != sh.slowStub {
		// The engines hold the stub's address (read without the lock); the
		// stubs come first in an empty memory, so it does not move.
		panic("jit: the shared slow stub moved")
	}
}

// enterShared is runTranslated's start on a sharing engine: from here until
// leaveShared, the memory is not reset under the hart's feet.
func (e *jitEngine) enterShared() {
	e.running.Store(true)
	if g := e.shared.flushGen.Load(); g != e.seenGen.Load() {
		e.shared.mu.Lock()
		e.letGo(g)
		e.shared.tryReset()
		e.shared.mu.Unlock()
	}
}

func (e *jitEngine) leaveShared() { e.running.Store(false) }

// letGo drops every block of the engine (the shared memory is being
// reclaimed) and records generation g as seen.
func (e *jitEngine) letGo(g uint64) {
	e.flushLocal()
	e.seenGen.Store(g)
}

// adopt makes the published translation m this engine's block.
func (e *jitEngine) adopt(m *jitMemoCode) *jitBlock {
	if c := &e.cold[recentSlot(m.page, m.pc)]; c.pc == m.pc && c.page == m.page {
		*c = jitCold{} // counted no more: see counting
	}
	b := &jitBlock{pc: m.pc, page: m.page, start: m.start, end: m.end, code: m.code, ready: true}
	e.add(b)
	e.stats.Adopted++
	return b
}

// adoptable returns the shared translation for pc in RAM page p, which
// the engine's decode cache holds, if there is one it may take.
func (e *jitEngine) adoptable(ram []byte, p, pc, pageOff uint64) *jitMemoCode {
	if e.shared == nil || e.cache.code[p] == nil || e.cache.pageMarks(p) != nil {
		return nil
	}
	return e.shared.lookup(ram, p, pc, pageOff)
}

// memoize (mu held, after the batch is published) makes this engine's
// newly published blocks available to the others.
func (e *jitEngine) memoize(blocks []*jitBlock, guest [][]byte) {
	for i, b := range blocks {
		if guest[i] == nil {
			continue
		}
		m := &jitMemoCode{pc: b.pc, page: b.page, start: b.start, end: b.end, code: b.code, guest: guest[i]}
		e.shared.memo[memoSlot(b.page, b.pc)].Store(m)
	}
}

// sharedGuest returns a copy of the guest bytes the plan covers (its page
// at pageOff in ram), or nil if they no longer decode to the plan's
// instructions (another hart stored into them while it was made).
func (p *blockPlan) sharedGuest(ram []byte, pageOff uint64) []byte {
	start := pageOff + p.pc&(pageSize-1)
	guest := append([]byte(nil), ram[start:start+p.bytes()]...)
	for i := range p.insts {
		if decodeRAM(guest, p.insts[i].pc-p.pc) != p.insts[i].inst {
			return nil
		}
	}
	return guest
}
