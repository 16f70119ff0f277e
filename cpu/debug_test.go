package cpu

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Breakpoints: with one at B, Run with a large budget stops exactly where
// single steps first reach B (same PC, registers and retired count), the
// hart held and the stop reported, and a released hart runs on to the next
// arrival. Each program ends in `j .`; data lives at ramBase+0x10000.

// bpProgram is a loop and where it starts.
type bpProgram struct {
	name   string
	origin uint64   // where code is loaded
	code   []uint32 // mixed 16/32-bit (loadMixed)
	bp     int      // index into code of the breakpoint's instruction
	regs   map[int]uint64
}

const bpData = ramBase + 0x10000

var bpPrograms = []bpProgram{
	{name: "fused addi pair, first", origin: ramBase,
		code: []uint32{encADDI(rA0, rA0, 1), encADDI(rA1, rA1, 2), encBNE(rA0, rA2, -8), encJAL(0, 0)},
		bp:   0, regs: map[int]uint64{rA2: 1000}},
	{name: "fused addi pair, second", origin: ramBase,
		code: []uint32{encADDI(rA0, rA0, 1), encADDI(rA1, rA1, 2), encBNE(rA0, rA2, -8), encJAL(0, 0)},
		bp:   1, regs: map[int]uint64{rA2: 1000}},
	{name: "compressed", origin: ramBase,
		code: []uint32{encADDI(rA0, rA0, 1), encCADDIa5p1, encBNE(rA0, rA2, -6), encJAL(0, 0)},
		bp:   1, regs: map[int]uint64{rA2: 1000}},
	{name: "bulk fill loop, its store", origin: ramBase,
		code: append(append([]uint32{}, memsetBytes...), encJAL(0, 0)),
		bp:   0, regs: map[int]uint64{rA5: bpData, rA4: bpData + 0x200, rA1: 0x5a}},
	{name: "bulk fill loop, its branch", origin: ramBase,
		code: append(append([]uint32{}, memsetBytes...), encJAL(0, 0)),
		bp:   2, regs: map[int]uint64{rA5: bpData, rA4: bpData + 0x200, rA1: 0x5a}},
	{name: "bulk copy loop, second of its fused addi pair", origin: ramBase,
		code: append(append([]uint32{}, copyForward...), encJAL(0, 0)),
		bp:   1, regs: map[int]uint64{rA1: bpData, rA4: bpData + 0x1000, rA5: bpData + 0x300}},
	{name: "32-bit instruction across the page end", origin: ramBase + 0xff8,
		code: []uint32{encADDI(rA0, rA0, 1), encCADDIa5p1, encADDI(rA1, rA1, 1), encJAL(0, -10)},
		bp:   2},
	{name: "last instruction of a page", origin: ramBase + 0xff8,
		code: []uint32{encADDI(rA0, rA0, 1), encADDI(rA1, rA1, 1), encJAL(0, -8)},
		bp:   1},
}

// at returns the address of instruction i of the program.
func (p bpProgram) at(i int) uint64 {
	a := p.origin
	for _, c := range p.code[:i] {
		if c&3 == 3 {
			a += 4
		} else {
			a += 2
		}
	}
	return a
}

// load puts the program in m and returns a hart at its start.
func (p bpProgram) load(m *testMachine) *Hart {
	m.loadMixed(p.origin, p.code...)
	h := m.hart(p.origin)
	for r, v := range p.regs {
		h.X[r] = v
	}
	return h
}

// stepTo single-steps the reference hart to its next arrival at pc.
func stepTo(t *testing.T, h *Hart, pc uint64) {
	t.Helper()
	for i := 0; i < 100000; i++ {
		require.Equal(t, 1, h.Run(1))
		if h.PC == pc {
			return
		}
	}
	t.Fatalf("the reference never reaches %#x", pc)
}

// runToStop runs h in large budgets until it is held (or fails).
func runToStop(t *testing.T, h *Hart) {
	t.Helper()
	for i := 0; i < 100 && !h.Held(); i++ {
		h.Run(5000)
	}
	require.True(t, h.Held(), "the breakpoint never stopped the hart")
}

func assertSameState(t *testing.T, ref, h *Hart, msg string) {
	t.Helper()
	assert.Equal(t, ref.PC, h.PC, "%s: pc", msg)
	assert.Equal(t, ref.Instret, h.Instret, "%s: retired", msg)
	assert.Equal(t, ref.X, h.X, "%s: registers", msg)
}

