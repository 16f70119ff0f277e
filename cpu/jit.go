package cpu

import (
	"errors"
	"fmt"
	"math/bits"
	"runtime"
	"sync/atomic"
	"unsafe"

	"github.com/rvemu/rvemu/jit"
)

// The translator. Straight-line runs of guest code (blocks: up to
// jitMaxBlock instructions from one page, ending at a jump, at an
// instruction the translation does not do, or at the page end; a taken
// conditional branch leaves from the middle) are compiled to host code once
// the dispatcher (jitrun.go) has been asked jitHot times to run from their
// first instruction; until then the interpreter runs them, jitColdRun
// instructions between lookups. (Parallel harts' engines share what they
// compile: jitshare.go.) New code becomes executable in batches (jit.Memory's
// Publish), when one of the blocks waiting is asked for again. Generated code keeps the guest registers in the Hart (the
// hottest of a block in host registers while it runs), reaches RAM through
// the interpreter's load and store TLBs, and leaves for Go with an exit
// reason for everything else: a TLB miss, a device, a page-crossing
// access, a store into a page holding code (the store TLB never holds
// one), any SYSTEM, atomic or unknown instruction, a block longer than the
// budget left. Go then runs exactly one instruction in the interpreter and
// comes back. So the interpreter's semantics (traps, interrupts only where
// Run checks them, the exact instruction budget) hold unchanged.
//
// A start PC asked for jitHot times is queued, not compiled on the spot:
// the queue is compiled and published in one batch when the hart goes idle
// (Hart.TranslateHot, which the board calls before a hart waits in WFI),
// or once the queued PCs have been asked for jitDrainAsks times more. On a
// kernel whose harts idle between requests (a network round trip, a
// syscall) compiling then costs the guest nothing. Measured before (UDP
// echo, 3 harts, an engine per hart): a round trip's path kept becoming
// hot on one hart or another for hundreds of round trips, and the 2-30 µs
// compile of each block and the 20-100 µs protection change of each batch
// ran inside the interrupt handler or a critical section, other harts
// spinning on its lock meanwhile.
//
// Blocks are keyed by their virtual start PC and live with the decoded page
// they were read from: a store into their bytes (the decode cache's store
// hook), a dropped page or a dropped cache kills them. A block jumps
// straight into a block on its own page through a slot in the code
// memory's data area (a link, filled by the dispatcher the first time the
// exit is taken); to any other target (another page, an indirect jump) it
// goes through the hart's jump cache, a small table from guest PC to host
// code, tagged with the code TLB's epoch so it empties whenever
// translations of addresses may change (satp, privilege, sfence.vma, a
// killed block).

// JITMode selects the execution engine of a System.
type JITMode int

const (
	// JITOff: the interpreter runs everything.
	JITOff JITMode = iota
	// JITOn: hot code runs translated, the interpreter does the rest.
	JITOn
	// JITLockstep: as JITOn, and at every return from generated code the
	// interpreter runs the same instructions again from the same state
	// and everything is compared (jitlockstep.go).
	JITLockstep
)

func (m JITMode) String() string {
	switch m {
	case JITOn:
		return "on"
	case JITLockstep:
		return "lockstep"
	}
	return "off"
}

// ParseJITMode reads the --jit flag's value.
func ParseJITMode(s string) (JITMode, error) {
	switch s {
	case "off":
		return JITOff, nil
	case "on", "":
		return JITOn, nil
	case "lockstep":
		return JITLockstep, nil
	}
	return JITOff, fmt.Errorf("--jit %q: want on, off or lockstep", s)
}

// JITAvailable reports whether this host can run translated code.
const JITAvailable = jit.Supported && jitBackend

