package cpu

import (
	"debug/elf"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testJIT is the engine every test machine runs (newTestMachine): the
// interpreter by default; RVEMU_TEST_JIT=on or lockstep runs the package's
// whole test suite on the translator (`make test` does both).
var testJIT = func() JITMode {
	m, err := ParseJITMode(os.Getenv("RVEMU_TEST_JIT"))
	if err != nil || os.Getenv("RVEMU_TEST_JIT") == "" {
		return JITOff
	}
	return m
}()

// jitMachine is a test machine with the translator in the given mode.
func jitMachine(t testing.TB, mode JITMode) *testMachine {
	t.Helper()
	if !JITAvailable {
		t.Skip("no translator on this host")
	}
	m := newTestMachine(t)
	if mode == jitOnHeating {
		mode = JITOn
	}
	if m.sys.JIT() != mode {
		m.sys.codeCache.jit = nil
		require.NoError(t, m.sys.EnableJIT(mode))
	}
	m.sys.codeCache.jit.hot = 0 // everything runs translated
	return m
}

func TestJITLoopMatchesInterpreter(t *testing.T) {
	for _, mode := range []JITMode{JITOn, JITLockstep, jitOnHeating} {
		name := mode.String()
		if mode == jitOnHeating {
			name = "on, heating up"
		}
		t.Run(name, func(t *testing.T) {
			ref := newTestMachineMode(t, JITOff)
			ref.load(ramBase, loopProgram()...)
			rh := ref.hart(ramBase)
			rh.X[5] = ramBase + 0x80000

			m := jitMachine(t, mode)
			if mode == jitOnHeating { // the threshold rvemu runs with
				m.sys.codeCache.jit.hot = jitHot
			}
			m.load(ramBase, loopProgram()...)
			h := m.hart(ramBase)
			h.X[5] = ramBase + 0x80000

			for i := 0; i < 50; i++ {
				require.Equal(t, rh.Run(1000), h.Run(1000))
				require.Equal(t, rh.X, h.X)
				require.Equal(t, rh.PC, h.PC)
				require.Equal(t, rh.Instret, h.Instret)
			}
			st := m.sys.JITStats()
			require.NotZero(t, st.Blocks)
			require.NotZero(t, st.Publishes)
			// Heating up: hot after 32 lookups (one per jitColdRun instructions
			// of cold code), compiled after jitDrainAsks more.
			require.Greater(t, st.Translated, uint64(10000))
			t.Logf("%+v", st)
		})
	}
}

// jitOnHeating is JITOn with the production threshold, for the table above.
const jitOnHeating = JITOn + 100

// newTestMachineMode is newTestMachine with the engine chosen here rather
// than by RVEMU_TEST_JIT.
func newTestMachineMode(t testing.TB, mode JITMode) *testMachine {
	t.Helper()
	saved := testJIT
	testJIT = JITOff
	m := newTestMachine(t)
	testJIT = saved
	if mode != JITOff {
		require.NoError(t, m.sys.EnableJIT(mode))
		m.sys.codeCache.jit.hot = 0 // everything runs translated
	}
	return m
}

// TestJITCodeDecodes compiles a block of each kind of operation and checks
// that the host code decodes completely as amd64 instructions.
func TestJITCodeDecodes(t *testing.T) {
	m := jitMachine(t, JITLockstep)
	m.load(ramBase, loopProgram()...)
	m.load(ramBase+0x100, encMULH(1, 2, 3), encDIV(4, 5, 6), encDIVW(7, 8, 9), encREMU(10, 11, 12),
		encLB(13, 14, 3), encLWU(15, 16, -8), encSB(17, 18, 5), encSW(19, 20, 1),
		encJALR(1, 5, 16))
	e := m.sys.codeCache.jit
	for _, pc := range []uint64{ramBase + 8, ramBase + 0x100} {
		e.plan.make(m.bus.RAM, pc, 0, planOptions{lockstep: true}, nil)
		addr, n, err := e.gen.compile(e, &e.plan)
		require.NoError(t, err)
		dump := dumpCode(e.mem.Code(addr, n))
		require.NotContains(t, dump, "??", dump)
		require.Contains(t, dump, "ret", dump)
		if testing.Verbose() {
			t.Log("\n" + dump)
		}
	}
}

// TestJITDumpELF prints the code of the blocks at RVEMU_JIT_DUMP_PCS
// (comma-separated hex) of the ELF RVEMU_JIT_DUMP_ELF: a tool for reading
// generated code, skipped otherwise.
func TestJITDumpELF(t *testing.T) {
	path, pcs := os.Getenv("RVEMU_JIT_DUMP_ELF"), os.Getenv("RVEMU_JIT_DUMP_PCS")
	if path == "" || pcs == "" {
		t.Skip("set RVEMU_JIT_DUMP_ELF and RVEMU_JIT_DUMP_PCS")
	}
	m := jitMachine(t, JITOn)
	f, err := elf.Open(path)
	require.NoError(t, err)
	for _, p := range f.Progs {
		if p.Type == elf.PT_LOAD && p.Filesz > 0 && p.Paddr >= ramBase {
			_, err := p.ReadAt(m.bus.RAM[p.Paddr-ramBase:p.Paddr-ramBase+p.Filesz], 0)
			require.NoError(t, err)
		}
	}
	e := m.sys.codeCache.jit
	for _, s := range strings.Split(pcs, ",") {
		pc, err := strconv.ParseUint(strings.TrimPrefix(s, "0x"), 16, 64)
		require.NoError(t, err)
		e.plan.make(m.bus.RAM, pc, (pc-ramBase)&^(pageSize-1), planOptions{}, nil)
		addr, n, err := e.gen.compile(e, &e.plan)
		require.NoError(t, err)
		t.Logf("block %#x, %d instructions:\n%s", pc, len(e.plan.insts), dumpCode(e.mem.Code(addr, n)))
	}
}

// TestLockstepLogBounds runs a store loop much longer than lockstep's store
// log in one block: the loop must leave to empty the log rather than write
// past it.
func TestLockstepLogBounds(t *testing.T) {
	m := jitMachine(t, JITLockstep)
	m.load(ramBase,
		encSD(5, 6, 0),   // loop: sd x6, 0(x5)
		encADDI(6, 6, 1), // x6++
		encBNE(6, 7, -8), // until x6 == x7
		encJAL(0, 0),     // j .
	)
	h := m.hart(ramBase)
	h.X[5], h.X[7] = ramBase+0x8000, 3*lockLogRecords
	for h.PC != ramBase+12 {
		h.Run(100000)
	}
	require.Equal(t, uint64(3*lockLogRecords), h.X[6])
	require.NotZero(t, m.sys.JITStats().Exits[exitYield])
}

// TestJITWatchpointInLoop: a watchpoint set while a loop runs translated
// in M-mode (where translated code reaches RAM without the TLBs) stops the
// hart at the store into the watched bytes.
func TestJITWatchpointInLoop(t *testing.T) {
	const data = ramBase + 0x20000
	m := jitMachine(t, JITOn)
	m.load(ramBase,
		encSD(5, 6, 0),   // loop: sd x6, 0(x5)
		encADDI(5, 5, 8), // x5 += 8
		encADDI(6, 6, 1), // x6++
		encBNE(6, 7, -12),
		encJAL(0, 0))
	h := m.hart(ramBase)
	h.X[5], h.X[7] = data, 1000
	h.Run(200) // translated and running
	require.NotZero(t, m.sys.JITStats().Translated)
	var got []DebugStop
	m.sys.OnDebugStop(func(_ *Hart, st DebugStop) { got = append(got, st) })
	m.sys.SetWatchpoints([]Watchpoint{{Addr: data + 8*500, Len: 8, Store: true}})
	for i := 0; i < 10 && !h.Held(); i++ {
		h.Run(1000)
	}
	require.True(t, h.Held())
	require.Equal(t, uint64(data+8*500), h.X[5], "stopped at the store to the watched word")
	require.Equal(t, []DebugStop{{Watch: 0, Access: Access{Addr: data + 8*500, Size: 8, Store: true}}}, got)
}

// TestJITSstatusSetSIEKeepsOldValue: a CSR instruction that sets
// sstatus.SIE checks for a pending interrupt in generated code, which
// used the register holding the old value for rd (FuzzEngines, seed 17:
// csrrsi a6, sstatus, 27 gave a6 = 0 on the translator).
func TestJITSstatusSetSIEKeepsOldValue(t *testing.T) {
	program := []uint32{
		iType(0x73, 6, 16, 0x1b, 0x100), // csrrsi a6, sstatus, 27
		iType(0x73, 2, 17, 0, 0x100),    // csrr a7, sstatus
		encCSRRC(0, 0x100, 18),          // csrc sstatus, s2 (SIE off again)
		encCSRRS(19, 0x100, 18),         // csrrs s3, sstatus, s2 (SIE on, register form)
		encJAL(0, 0),
	}
	run := func(m *testMachine) *Hart {
		m.load(ramBase, program...)
		h := m.hart(ramBase)
		h.setPriv(PrivS)
		h.X[18] = msSIE
		h.Run(100)
		return h
	}
	ref := run(newTestMachineMode(t, JITOff))
	require.NotZero(t, ref.X[16])
	for _, mode := range []JITMode{JITOn, JITLockstep} {
		t.Run(mode.String(), func(t *testing.T) {
			m := jitMachine(t, mode)
			h := run(m)
			require.NotZero(t, m.sys.JITStats().Translated)
			require.Equal(t, ref.X, h.X)
			require.Equal(t, ref.PC, h.PC)
			require.Equal(t, ref.ReadCSR(csrSstatus), h.ReadCSR(csrSstatus))
		})
	}
}

// Code that becomes hot is queued, not compiled in the middle of what the
// guest is doing: it is compiled and published in one batch when the
// board finds the hart idle (TranslateHot), or, on a hart that never
// idles, once the queue has been asked for jitDrainAsks times.
func TestJITHotCodeWaitsForIdleOrDrainAsks(t *testing.T) {
	loop := func(t *testing.T) (*testMachine, *Hart, *jitEngine) {
		m := jitMachine(t, JITOn)
		e := m.sys.codeCache.jit
		e.hot = jitHot // the threshold rvemu runs with
		m.load(ramBase, insAddA0One, insJBack4)
		return m, m.hart(ramBase), e
	}
	// Cold code is looked up every jitColdRun instructions, which the
	// loop's two divide: every lookup finds its start.
	lookups := func(n int) int { return jitColdRun * n }

	t.Run("idle", func(t *testing.T) {
		m, h, e := loop(t)
		h.Run(lookups(jitHot + 10))
		st := m.sys.JITStats()
		require.Zero(t, st.Blocks, "hot, but not compiled while the guest runs")
		require.Len(t, e.queue, 1)
		h.TranslateHot()
		require.Zero(t, m.sys.JITStats().Blocks, "idle, but the queue was asked for too few times to pay for a batch")
		h.Run(lookups(jitIdleAsks))
		published := st.Publishes

		h.TranslateHot()
		st = m.sys.JITStats()
		require.Equal(t, uint64(1), st.Blocks)
		require.Equal(t, published+1, st.Publishes, "one batch")
		require.Equal(t, uint64(1), st.IdleDrains)
		require.Empty(t, e.queue)

		before := h.X[10]
		h.Run(1000)
		require.Equal(t, before+500, h.X[10])
		require.Equal(t, uint64(1000), m.sys.JITStats().Translated, "runs translated from the next Run on")
	})

	t.Run("busy", func(t *testing.T) {
		m, h, _ := loop(t)
		// A few lookups short of jitHot (to queue it) + jitDrainAsks.
		h.Run(lookups(jitHot + jitDrainAsks - 3))
		require.Zero(t, m.sys.JITStats().Blocks, "waits while interpreting it costs less than a batch")
		h.Run(lookups(jitMinBudget)) // (shorter Runs only interpret)
		st := m.sys.JITStats()
		require.Equal(t, uint64(1), st.Blocks, "compiled once the queue was asked for jitDrainAsks times")
		require.Zero(t, st.IdleDrains)
		require.NotZero(t, st.Translated)
		require.Equal(t, uint64(lookups(jitHot+jitDrainAsks-3)+lookups(jitMinBudget)), h.Instret)
	})

	t.Run("dropped page", func(t *testing.T) {
		m, h, e := loop(t)
		h.Run(lookups(jitHot + jitIdleAsks))
		require.Len(t, e.queue, 1)
		m.sys.dropCodePage(&m.sys.codeCache, 0)
		h.TranslateHot()
		require.Zero(t, m.sys.JITStats().Blocks, "a page the cache no longer holds is not translated")
		require.Empty(t, e.queue)
		before := h.X[10]
		h.Run(lookups(jitHot + jitIdleAsks))
		require.Equal(t, before+uint64(lookups(jitHot+jitIdleAsks)/2), h.X[10])
		h.TranslateHot()
		require.Equal(t, uint64(1), m.sys.JITStats().Blocks, "counted again, queued again, translated")
	})
}

// After a TLB flush the jump cache takes an entry back without the block
// table when its block lives and the PC still fetches from that block's
// page; a PC whose page was remapped meanwhile runs the new page's code,
// even once another jump has put the new mapping into the code TLB.
func TestJITJumpCacheAfterRemap(t *testing.T) {
	m, h, pt := sv39Hart(t)
	m.sys.codeCache.jit = nil
	require.NoError(t, m.sys.EnableJIT(JITOn))
	m.sys.codeCache.jit.hot = 0 // everything runs translated
	const (
		p1 = ramBase + 0x1000
		p2 = ramBase + 0x2000
	)
	// VA 0x10000: call 0x11108, call 0x11100, loop. (The jump cache is
	// indexed by the PC's low bits: no two of these PCs share an entry.)
	m.load(ramBase, encJALR(1, 6, 0), encJALR(1, 5, 0), encJAL(0, -8))
	// Two versions of VA 0x11100: a1 += 1 or 100 at +0, a2 += 1 at +8.
	m.load(p1+0x100, encADDI(11, 11, 1), encJALR(0, 1, 0), encADDI(12, 12, 1), encJALR(0, 1, 0))
	m.load(p2+0x100, encADDI(11, 11, 100), encJALR(0, 1, 0), encADDI(12, 12, 1), encJALR(0, 1, 0))
	pt.mapPage(0x11000, p1, pteRWX)
	h.X[5], h.X[6] = 0x11100, 0x11108

	const iters, perIter = 1000, 7 // jalr, addi, jalr, jalr, addi, jalr, jal
	require.Equal(t, iters*perIter, h.Run(iters*perIter))
	require.Equal(t, uint64(iters), h.X[11])
	for round := 0; round < 2; round++ {
		h.flushTLBs() // what sfence.vma does: the jump cache's epoch moves on
		before := h.X[11]
		require.Equal(t, iters*perIter, h.Run(iters*perIter))
		assert.Equal(t, before+iters, h.X[11], "same mapping: the same code")
	}

	pt.mapPage(0x11000, p2, pteRWX)
	h.flushTLBs()
	before := h.X[11]
	require.Equal(t, iters*perIter, h.Run(iters*perIter))
	assert.Equal(t, before+100*iters, h.X[11], "remapped: the new page's code from the first call on")
	assert.Equal(t, uint64(4*iters), h.X[12])
	assert.Greater(t, m.sys.JITStats().Translated, uint64(3*iters*perIter))
}

// An AMO reads its word, so a watchpoint for loads stops it, in generated
// code too: there the store TLB it probes may hold a page watched only for
// loads (a plain store to the page put it there). Found by reading the
// generated AMO against execAMO.
func TestJITAMOOnLoadWatchedPage(t *testing.T) {
	for _, translated := range []bool{false, true} {
		t.Run(fmt.Sprint("translated=", translated), func(t *testing.T) {
			m := newTestMachineMode(t, JITOn)
			if m.sys.codeCache.jit == nil {
				t.Skip("no translator on this host")
			}
			m.sys.codeCache.jit.hot = 0
			const data = ramBase + 0x40000
			// loop: sd a0, 8(a1); amoadd.d a3, a2, (a1); j loop
			m.load(ramBase, encSD(rA1, rA0, 8), encAMO(amoADD, 3, rA3, rA1, rA2), encJAL(0, -8))
			h := m.hart(ramBase)
			h.X[rA1], h.X[rA2] = data, 1
			if translated {
				h.Run(300) // translated before the watchpoint is set
				require.NotZero(t, m.sys.JITStats().Translated)
			}
			m.sys.SetWatchpoints([]Watchpoint{{Addr: data, Len: 8, Load: true}})
			var got []DebugStop
			m.sys.OnDebugStop(func(_ *Hart, st DebugStop) { got = append(got, st) })
			before := h.Instret
			h.Run(300)
			require.True(t, h.Held(), "the amoadd reads the watched word")
			assert.Equal(t, uint64(ramBase+4), h.PC)
			assert.LessOrEqual(t, h.Instret-before, uint64(3), "at the first amoadd")
			assert.Equal(t, []DebugStop{{Watch: 0, Access: Access{Addr: data, Size: 8, Load: true, Store: true}}}, got)
		})
	}
}
