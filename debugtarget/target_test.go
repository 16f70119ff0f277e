package debugtarget

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/bus"
	"github.com/rvemu/rvemu/cpu"
	"github.com/rvemu/rvemu/gdbstub"
)

// fakeBoard is the smallest Board: harts on a bus, Post runs at once, Run
// is the hart's own.
type fakeBoard struct {
	bus   *bus.Bus
	sys   *cpu.System
	harts []*cpu.Hart
	runs  int
}

// turn is one turn of the board's loop: the target's Turn while it is
// active, otherwise a quantum for each hart that is not waiting.
func (b *fakeBoard) turn(tg *Target) {
	if tg.Active() {
		tg.Turn()
		return
	}
	for _, h := range b.harts {
		if !h.Waiting() {
			b.Run(h, 100)
		}
	}
}

func (b *fakeBoard) Harts() []*cpu.Hart  { return b.harts }
func (b *fakeBoard) System() *cpu.System { return b.sys }
func (b *fakeBoard) Bus() *bus.Bus       { return b.bus }
func (b *fakeBoard) Post(fn func())      { fn() }
func (b *fakeBoard) Run(h *cpu.Hart, n int) (int, bool) {
	b.runs++
	return h.Run(n), false
}

const (
	ramBase = 0x8000_0000
	loopPC  = ramBase      // addi s0, s0, 1
	storePC = ramBase + 4  // sd s0, 0(t0)
	loadPC  = ramBase + 8  // ld t1, 0(t0)
	jumpPC  = ramBase + 12 // j loopPC
	counter = ramBase + 0x1000
	regS0   = gdbstub.Reg(8)
)

func newFakeBoard(t *testing.T, harts int) *fakeBoard {
	t.Helper()
	b := bus.New(ramBase, 1<<20)
	for i, w := range []uint32{0x00140413, 0x0082b023, 0x0002b303, 0xff5ff06f} {
		binary.LittleEndian.PutUint32(b.RAM[4*i:], w)
	}
	sys := cpu.NewSystem(b, func() uint64 { return 0 })
	fb := &fakeBoard{bus: b, sys: sys}
	for i := 0; i < harts; i++ {
		h := sys.NewHart(i)
		h.PC = ramBase
		h.X[5] = counter // t0
		fb.harts = append(fb.harts, h)
	}
	return fb
}

// attach returns a halted, attached target and the stops it reports.
func attach(t *testing.T, b Board) (*Target, *[]gdbstub.Stop) {
	t.Helper()
	tg := New(b, true)
	var stops []gdbstub.Stop
	tg.Attach(func(s gdbstub.Stop) { stops = append(stops, s) })
	require.True(t, tg.Active())
	return tg, &stops
}