const (
	jcSize = 1024 // jump cache entries per hart
	jcMask = jcSize - 1

	// jitMaxBlock bounds a block's instructions. A block runs only when the
	// budget covers all of them, so the interpreter runs at most this many
	// before a Run ends.
	jitMaxBlock = 64
	// jitMinBudget: below it Run interprets (single steps, spin probes).
	jitMinBudget = 16
	// jitHot is how often a block's start is looked up before it is
	// queued for translation: compiling a block costs about what
	// interpreting it a few hundred times does, and code that runs once
	// (boot) is most of what a short run executes.
	jitHot = 32
	// jitDrainAsks: a hart that does not go idle compiles its queue once
	// the queued PCs were asked for this many times since the last batch.
	// An ask is followed by jitColdRun instructions in the interpreter:
	// 128 asks are ~4,000 instructions of queued code interpreted, ~10 µs
	// more than running them translated, against a batch's protection
	// change (20-100 µs) and ~5 µs a block. Measured together with
	// jitColdRun = 32 (bench/RESULTS.md). (512 when an ask was a straight
	// line, ~5 instructions.)
	jitDrainAsks = 128
	// jitIdleAsks: an idle hart compiles its queue once the queued PCs were
	// asked for this many times since the last batch. Each batch costs a
	// protection change, which stalls every thread of the process (TLB
	// shootdown); measured in the UDP echo's 1,000 serial round trips
	// (3 harts, load 10): compiling whatever was queued at every idle
	// moment made ~175 batches of ~2 blocks there, and 20-29% of round
	// trips overlapped one; waiting for 64 asks, ~45 batches, 6-10%.
	jitIdleAsks = 64
	// jitColdRun is how many instructions the interpreter runs, as its own
	// loop does (across branches, traps and CSRs), from a PC that starts
	// no block, before the next lookup. The lookup there is a sample:
	// code that runs often is where runs end often, and once one of its
	// blocks is translated, that block's exits name their targets exactly.
	// Measured (nettests, 3 harts, never compiling): stopping after each
	// cold straight line instead (a lookup every ~5 instructions and after
	// every instruction the fast path leaves for) made cold code ~1.8x
	// slower than the interpreter; runs of 128, 1.3-1.4x. Runs of 32
	// against 128 (load 2-5): usertests at 1 hart 23.5-23.9 s against
	// 25.8-27.6 s (previous build 23.1-24.4 s), stress fork and exec 0.89x,
	// boot 0.94x, nettests 1.08x: code that runs a few hundred times
	// becomes hot sooner.
	jitColdRun = 32

	jitCodeBytes = 32 << 20
	jitDataBytes = 2 << 20
)

// Exit reasons of generated code.
const (
	exitSlow   = 1 + iota // the instruction at PC needs the interpreter
	exitLookup            // continue at PC; jit.link names a slot to link
	exitBudget            // the block at PC is longer than the budget left
	exitYield             // lockstep: the store log is full; come back at PC
)

// jcEntry maps a guest PC to host code while epoch is the hart's code-TLB
// epoch. Generated code probes it: the layout is fixed (jit_amd64.go).
type jcEntry struct {
	pc    uint64
	epoch uint64
	code  uintptr
	// b is the block code belongs to: after the epoch moved on (every
	// sfence.vma, satp write and trap bumps it; xv6 does several per
	// syscall) the entry is good again if b lives and pc still fetches
	// from b's page (jitLookup). Generated code never reads it.
	b *jitBlock
}

// jitHart is the translator's state in each hart; generated code reads and
// writes it at fixed offsets.
// The small fields come first: arm64 reaches them with a 12-bit offset.
type jitHart struct {
	link uintptr // the link slot whose exit asked for a lookup, or 0
	// Lockstep's store log: generated code appends entries at logPos
	// and never past logEnd.
	logPos, logEnd uintptr
	lock           *lockstep
	// bare is 1 while loads and stores are untranslated (M-mode, or
	// satp off): RAM is then reached at its physical address without the
	// TLBs, stores checking the page flags (at flags) as the store TLB's
	// filling does. Bare-metal code (benchmarks, early boot) runs so.
	bare  uint64
	flags uintptr
	jc    [jcSize]jcEntry
}

// jitEngine translates the pages of one decode cache.
type jitEngine struct {
	mem      *jit.Memory
	cache    *codeCache
	ramBase  uint64 // guest physical address of RAM
	ramSize  uint64
	parallel bool       // its hart runs at the same time as others
	pages    []*jitPage // by RAM page number
	slowStub uintptr    // "interpret the instruction at the target": jump caches name it for PCs that start no block
	lockstep bool
	flushes  uint64 // full flushes (code memory full or cache dropped)
	gen      jitGen // the host back end's reusable state
	plan     blockPlan
	stats    JITStats
	// recent caches block lookups by (page, pc): after every sfence.vma
	// the jump caches are empty and each target is looked up again.
	recent [jitRecent]*jitBlock
	// cold counts lookups of PCs that start no block yet (direct-mapped:
	// a collision only delays a translation).
	cold    [jitRecent]jitCold
	pending []*jitBlock // translated, waiting for the next Publish
	// queue: PCs that became hot, waiting to be translated (drain);
	// waitAsks counts lookups that found their PC queued since.
	queue    []jitQueued
	waitAsks int
	// hot is jitHot; tests set 0: translate and publish at first sight,
	// so that everything they run, runs translated.
	hot uint32

	// Parallel harts' engines share code (jitshare.go): shared is then
	// set and mem is its memory, touched only under shared.mu.
	shared       *jitShared
	seenGen      atomic.Uint64 // shared.flushGen when the engine last dropped everything
	running      atomic.Bool   // in runTranslated
	pendingGuest [][]byte      // the guest bytes of each pending block (nil: not shareable)
}

// jitCold is a PC on its way to being translated.
type jitCold struct {
	pc     uint64
	page   uint64
	count  uint32
	queued bool // in the engine's queue
}