func TestBreakpointStopsWhereSingleStepsArrive(t *testing.T) {
	for _, p := range bpPrograms {
		for _, mode := range []JITMode{JITOff, JITOn} {
			t.Run(p.name+"/jit "+mode.String(), func(t *testing.T) {
				if mode == JITOn && !JITAvailable {
					t.Skip("no translator on this host")
				}
				ref := newTestMachineMode(t, JITOff)
				rh := p.load(ref)
				m := newTestMachineMode(t, mode)
				h := p.load(m)
				var stops []DebugStop
				m.sys.OnDebugStop(func(x *Hart, st DebugStop) {
					assert.Same(t, h, x)
					stops = append(stops, st)
				})
				bp := p.at(p.bp)
				// Run a while first, so that pairs are fused, loops
				// known and blocks translated before the mark comes.
				h.Run(300)
				for rh.Instret < h.Instret {
					rh.Run(1)
				}
				assertSameState(t, rh, h, "before")

				m.sys.SetBreakpoint(bp, true)
				for arrival := 1; arrival <= 3; arrival++ {
					runToStop(t, h)
					if arrival > 1 || rh.PC != bp { // a hart standing on it stops at once
						stepTo(t, rh, bp)
					}
					assertSameState(t, rh, h, "arrival")
					require.Len(t, stops, arrival)
					assert.True(t, stops[arrival-1].Breakpoint)
					assert.Zero(t, h.Run(100), "held: runs nothing")
					assert.True(t, h.Waiting())
					if arrival == 2 {
						// Re-decoding the page keeps the mark: the same
						// bytes written again, then the whole cache dropped.
						page := bp &^ (pageSize - 1)
						buf := make([]byte, pageSize)
						copy(buf, m.bus.RAM[page-ramBase:])
						require.NoError(t, m.bus.WriteDMA(page, buf))
						m.sys.dropCode(&m.sys.codeCache)
					}
					h.Release()
				}

				// Removed: it runs on as the reference does.
				m.sys.SetBreakpoint(bp, false)
				h.Run(2000)
				assert.False(t, h.Held())
				for rh.Instret < h.Instret {
					rh.Run(1)
				}
				assertSameState(t, rh, h, "after removal")
				assert.Len(t, stops, 3)
			})
		}
	}
}

// Every hart stops at a breakpoint, serial harts sharing one decode cache
// and parallel harts each marking their own.
func TestBreakpointOnEveryHart(t *testing.T) {
	p := bpPrograms[0]
	bp := p.at(1)
	for _, parallel := range []bool{false, true} {
		t.Run(map[bool]string{false: "serial", true: "parallel"}[parallel], func(t *testing.T) {
			m := newTestMachineMode(t, JITOff)
			a := p.load(m)
			b := m.hart(p.origin)
			b.X = a.X
			if parallel {
				require.True(t, m.sys.EnableParallel())
			}
			a.Run(100) // a's cache holds the page before the breakpoint
			m.sys.SetBreakpoint(bp, true)
			for _, h := range []*Hart{a, b} {
				h.Sync()
				runToStop(t, h)
				assert.Equal(t, bp, h.PC)
				h.Release()
				h.Sync()
				runToStop(t, h)
				assert.Equal(t, bp, h.PC, "and again on the next round")
			}
		})
	}
}

// A breakpoint is a virtual address: the same physical code reached
// through another virtual page runs through its mark without stopping.
func TestBreakpointAliases(t *testing.T) {
	m, h := trapHart(t)
	pt := newPageTables(m, ramBase+0x40000)
	const code = ramBase + 0x2000
	pt.mapPage(0x1000, code, pteRWX)
	pt.mapPage(0x5000, code, pteRWX)
	h.csr.satp = satpModeSv39<<60 | pt.root>>12
	h.Priv = PrivS
	m.loadMixed(code, encADDI(rA0, rA0, 1), encADDI(rA1, rA1, 1), encJAL(0, -8))
	m.sys.SetBreakpoint(0x1004, true)

	h.PC = 0x5000
	h.Run(1000)
	assert.False(t, h.Held(), "the alias runs through the mark")
	assert.Equal(t, uint64(1000), h.Instret)

	h.PC = 0x1000
	h.Run(1000)
	assert.True(t, h.Held())
	assert.Equal(t, uint64(0x1004), h.PC)
	h.Release()
	h.PC = 0x5004 // back through the alias, past the stop
	h.Run(1000)
	assert.False(t, h.Held())
}

// A release runs the instruction under the breakpoint once; a hart that
// comes back to it stops again, and so does one that arrived there by a
// trap without retiring anything.
func TestReleasePassesOnce(t *testing.T) {
	m := newTestMachineMode(t, JITOff)
	m.load(ramBase, encADDI(rA0, rA0, 1), encJAL(0, -4))
	h := m.hart(ramBase)
	m.sys.SetBreakpoint(ramBase, true)
	h.Run(10)
	require.True(t, h.Held())
	assert.Zero(t, h.Instret)
	h.Release()
	assert.Equal(t, 2, h.Run(10), "the addi and the jump back")
	assert.True(t, h.Held())
	assert.Equal(t, uint64(1), h.X[rA0])
}