func TestBreakpointStepWatch(t *testing.T) {
	b := newFakeBoard(t, 1)
	tg, stops := attach(t, b)
	assert.False(t, tg.Turn(), "halted: no hart runs")

	tg.SetBreakpoint(storePC, true)
	tg.Continue()
	assert.False(t, tg.Active(), "a breakpoint alone: the board runs its own quanta")
	b.turn(tg)
	assert.Equal(t, []gdbstub.Stop{{Reason: gdbstub.StopBreakpoint}}, *stops)
	pc, _ := tg.ReadRegister(0, gdbstub.RegPC)
	assert.Equal(t, uint64(storePC), pc)
	assert.True(t, tg.Active(), "halted")
	b.turn(tg)
	assert.Len(t, *stops, 1, "halted: nothing runs, nothing is reported")

	// A resume skips the breakpoint it stands on once.
	tg.Continue()
	b.turn(tg)
	s0, _ := tg.ReadRegister(0, regS0)
	assert.Equal(t, uint64(2), s0, "one more round to the same breakpoint")

	tg.SetBreakpoint(storePC, false)
	tg.Step(0)
	b.turn(tg)
	pc, _ = tg.ReadRegister(0, gdbstub.RegPC)
	assert.Equal(t, uint64(loadPC), pc)
	assert.Equal(t, gdbstub.Stop{Reason: gdbstub.StopStep}, (*stops)[len(*stops)-1])

	// The watchpoint fires before the load that reads the counter, the pc
	// at it: gdb's RISC-V port steps over it itself. Resumed there, the
	// load runs unchecked and the next round stops at it again.
	w := gdbstub.Watchpoint{Kind: gdbstub.WatchRead, Addr: counter, Len: 8}
	tg.SetWatchpoint(w, true)
	s0, _ = tg.ReadRegister(0, regS0)
	tg.Continue() // from loadPC, where the step left it
	b.turn(tg)
	assert.Equal(t, gdbstub.Stop{Reason: gdbstub.StopWatch, Watch: w}, (*stops)[len(*stops)-1])
	pc, _ = tg.ReadRegister(0, gdbstub.RegPC)
	assert.Equal(t, uint64(loadPC), pc)
	again, _ := tg.ReadRegister(0, regS0)
	assert.Equal(t, s0+1, again, "one round later")
	tg.Step(0)
	b.turn(tg)
	pc, _ = tg.ReadRegister(0, gdbstub.RegPC)
	assert.Equal(t, uint64(jumpPC), pc, "a step from the watch stop runs the load")
	assert.Equal(t, gdbstub.Stop{Reason: gdbstub.StopStep}, (*stops)[len(*stops)-1])

	// A write watchpoint stops at the store, which has not stored yet.
	tg.SetWatchpoint(w, false)
	ww := gdbstub.Watchpoint{Kind: gdbstub.WatchWrite, Addr: counter + 4, Len: 2}
	tg.SetWatchpoint(ww, true)
	tg.Continue()
	b.turn(tg)
	assert.Equal(t, gdbstub.Stop{Reason: gdbstub.StopWatch, Watch: ww}, (*stops)[len(*stops)-1])
	pc, _ = tg.ReadRegister(0, gdbstub.RegPC)
	assert.Equal(t, uint64(storePC), pc)
	stored := make([]byte, 8)
	require.NoError(t, tg.ReadMemory(0, counter, stored))
	assert.Equal(t, again, binary.LittleEndian.Uint64(stored), "the last round's value")

	tg.Detach()
	assert.False(t, tg.Active(), "nothing set: the board runs its own quanta")
	before := b.harts[0].Instret
	b.turn(tg)
	assert.Equal(t, before+100, b.harts[0].Instret, "detached: runs free, nothing stops it")
}

// All-stop: the hart that reaches a breakpoint is reported, and every
// hart stops with it until the debugger resumes them.
func TestBreakpointStopsEveryHart(t *testing.T) {
	b := newFakeBoard(t, 2)
	binary.LittleEndian.PutUint32(b.bus.RAM[16:], 0x0000006f) // j . (hart 0 spins there)
	b.harts[0].PC = ramBase + 16
	tg, stops := attach(t, b)
	tg.SetBreakpoint(storePC, true)
	tg.Continue()
	b.turn(tg)
	require.Equal(t, []gdbstub.Stop{{Reason: gdbstub.StopBreakpoint, Hart: 1}}, *stops)
	assert.Equal(t, uint64(storePC), b.harts[1].PC)
	assert.True(t, b.harts[0].Held())
	spun := b.harts[0].Instret
	b.turn(tg)
	assert.Equal(t, spun, b.harts[0].Instret, "halted: hart 0 does not run either")
	tg.Continue()
	b.turn(tg)
	assert.Equal(t, spun+100, b.harts[0].Instret)
	assert.Len(t, *stops, 2, "hart 1 came round to the breakpoint again")
}

func TestHaltedFromTheStart(t *testing.T) {
	b := newFakeBoard(t, 1)
	tg := New(b, true)
	b.turn(tg)
	assert.Zero(t, b.harts[0].Instret, "-S: nothing runs before the debugger resumes")
	assert.True(t, b.harts[0].Waiting())
	tg.Attach(func(gdbstub.Stop) {})
	tg.Continue()
	b.turn(tg)
	assert.Equal(t, uint64(100), b.harts[0].Instret)
}