// jitQueued is a hot PC in RAM page page, waiting to be translated.
type jitQueued struct{ pc, page uint64 }

const jitRecent = 8192

func recentSlot(p, pc uint64) uint64 { return (pc>>1 ^ p*0x9e3779b1) & (jitRecent - 1) }

// JITStats counts what the translator did.
type JITStats struct {
	Blocks      uint64 // blocks translated
	Insts       uint64 // guest instructions in them
	CodeBytes   uint64 // host code written
	Killed      uint64 // blocks dropped by stores, page drops and flushes
	Flushes     uint64 // times all translations were dropped
	Publishes   uint64 // batches of code made executable
	IdleDrains  uint64 // batches compiled while the hart was idle (TranslateHot)
	Entries     uint64 // entries into generated code from Go
	Exits       [exitYield + 1]uint64
	Linked      uint64 // exits linked straight to their target block
	Adopted     uint64 // blocks whose code another hart's engine compiled (parallel harts)
	Translated  uint64 // instructions retired in generated code
	Checked     uint64 // lockstep: returns from generated code checked
	CheckedInst uint64 // lockstep: instructions compared
}

type jitPage struct {
	blocks  map[uint64]*jitBlock // by guest virtual start PC
	covered [slotsPerPage / 64]uint64
}

type jitBlock struct {
	pc         uint64
	page       uint64
	start, end uint16  // bytes of the page it was translated from
	code       uintptr // entry, or the engine's slowStub
	incoming   []jitLink
	dead       bool
	ready      bool // published: its code may run
}

// jitLink is a slot that jumps into a block, with what it held before.
type jitLink struct{ slot, orig uintptr }

// EnableJIT switches the system's engine. JITOff is always possible; the
// others fail on hosts without a translator, and lockstep fails in
// parallel mode (its check reruns instructions on memory other harts are
// changing meanwhile), leaving the interpreter in charge. Call it before
// any hart runs, after EnableParallel: in parallel mode each hart's decode
// cache gets an engine of its own, as it has a cache of its own, and the
// engines share one code memory and what they compiled (jitshare.go).
func (s *System) EnableJIT(mode JITMode) error {
	if mode == JITOff {
		return nil
	}
	if !JITAvailable {
		return fmt.Errorf("no translator for %s/%s: the interpreter runs everything", runtime.GOOS, runtime.GOARCH)
	}
	if s.parallel && mode == JITLockstep {
		return errors.New("lockstep checks harts that take turns: with parallel harts the interpreter runs them (--parallel=false for lockstep)")
	}
	var sh *jitShared
	if s.parallel && jitShareCode {
		var err error
		if sh, err = newJITShared(); err != nil {
			return err
		}
	}
	var engines []*jitEngine
	for _, c := range s.caches() {
		e, err := newJITEngine(c, len(s.flags), mode == JITLockstep, sh)
		if err != nil {
			for _, e := range engines {
				e.cache.jit = nil
			}
			return err
		}
		e.ramBase, e.ramSize, e.parallel = s.bus.RAMBase, uint64(len(s.ram)), s.parallel
		engines = append(engines, e)
	}
	if sh != nil {
		sh.engines = engines
	}

	for _, e := range engines {
		e.cache.jit = e
		for _, h := range e.cache.users {
			h.initJIT(e)
		}
	}
	return nil
}

// JIT reports the engine in use.
func (s *System) JIT() JITMode {
	cs := s.caches()
	if len(cs) == 0 {
		return JITOff
	}
	switch e := cs[0].jit; {
	case e == nil:
		return JITOff
	case e.lockstep:
		return JITLockstep
	}
	return JITOn
}

// JITStats reports what the translator did so far (zero when it is off),
// summed over the harts' engines in parallel mode. Call it while no hart
// runs.
func (s *System) JITStats() JITStats {
	var t JITStats
	for _, c := range s.caches() {
		if e := c.jit; e != nil {
			t.add(&e.stats)
		}
	}
	return t
}

func (t *JITStats) add(s *JITStats) {
	t.Blocks += s.Blocks
	t.Insts += s.Insts
	t.CodeBytes += s.CodeBytes
	t.Killed += s.Killed
	t.Flushes += s.Flushes
	t.Publishes += s.Publishes
	t.IdleDrains += s.IdleDrains
	t.Entries += s.Entries
	for i := range t.Exits {
		t.Exits[i] += s.Exits[i]
	}
	t.Linked += s.Linked
	t.Adopted += s.Adopted

	t.Translated += s.Translated
	t.Checked += s.Checked
	t.CheckedInst += s.CheckedInst
}