// Watchpoints: an access the watchpoint covers stops the hart before its
// instruction, which has not run (nothing retired, nothing written);
// nearby bytes and other kinds do not. Released, the hart runs it.
func TestWatchpointAccesses(t *testing.T) {
	const data = ramBase + 0x20000
	const fa0 = 10
	tests := []struct {
		name  string
		code  []uint32 // mixed 16/32-bit; the hart runs them in one Run
		watch Watchpoint
		a1    uint64 // a1 before (the data pointer)
		want  *Access
	}{
		{"ld, read watch", []uint32{encLD(rA0, rA1, 8)}, Watchpoint{Addr: data + 8, Len: 8, Load: true}, data,
			&Access{Addr: data + 8, Size: 8, Load: true}},
		{"ld next to the range", []uint32{encLD(rA0, rA1, 16)}, Watchpoint{Addr: data + 8, Len: 8, Load: true}, data, nil},
		{"ld, write watch", []uint32{encLD(rA0, rA1, 8)}, Watchpoint{Addr: data + 8, Len: 8, Store: true}, data, nil},
		{"sb inside the range", []uint32{encSB(rA1, rA0, 3)}, Watchpoint{Addr: data, Len: 8, Store: true}, data,
			&Access{Addr: data + 3, Size: 1, Store: true}},
		{"sd, read watch", []uint32{encSD(rA1, rA0, 0)}, Watchpoint{Addr: data, Len: 8, Load: true}, data, nil},
		{"c.ld", []uint32{0x6188}, Watchpoint{Addr: data, Len: 1, Load: true}, data,
			&Access{Addr: data, Size: 8, Load: true}},
		{"c.sd", []uint32{0xe188}, Watchpoint{Addr: data + 7, Len: 1, Store: true}, data,
			&Access{Addr: data, Size: 8, Store: true}},
		{"lw across a page, watched second page", []uint32{encLW(rA0, rA1, 0)},
			Watchpoint{Addr: data + 0x1000, Len: 4, Load: true}, data + 0xffe,
			&Access{Addr: data + 0xffe, Size: 4, Load: true}},
		{"sd across a page, watched first page", []uint32{encSD(rA1, rA0, 0)},
			Watchpoint{Addr: data + 0xffc, Len: 4, Store: true}, data + 0xffc,
			&Access{Addr: data + 0xffc, Size: 8, Store: true}},
		{"amoadd.d", []uint32{encAMO(amoADD, 3, rA0, rA1, rA2)}, Watchpoint{Addr: data, Len: 8, Load: true}, data,
			&Access{Addr: data, Size: 8, Load: true, Store: true}},
		{"lr.w, write watch", []uint32{encAMO(amoLR, 2, rA0, rA1, 0)}, Watchpoint{Addr: data, Len: 4, Store: true}, data, nil},
		{"lr.w then sc.w, write watch", []uint32{encAMO(amoLR, 2, rA0, rA1, 0), encAMO(amoSC, 2, rA3, rA1, rA2)},
			Watchpoint{Addr: data, Len: 4, Store: true}, data, &Access{Addr: data, Size: 4, Store: true}},
		{"fld", []uint32{encFLD(fa0, rA1, 8)}, Watchpoint{Addr: data + 8, Len: 8, Load: true}, data,
			&Access{Addr: data + 8, Size: 8, Load: true}},
		{"fsw", []uint32{encFSW(rA1, fa0, 4)}, Watchpoint{Addr: data + 4, Len: 4, Store: true}, data,
			&Access{Addr: data + 4, Size: 4, Store: true}},
		{"c.fld", []uint32{0x2188}, Watchpoint{Addr: data, Len: 8, Load: true}, data,
			&Access{Addr: data, Size: 8, Load: true}},
		{"c.fsd", []uint32{0xa188}, Watchpoint{Addr: data, Len: 8, Store: true}, data,
			&Access{Addr: data, Size: 8, Store: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newTestMachine(t)
			m.loadMixed(ramBase, append(append([]uint32{}, tt.code...), encJAL(0, 0))...)
			last := len(tt.code) - 1
			at := bpProgram{origin: ramBase, code: tt.code}.at(last)
			h := m.hart(ramBase)
			h.csr.mstatus = fsDirty << msFSShift
			h.X[rA1] = tt.a1
			h.X[rA0], h.X[rA2], h.F[fa0] = 0x1122334455667788, 0x99, 0x5566778899aabbcc
			// The page was used before the watchpoint: its TLB entries go.
			h.X[rA3] = tt.a1
			h.Run(0)
			_, _ = h.loadSlow(tt.a1&^7, 1)
			h.storeSlow(tt.a1&^7, 1, 0)

			var got []DebugStop
			m.sys.OnDebugStop(func(_ *Hart, st DebugStop) { got = append(got, st) })
			m.sys.SetWatchpoints([]Watchpoint{{Addr: ramBase + 0x80000, Len: 8, Load: true}, tt.watch})
			h.Run(len(tt.code) + 5)
			if tt.want == nil {
				assert.False(t, h.Held())
				assert.Empty(t, got)
				return
			}
			require.True(t, h.Held(), "no stop")
			assert.Equal(t, at, h.PC, "stopped at the instruction")
			assert.Equal(t, uint64(last), h.Instret, "which has not run")
			assert.Equal(t, []DebugStop{{Watch: 1, Access: *tt.want}}, got)
			mem := bytes.Clone(m.bus.RAM[data-ramBase:][:0x1008])
			h.Release()
			h.Run(5)
			assert.False(t, h.Held(), "a release runs it unchecked")
			assert.Equal(t, uint64(last+1+4), h.Instret)
			if tt.want.Store {
				assert.False(t, bytes.Equal(mem, m.bus.RAM[data-ramBase:][:0x1008]), "the store was not made before")
			}
		})
	}
}