func TestStepRunsOnlyTheSteppedHart(t *testing.T) {
	b := newFakeBoard(t, 2)
	tg, stops := attach(t, b)
	tg.Step(1)
	tg.Turn()
	assert.Equal(t, []gdbstub.Stop{{Reason: gdbstub.StopStep, Hart: 1}}, *stops)
	assert.Equal(t, uint64(loopPC), b.harts[0].PC)
	assert.Equal(t, uint64(storePC), b.harts[1].PC)
	assert.Equal(t, 1, b.runs, "one instruction through the board")
	tg.Step(7)
	assert.Equal(t, gdbstub.Stop{Reason: gdbstub.StopStep}, (*stops)[1], "no such hart: reported at once")
}

// A continue that names harts (vCont;c:N) runs those alone, until a stop.
func TestContinueHartsRunsOnlyThose(t *testing.T) {
	b := newFakeBoard(t, 3)
	tg, stops := attach(t, b)
	tg.SetBreakpoint(storePC, true)
	tg.ContinueHarts([]int{1, 9})
	for i := 0; i < 3; i++ {
		assert.Equal(t, i != 1, b.harts[i].Held(), "hart %d", i)
	}
	b.turn(tg)
	assert.Equal(t, []gdbstub.Stop{{Reason: gdbstub.StopBreakpoint, Hart: 1}}, *stops)
	assert.Equal(t, uint64(loopPC), b.harts[0].PC)
	assert.Equal(t, uint64(storePC), b.harts[1].PC)
	assert.Equal(t, uint64(loopPC), b.harts[2].PC)
	for i := 0; i < 3; i++ {
		assert.True(t, b.harts[i].Held(), "stopped: hart %d held", i)
	}
	tg.ContinueHarts([]int{7})
	assert.True(t, tg.Halted(), "no such hart: nothing runs")
	tg.Continue()
	for i := 0; i < 3; i++ {
		assert.False(t, b.harts[i].Held(), "continue: hart %d runs", i)
	}
}

// Stepping names the hart to step, and only while it is to be stepped.
func TestSteppingOnlyTheSteppedHart(t *testing.T) {
	b := newFakeBoard(t, 2)
	tg, stops := attach(t, b)
	assert.False(t, tg.Stepping(0), "halted")
	tg.Step(1)
	assert.False(t, tg.Stepping(0))
	assert.True(t, tg.Stepping(1))
	tg.StepHart(1) // as a parallel hart's goroutine does
	assert.False(t, tg.Stepping(1), "stepped: halted again")
	assert.Equal(t, []gdbstub.Stop{{Reason: gdbstub.StopStep, Hart: 1}}, *stops)
	assert.Equal(t, uint64(storePC), b.harts[1].PC)
}

func TestRegistersAndMemory(t *testing.T) {
	b := newFakeBoard(t, 1)
	tg, _ := attach(t, b)
	assert.True(t, tg.WriteRegister(0, regS0, 41))
	assert.True(t, tg.WriteRegister(0, 0, 5), "x0 ignores writes")
	assert.True(t, tg.WriteRegister(0, gdbstub.RegPriv, cpu.PrivS))
	assert.False(t, tg.WriteRegister(0, gdbstub.RegPriv, 2), "reserved privilege")
	assert.False(t, tg.WriteRegister(1, regS0, 1), "no hart 1")
	v, _ := tg.ReadRegister(0, regS0)
	assert.Equal(t, uint64(41), v)
	v, _ = tg.ReadRegister(0, 0)
	assert.Zero(t, v)
	v, _ = tg.ReadRegister(0, gdbstub.RegPriv)
	assert.Equal(t, uint64(cpu.PrivS), v)

	require.NoError(t, tg.WriteMemory(0, counter, []byte{1, 2, 3}))
	got := make([]byte, 3)
	require.NoError(t, tg.ReadMemory(0, counter, got))
	assert.Equal(t, []byte{1, 2, 3}, got)
	assert.Error(t, tg.ReadMemory(0, 0x1000, got), "not RAM")
	assert.Error(t, tg.WriteMemory(0, ramBase+1<<20-1, got), "runs off the end of RAM")
}