func newJITEngine(c *codeCache, pages int, lockstep bool, sh *jitShared) (*jitEngine, error) {
	if sh != nil {
		e := &jitEngine{mem: sh.mem, cache: c, pages: make([]*jitPage, pages), lockstep: lockstep, hot: jitHot,
			shared: sh, slowStub: sh.slowStub}
		e.seenGen.Store(sh.flushGen.Load())
		e.prefault()
		return e, nil
	}
	mem, err := jit.NewMemory(jitCodeBytes, jitDataBytes)
	if err != nil {
		return nil, err
	}
	e := &jitEngine{mem: mem, cache: c, pages: make([]*jitPage, pages), lockstep: lockstep, hot: jitHot}
	e.prefault()
	// The mapping goes when the engine does: by then no hart can run (a
	// hart reaches its engine only through its System).
	runtime.AddCleanup(e, func(m *jit.Memory) { _ = m.Close() }, mem)
	if err := e.writeStubs(); err != nil {
		return nil, err
	}
	return e, nil
}

// prefault makes the engine's tables present now (jit.Prefault): they are
// looked up at random places from the first cold lookup on, and faulting
// them in a page at a time (twice, read then written) cost the first
// workload after boot ~100 faults per engine.
func (e *jitEngine) prefault() {
	prefaultSlice(e.cold[:])
	prefaultSlice(e.recent[:])
	prefaultSlice(e.pages)
}

// prefaultSlice is jit.Prefault of a slice's backing memory.
func prefaultSlice[T any](s []T) {
	if len(s) > 0 {
		jit.Prefault(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(s[0]))))
	}
}

// updateBare records whether translated code may reach RAM without the
// TLBs: accesses untranslated, PMP allowing all of RAM, and no watchpoint
// (a watched page must be kept out of the TLBs, so translated code must go
// through them). It runs whenever the TLBs flush (every change of those).
func (h *Hart) updateBare() {
	h.jit.bare = 0
	if !h.dataContext().Paged() && len(h.sys.dbg.watchpoints) == 0 &&
		h.pmp.OpenBelow(h.sys.bus.RAMBase+uint64(len(h.ram))) {
		h.jit.bare = 1
	}
}

func (h *Hart) initJIT(e *jitEngine) {
	prefaultSlice(h.jit.jc[:])
	h.jit.link = 0
	h.jit.flags = uintptr(unsafe.Pointer(unsafe.SliceData(h.sys.flags)))
	h.flushTLBs() // sets bare
	if e.lockstep {
		h.jit.lock = newLockstep(h)
	}
}

// writeStubs (re)writes the code every block shares, after a flush.
func (e *jitEngine) writeStubs() error {
	stub, err := e.gen.slowStub(e.mem)
	if err == nil {
		err = e.mem.Publish()
	}
	if err != nil {
		return fmt.Errorf("jit: writing the shared stubs: %w", err)
	}
	e.slowStub = stub
	return nil
}

// publish makes the blocks translated since the last publish runnable.
func (e *jitEngine) publish() {
	if len(e.pending) == 0 {
		return
	}
	if err := e.mem.Publish(); err != nil {
		panic(err) // mprotect of our own mapping failing is not recoverable
	}
	for _, b := range e.pending {
		b.ready = true
	}
	if e.shared != nil {
		e.memoize(e.pending, e.pendingGuest)
		clear(e.pendingGuest)
		e.pendingGuest = e.pendingGuest[:0]
	}
	clear(e.pending)
	e.pending = e.pending[:0]
	e.stats.Publishes++
}

// coldRun counts a lookup of pc (in RAM page p) that found no block, and
// returns how many instructions the interpreter should run from it
// (jitColdRun). At the jitHot-th lookup pc joins the queue; hot reports
// that it is there.
func (e *jitEngine) coldRun(p, pc uint64) (run int, hot bool) {
	c := &e.cold[recentSlot(p, pc)]
	if c.pc != pc || c.page != p {
		*c = jitCold{pc: pc, page: p}
	}
	if c.count < e.hot {
		if c.count++; c.count < e.hot {
			return jitColdRun, false
		}
	}
	if !c.queued {
		c.queued = true
		e.queue = append(e.queue, jitQueued{pc: pc, page: p})
	}
	e.waitAsks++
	return jitColdRun, true
}

// counting reports that pc (in RAM page p) is being counted towards
// translation: it starts no block, since translate ends the count.
func (e *jitEngine) counting(p, pc uint64) bool {
	c := &e.cold[recentSlot(p, pc)]
	return c.pc == pc && c.page == p && e.hot > 0
}