// Only the watched page leaves the TLBs; its neighbours stay on the fast
// path. Removing the watchpoint lets the page back in.
func TestWatchedPageStaysOutOfTheTLBs(t *testing.T) {
	const watched, other = ramBase + 0x20000, ramBase + 0x21000
	m := newTestMachine(t)
	h := m.hart(ramBase)
	m.sys.SetWatchpoints([]Watchpoint{{Addr: watched + 0x800, Len: 4, Load: true, Store: true}})
	for _, va := range []uint64{watched, other} {
		_, ok := h.loadSlow(va, 8)
		require.True(t, ok)
		require.True(t, h.storeSlow(va, 8, 1))
	}
	_, hit := h.ltlb.Lookup(watched)
	assert.False(t, hit, "watched page in the load TLB")
	_, hit = h.storeTLBLookup(watched)
	assert.False(t, hit, "watched page in a store TLB")
	_, hit = h.ltlb.Lookup(other)
	assert.True(t, hit)
	_, hit = h.stlb.Lookup(other)
	assert.True(t, hit)
	assert.False(t, h.Held(), "no access touched the watched bytes")

	// The slow path keeps the watched page's translations (no walk per
	// access) and still checks every access.
	_, hit = h.wltlb.Lookup(watched)
	assert.True(t, hit)
	_, hit = h.wstlb.Lookup(watched)
	assert.True(t, hit)
	assert.False(t, h.storeSlow(watched+0x802, 1, 7), "a watched byte through wstlb")
	assert.True(t, h.Held())
	assert.Zero(t, m.bus.RAM[watched+0x802-ramBase], "not stored")
	h.Release()
	_, ok := h.loadSlow(watched+0x7f8, 8)
	assert.True(t, ok, "released: the access it stopped at passes")
	h.Instret++ // the next instruction
	_, ok = h.loadSlow(watched+0x7fc, 8)
	assert.False(t, ok, "a watched load through wltlb")

	m.sys.SetWatchpoints(nil)
	_, _ = h.loadSlow(watched, 8)
	_, hit = h.ltlb.Lookup(watched)
	assert.True(t, hit)
}

// BenchmarkWatchpointSv39 is BenchmarkInterpreterLoopSv39 (a load and a
// store per 8 instructions, S-mode under Sv39) with a watchpoint on
// another page, or on the loop's data page (8 bytes it never touches, so
// each of its accesses is checked and none stops).
func BenchmarkWatchpointSv39(b *testing.B) {
	for _, c := range []struct {
		name  string
		watch uint64
	}{{"untouched page", 0x30000}, {"busy page", 0x18800}} {
		b.Run(c.name, func(b *testing.B) {
			m := newTestMachine(b)
			pt := newPageTables(m, ramBase+0x40000)
			pt.mapRange(0x10000, ramBase, 0x20000, pteRWX)
			m.load(ramBase, loopProgram()...)
			h := m.hart(0)
			h.X[5] = 0x18000
			h.PC = 0x10000
			h.csr.satp = satpModeSv39<<60 | pt.root>>12
			h.Priv = PrivS
			m.sys.SetWatchpoints([]Watchpoint{{Addr: c.watch, Len: 8, Load: true, Store: true}})
			b.ResetTimer()
			start := startMeter()
			for left := b.N; left > 0; {
				n := 1 << 14
				if n > left {
					n = left
				}
				left -= runOrFail(b, h, n)
				h.flushTLBs()
			}
			start.report(b, h.Instret)
		})
	}
}