// drain translates the queued PCs and publishes them in one batch. A PC
// whose page the cache no longer holds is left out: its block would miss
// the stores that change the page (the store hook watches held pages
// only); it is queued again if it stays hot.
//
// stop (nil: never), asked before each block, ends the batch early: the
// rest stays queued (an idle hart stops compiling when it has work).
//
// With shared code (jitshare.go) the batch is compiled under the shared
// lock, taking what other engines published. A hart does not wait for the
// lock (another hart compiling is likely compiling the same code): its
// queue waits for the next chance.
func (e *jitEngine) drain(ram []byte, stop func() bool) {
	if sh := e.shared; sh != nil {
		if !sh.mu.TryLock() {
			e.waitAsks = 0
			return
		}
		defer sh.mu.Unlock()
		if g := sh.flushGen.Load(); g != e.seenGen.Load() {
			e.letGo(g)
			sh.tryReset()
		}
	}
	done := 0
	for _, q := range e.queue {
		if stop != nil && stop() {
			break
		}
		done++
		if c := &e.cold[recentSlot(q.page, q.pc)]; c.pc == q.pc && c.page == q.page {
			*c = jitCold{} // counted again from scratch if it is left out
		}
		if e.cache.code[q.page] == nil || e.block(q.page, q.pc) != nil {
			continue
		}
		if m := e.adoptable(ram, q.page, q.pc, q.page<<pageShift); m != nil {
			e.adopt(m)
			continue
		}
		if e.translate(ram, q.pc, q.page<<pageShift) == nil {
			done = len(e.queue) // the shared memory is full: the queue went with everything else
			break
		}
	}
	rest := copy(e.queue, e.queue[min(done, len(e.queue)):])
	clear(e.queue[rest:])
	e.queue = e.queue[:rest]
	if rest == 0 {
		e.waitAsks = 0 // (stopped early, the rest waits for the next idle moment)
	}
	e.publish()
}

// block returns the block starting at pc in RAM page p, if translated.
func (e *jitEngine) block(p, pc uint64) *jitBlock {
	r := &e.recent[recentSlot(p, pc)]
	if b := *r; b != nil && b.pc == pc && b.page == p && !b.dead {
		return b
	}
	if jp := e.pages[p]; jp != nil {
		if b := jp.blocks[pc]; b != nil {
			*r = b
			return b
		}
	}
	return nil
}

// translate compiles the block starting at pc, which lies in the RAM page
// at pageOff, and records it (a PC that can start no block gets a block
// whose code is the slow stub, so it is not tried again).
//
// A sharing engine (shared.mu held) records the guest bytes each block
// was compiled from (sharedGuest); it returns nil, adding nothing, while
// the shared memory is full.
func (e *jitEngine) translate(ram []byte, pc, pageOff uint64) *jitBlock {
	p := pageOff >> pageShift
	if c := &e.cold[recentSlot(p, pc)]; c.pc == pc && c.page == p {
		*c = jitCold{} // counted no more: see counting
	}
	marks := e.cache.pageMarks(p)
	if e.shared != nil && e.shared.full {
		return nil
	}
	e.plan.make(ram, pc, pageOff, planOptions{lockstep: e.lockstep, parallel: e.parallel, watching: e.watching()}, marks)
	b := &jitBlock{pc: pc, page: p, start: uint16(pc & (pageSize - 1)), code: e.slowStub, ready: true}
	b.end = b.start + uint16(e.plan.bytes())
	if b.end == b.start {
		b.end = b.start + 2 // a PC that starts nothing still depends on its bytes
	}
	if len(e.plan.insts) > 0 {
		code, n, err := e.emit()
		if err != nil && e.shared != nil && errors.Is(err, jit.ErrFull) {
			return nil
		}
		if err == nil {
			perfMapBlock(code, n, pc, len(e.plan.insts))
			b.code, b.ready = code, false
			e.pending = append(e.pending, b)
			if e.shared != nil {
				var guest []byte
				if marks == nil {
					guest = e.plan.sharedGuest(ram, pageOff)
				}
				e.pendingGuest = append(e.pendingGuest, guest)
			}
			e.stats.Blocks++
			e.stats.Insts += uint64(len(e.plan.insts))
			e.stats.CodeBytes += uint64(n)
		}
	}
	e.add(b)
	return b
}

// watching reports whether a watchpoint watches loads (planOptions).
func (e *jitEngine) watching() bool {
	return len(e.cache.users) > 0 && e.cache.users[0].sys.dbg.watchesLoads()
}

// translateNow translates the block at pc and publishes it at once (tests'
// translate-at-first-sight).
func (e *jitEngine) translateNow(ram []byte, pc, pageOff uint64) *jitBlock {
	if sh := e.shared; sh != nil {
		sh.mu.Lock()
		defer sh.mu.Unlock()
		if g := sh.flushGen.Load(); g != e.seenGen.Load() {
			e.letGo(g)
			sh.tryReset()
		}
	}
	b := e.translate(ram, pc, pageOff)
	if b != nil && !b.ready {
		e.publish()
	}
	return b
}

// emit compiles e.plan into code memory, dropping every translation once
// if memory is full (shared memory: see jitShared).
func (e *jitEngine) emit() (uintptr, int, error) {
	for attempt := 0; ; attempt++ {
		code, n, err := e.gen.compile(e, &e.plan)
		if err != nil && e.shared != nil && errors.Is(err, jit.ErrFull) {
			clear(e.pending) // (their code is in the memory being dropped)
			e.pending = e.pending[:0]
			clear(e.pendingGuest)
			e.pendingGuest = e.pendingGuest[:0]
			e.shared.startFlush(e)
			return 0, 0, err
		}
		if err == nil || !errors.Is(err, jit.ErrFull) || attempt > 0 {
			return code, n, err
		}
		e.flushAll()
	}
}

func (e *jitEngine) add(b *jitBlock) {
	jp := e.pages[b.page]
	if jp == nil {
		jp = &jitPage{blocks: map[uint64]*jitBlock{}}
		e.pages[b.page] = jp
	}
	if old := jp.blocks[b.pc]; old != nil {
		e.kill(old)
	}
	jp.blocks[b.pc] = b
	jp.cover(b.start, b.end)
	e.recent[recentSlot(b.page, b.pc)] = b
}

func (jp *jitPage) cover(start, end uint16) {
	for hw := start >> 1; hw < end>>1; hw++ {
		jp.covered[hw>>6] |= 1 << (hw & 63)
	}
}

// covers reports whether any block of the page holds a byte of [lo, hi).
func (jp *jitPage) covers(lo, hi uint64) bool {
	for hw := lo >> 1; hw <= (hi-1)>>1; hw++ {
		if jp.covered[hw>>6]&(1<<(hw&63)) != 0 {
			return true
		}
	}
	return false
}

// link points slot (an exit of a block on the page of b) at b.
func (e *jitEngine) link(slot uintptr, b *jitBlock) {
	b.incoming = append(b.incoming, jitLink{slot: slot, orig: e.mem.Word(slot)})
	e.mem.SetWord(slot, b.code)
	e.stats.Linked++
}

// kill makes b unreachable: links into it go back to their lookup stubs.
// The caller empties the jump caches.
func (e *jitEngine) kill(b *jitBlock) {
	if b.dead {
		return
	}
	b.dead = true
	for _, l := range b.incoming {
		e.mem.SetWord(l.slot, l.orig)
	}
	b.incoming = nil
	e.stats.Killed++
}

// stored is the store hook: a store of n bytes at RAM offset off (within
// one page) kills the blocks translated from those bytes.
func (e *jitEngine) stored(off, n uint64) {
	jp := e.pages[off>>pageShift]
	if jp == nil {
		return
	}
	lo := off & (pageSize - 1)
	hi := lo + n
	if !jp.covers(lo, hi) {
		return
	}
	jp.covered = [slotsPerPage / 64]uint64{}
	for pc, b := range jp.blocks {
		if lo < uint64(b.end) && uint64(b.start) < hi {
			e.kill(b)
			delete(jp.blocks, pc)
			continue
		}
		jp.cover(b.start, b.end)
	}
	e.cache.flushCodeTLBs()
}

// dropPage kills every block of RAM page p (its decoded copy is dropped).
func (e *jitEngine) dropPage(p uint64) {
	jp := e.pages[p]
	if jp == nil {
		return
	}
	for _, b := range jp.blocks {
		e.kill(b)
	}
	e.pages[p] = nil
	e.cache.flushCodeTLBs()
}

// dropAll kills every block (the decode cache was dropped).
func (e *jitEngine) dropAll() { e.flushAll() }

// flushAll kills every block and starts the code memory afresh (a sharing
// engine only drops its own blocks: the memory is the shared one's).
func (e *jitEngine) flushAll() {
	if e.shared != nil {
		e.flushLocal()
		return
	}
	e.flushLocal()
	if err := e.mem.Reset(); err != nil {
		panic(err)
	}
	e.flushes++
	e.stats.Flushes++
	if err := e.writeStubs(); err != nil {
		panic(err) // an empty code memory holds the stubs: never full
	}
}

// flushLocal kills every block of the engine and forgets its counts.
func (e *jitEngine) flushLocal() {
	for p, jp := range e.pages {
		if jp == nil {
			continue
		}
		for _, b := range jp.blocks {
			b.dead = true
			b.incoming = nil
		}
		e.stats.Killed += uint64(len(jp.blocks))
		e.pages[p] = nil
	}
	e.recent = [jitRecent]*jitBlock{}
	e.cold = [jitRecent]jitCold{}
	clear(e.pending)
	e.pending = e.pending[:0]
	clear(e.pendingGuest)
	e.pendingGuest = e.pendingGuest[:0]
	clear(e.queue)
	e.queue = e.queue[:0]
	e.waitAsks = 0
	if e.shared != nil {
		e.flushes++ // (linkTo's check: blocks went)
		e.stats.Flushes++
	}
	for _, h := range e.cache.users {
		h.jit.link = 0
	}
	e.cache.flushCodeTLBs()
}

// blockPlan is a block chosen for translation: its instructions and how it
// ends.
type blockPlan struct {
	pc    uint64
	insts []jitInst
	// How the block ends when its last instruction falls through (a jump
	// ends it by itself): at next, either through a lookup (the block was
	// long enough, or reached its page's end) or, with endSlow, by asking
	// the interpreter for the instruction there.
	next     uint64
	endSlow  bool
	endJump  bool
	lockstep bool
}

type jitInst struct {
	inst
	pc uint64
}

// bytes is the length of guest code the plan covers.
func (p *blockPlan) bytes() uint64 { return p.next - p.pc }

// make chooses the block that starts at pc in the RAM page at pageOff,
// whose breakpoint marks are marks (nil: none). A block ends before a
// marked instruction (and one starting there is empty): the interpreter
// runs marked slots (debug.go).
func (p *blockPlan) make(ram []byte, pc, pageOff uint64, opt planOptions, marks *slotMarks) {
	*p = blockPlan{pc: pc, insts: p.insts[:0], lockstep: opt.lockstep}
	for len(p.insts) < jitMaxBlock {
		o := pc & (pageSize - 1)
		if marks != nil && marks.has(o) {
			p.endSlow = true
			break
		}
		if o == pageSize-2 && ram[pageOff+o]&3 == 3 {
			p.endSlow = true // its upper half is on the next page
			break
		}
		in := decodeRAM(ram, pageOff+o)
		if !jitTranslatable(&in, opt.parallel) || (in.op == opBNE && isLoopBranch(ram, pageOff, &in, pc)) ||
			(opt.watching && (in.op == opAMOW || in.op == opAMOD)) {
			p.endSlow = true // a bulk loop's branch too: the interpreter runs it in bulk
			break
		}
		p.insts = append(p.insts, jitInst{inst: in, pc: pc})
		pc += uint64(in.ilen)
		if in.op == opJAL || in.op == opJ || in.op == opJALR || in.op == opJR {
			p.endJump = true
			break
		}
		if in.op >= opBEQ && in.op <= opBGEU && pc-uint64(in.ilen)+uint64(in.imm) == p.pc {
			// A loop closing on the block's start: the code after it is
			// another block, so that the loop's registers are the ones
			// kept in host registers.
			break
		}
		if pc&(pageSize-1) == 0 {
			break
		}
	}
	p.next = pc
}

// planOptions: how the engine wants its blocks.
type planOptions struct {
	lockstep bool // log stores (lockstep mode)
	parallel bool // harts run at once: AMOs must be host atomics (the interpreter's)
	// watching: a watchpoint watches loads. AMOs are then the interpreter's: the
	// store TLB that generated code probes may hold a page watched for
	// loads (only stores keep a page out of it), and an AMO reads.
	watching bool
}

// jitTranslatable: the instructions generated code does itself.
func jitTranslatable(in *inst, parallel bool) bool {
	switch op := in.op; {
	case op >= opLUI && op <= opREMUW, op == opFENCE, op == opJ, op == opJR, op == opLoadToX0:
		return true
	case op == opAMOW || op == opAMOD:
		// Reservations stay the interpreter's, and AMOs of parallel harts
		// too (execAMOParallel: host atomics).
		return in.imm != amoLR && in.imm != amoSC && !parallel
	case op >= opCSRRW && op <= opCSRRCI:
		c, ok := jitCSR(uint16(in.imm))
		return ok && (!csrWrites(in) || c.kind == csrPlain || c.kind == csrSstatusKind)
	}
	return false
}

// csrWrites reports whether a CSR instruction writes its CSR.
func csrWrites(in *inst) bool {
	return in.op == opCSRRW || in.op == opCSRRWI || in.rs1 != 0
}

// How generated code does a CSR instruction. xv6 touches sstatus around
// every spinlock (intr_off/intr_on) and the trap CSRs on every trap: left
// to the interpreter, they were two thirds of all exits from generated
// code in usertests.
const (
	csrPlain       = iota + 1 // a field, read and written (a write clears wclr)
	csrReadOnly               // a field, read; a write leaves for the interpreter
	csrSstatusKind            // sstatus: mstatus seen through its mask; writes that would flush TLBs or unmask an interrupt leave
	csrSatpRead               // satp: read, unless mstatus.TVM forbids it in S-mode
)

type jitCSRInfo struct {
	kind uint8
	off  uintptr // the field in Hart
	wclr uint64  // bits a write clears
}

func jitCSR(n uint16) (jitCSRInfo, bool) {
	const base = unsafe.Offsetof(Hart{}.csr)
	var c csrState
	switch n {
	case csrSscratch:
		return jitCSRInfo{kind: csrPlain, off: base + unsafe.Offsetof(c.sscratch)}, true
	case csrSepc:
		return jitCSRInfo{kind: csrPlain, off: base + unsafe.Offsetof(c.sepc), wclr: 1}, true
	case csrScause:
		return jitCSRInfo{kind: csrPlain, off: base + unsafe.Offsetof(c.scause)}, true
	case csrStval:
		return jitCSRInfo{kind: csrPlain, off: base + unsafe.Offsetof(c.stval)}, true
	case csrStvec:
		return jitCSRInfo{kind: csrPlain, off: base + unsafe.Offsetof(c.stvec), wclr: 2}, true
	case csrMscratch:
		return jitCSRInfo{kind: csrPlain, off: base + unsafe.Offsetof(c.mscratch)}, true
	case csrMepc:
		return jitCSRInfo{kind: csrPlain, off: base + unsafe.Offsetof(c.mepc), wclr: 1}, true
	case csrMcause:
		return jitCSRInfo{kind: csrPlain, off: base + unsafe.Offsetof(c.mcause)}, true
	case csrMtval:
		return jitCSRInfo{kind: csrPlain, off: base + unsafe.Offsetof(c.mtval)}, true
	case csrMtvec:
		return jitCSRInfo{kind: csrPlain, off: base + unsafe.Offsetof(c.mtvec), wclr: 2}, true
	case csrMedeleg:
		return jitCSRInfo{kind: csrReadOnly, off: base + unsafe.Offsetof(c.medeleg)}, true
	case csrMideleg:
		return jitCSRInfo{kind: csrReadOnly, off: base + unsafe.Offsetof(c.mideleg)}, true
	case csrMie:
		return jitCSRInfo{kind: csrReadOnly, off: base + unsafe.Offsetof(c.mie)}, true
	case csrSstatus:
		return jitCSRInfo{kind: csrSstatusKind, off: base + unsafe.Offsetof(c.mstatus)}, true
	case csrSatp:
		return jitCSRInfo{kind: csrSatpRead, off: base + unsafe.Offsetof(c.satp)}, true
	}
	return jitCSRInfo{}, false
}

// jitRegs returns the registers an instruction reads (a mask) and the one
// it writes (0: none; x0 is never written).
func jitRegs(in *inst) (uses uint32, def uint8) {
	r1, r2 := uint32(1)<<(in.rs1&31), uint32(1)<<(in.rs2&31)
	switch {
	case in.op == opLUI, in.op == opAUIPC, in.op == opJAL:
		return 0, in.rd & 31
	case in.op == opJALR:
		return r1, in.rd & 31
	case in.op == opJR, in.op == opLoadToX0:
		return r1, 0
	case in.op >= opBEQ && in.op <= opBGEU, in.op >= opSB && in.op <= opSD:
		return r1 | r2, 0
	case in.op >= opLB && in.op <= opLWU, in.op >= opADDI && in.op <= opSRAI, in.op >= opADDIW && in.op <= opSRAIW:
		return r1, in.rd & 31
	case in.op >= opADD && in.op <= opAND, in.op >= opADDW && in.op <= opREMUW,
		in.op == opAMOW, in.op == opAMOD:
		return r1 | r2, in.rd & 31
	case in.op >= opCSRRW && in.op <= opCSRRC:
		return r1, in.rd & 31
	case in.op >= opCSRRWI && in.op <= opCSRRCI:
		return 0, in.rd & 31
	}
	return 0, 0
}

// hotRegs picks up to n guest registers to keep in host registers while
// the plan's block runs: the most used, if used more than once (in a block
// that loops, every one: each use repeats). It also reports which of them
// the block reads before writing (to load on entry) and which it writes
// anywhere.
func (p *blockPlan) hotRegs(n int, loops bool) (hot []uint8, loadIn, written uint32) {
	var count [32]int
	var seen uint32
	for i := range p.insts {
		uses, def := jitRegs(&p.insts[i].inst)
		uses &^= 1 // x0
		for m := uses; m != 0; m &= m - 1 {
			r := bits.TrailingZeros32(m)
			count[r]++
		}
		loadIn |= uses &^ seen
		seen |= uses
		if def != 0 {
			count[def]++
			seen |= 1 << def
			written |= 1 << def
		}
	}
	least := 1
	if loops {
		least = 0
	}
	for len(hot) < n {
		best, bestCount := 0, least
		for r := 1; r < 32; r++ {
			if count[r] > bestCount {
				best, bestCount = r, count[r]
			}
		}
		if best == 0 {
			break
		}
		hot = append(hot, uint8(best))
		count[best] = 0
	}
	return hot, loadIn, written
}
