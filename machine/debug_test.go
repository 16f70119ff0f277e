package machine

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/gdbstub"
	"github.com/rvemu/rvemu/internal/rvasm"
)

// debugGuest counts in s0 and stores the count to `counter` each round;
// every instruction is 4 bytes (norvc), so the addresses are fixed.
const debugGuest = `
	.option norvc
	.globl _start
_start:
	li s0, 0              # 0x80000000
loop:
	addi s0, s0, 1        # 0x80000004
	la t0, counter        # 0x80000008, 0x8000000c
	sd s0, 0(t0)          # 0x80000010
	ld t1, 0(t0)          # 0x80000014
	li t2, 100            # 0x80000018
	blt s0, t2, loop      # 0x8000001c
	j poweroff            # 0x80000020
	.align 3
counter: .dword 0         # 0x80000028
` + asmPoweroff

const (
	dbgLoop    = 0x80000004
	dbgStore   = 0x80000010
	dbgLoad    = 0x80000014
	dbgCounter = 0x80000028
	regS0      = gdbstub.Reg(8)
)

// debugRun boots src with a debugger attached from the first instruction
// and returns the machine, its stop reports and the run's result.
type debugRun struct {
	t     *testing.T
	m     *Machine
	stops chan gdbstub.Stop
	done  chan runResult
}

func startDebug(t *testing.T, src string, harts int) *debugRun {
	t.Helper()
	cfg := Config{
		Kernel: rvasm.Build(t, src, rvasm.Options{}), Harts: harts, RAM: 16 << 20,
		Timeout: 30 * time.Second, GDBListen: "127.0.0.1:0", GDBWait: true,
	}
	m, err := New(cfg)
	require.NoError(t, err)
	require.NotEmpty(t, m.GDBAddr())
	r := &debugRun{t: t, m: m, stops: make(chan gdbstub.Stop, 8), done: make(chan runResult, 1)}
	go func() {
		code, err := m.Run(context.Background())
		r.done <- runResult{code: code, err: err}
	}()
	r.do(func(d gdbstub.Target) { d.Attach(func(s gdbstub.Stop) { r.stops <- s }) })
	return r
}

// do runs fn on the machine loop with the debugger's Target view.
func (r *debugRun) do(fn func(d gdbstub.Target)) {
	done := make(chan struct{})
	r.m.Post(func() { fn(r.m.dbg); close(done) })
	<-done
}

func (r *debugRun) reg(hart int, reg gdbstub.Reg) uint64 {
	var v uint64
	r.do(func(d gdbstub.Target) { v, _ = d.ReadRegister(hart, reg) })
	return v
}

func (r *debugRun) stop() gdbstub.Stop {
	r.t.Helper()
	select {
	case s := <-r.stops:
		return s
	case <-time.After(60 * time.Second):
		r.t.Fatal("no stop reported")
	}
	return gdbstub.Stop{}
}

func (r *debugRun) result() runResult {
	r.t.Helper()
	select {
	case res := <-r.done:
		return res
	case <-time.After(60 * time.Second):
		r.t.Fatal("machine did not end")
	}
	return runResult{}
}

func TestDebugBreakStepWatch(t *testing.T) {
	r := startDebug(t, debugGuest, 1)
	assert.Equal(t, uint64(0x80000000), r.reg(0, gdbstub.RegPC), "halted at the entry")

	r.do(func(d gdbstub.Target) { d.SetBreakpoint(dbgStore, true); d.Continue() })
	assert.Equal(t, gdbstub.Stop{Reason: gdbstub.StopBreakpoint}, r.stop())
	assert.Equal(t, uint64(dbgStore), r.reg(0, gdbstub.RegPC))
	assert.Equal(t, uint64(1), r.reg(0, regS0))

	// Continuing from the breakpoint runs one round to it again.
	r.do(func(d gdbstub.Target) { d.Continue() })
	assert.Equal(t, gdbstub.StopBreakpoint, r.stop().Reason)
	assert.Equal(t, uint64(2), r.reg(0, regS0))

	r.do(func(d gdbstub.Target) { d.Step(0) })
	assert.Equal(t, gdbstub.Stop{Reason: gdbstub.StopStep}, r.stop())
	assert.Equal(t, uint64(dbgLoad), r.reg(0, gdbstub.RegPC))
	var mem [8]byte
	r.do(func(d gdbstub.Target) { require.NoError(t, d.ReadMemory(0, dbgCounter, mem[:])) })
	assert.Equal(t, [8]byte{2}, mem, "the step stored s0")

	cases := []struct {
		name   string
		watch  gdbstub.Watchpoint
		pc     uint64 // at the access: gdb steps over it itself
		s0     uint64
		setS0s bool
	}{
		// Each resume runs the instruction it stands on unchecked, so
		// from the load where the step left off a round goes by first.
		{"read watchpoint stops at the load", gdbstub.Watchpoint{Kind: gdbstub.WatchRead, Addr: dbgCounter, Len: 8}, dbgLoad, 3, false},
		{"write watchpoint stops at the store", gdbstub.Watchpoint{Kind: gdbstub.WatchWrite, Addr: dbgCounter + 4, Len: 1}, dbgStore, 4, false},
		{"access watchpoint sees the load too", gdbstub.Watchpoint{Kind: gdbstub.WatchAccess, Addr: dbgCounter, Len: 2}, dbgLoad, 4, false},
	}
	r.do(func(d gdbstub.Target) { d.SetBreakpoint(dbgStore, false) })
	for _, c := range cases {
		r.do(func(d gdbstub.Target) { d.SetWatchpoint(c.watch, true); d.Continue() })
		assert.Equal(t, gdbstub.Stop{Reason: gdbstub.StopWatch, Watch: c.watch}, r.stop(), c.name)
		assert.Equal(t, c.pc, r.reg(0, gdbstub.RegPC), c.name)
		assert.Equal(t, c.s0, r.reg(0, regS0), c.name)
		r.do(func(d gdbstub.Target) { d.SetWatchpoint(c.watch, false) })
	}

	// Skip ahead by writing a register, then let it run to the end.
	r.do(func(d gdbstub.Target) { d.WriteRegister(0, regS0, 98); d.Detach() })
	res := r.result()
	assert.NoError(t, res.err)
	assert.Equal(t, 0, res.code)
}

func TestDebugWriteMemoryReplacesCode(t *testing.T) {
	r := startDebug(t, debugGuest, 1)
	r.do(func(d gdbstub.Target) { d.SetBreakpoint(dbgStore, true); d.Continue() })
	r.stop()
	require.Equal(t, uint64(1), r.reg(0, regS0))
	// addi s0, s0, 1 (0x00140413) becomes addi s0, s0, 10 (0x00a40413);
	// the decoded copy of the old one must not run again.
	r.do(func(d gdbstub.Target) {
		require.NoError(t, d.WriteMemory(0, dbgLoop, []byte{0x13, 0x04, 0xa4, 0x00}))
		d.Continue()
	})
	r.stop()
	assert.Equal(t, uint64(11), r.reg(0, regS0))
	var b [4]byte
	r.do(func(d gdbstub.Target) {
		assert.Error(t, d.ReadMemory(0, 0x1000, b[:]), "not RAM")
		assert.Error(t, d.WriteMemory(0, 0x80000000+16<<20-2, b[:]), "runs off the end of RAM")
		d.Kill()
	})
	res := r.result()
	assert.NoError(t, res.err)
	assert.Equal(t, 0, res.code, "kill ends the run with status 0")
}

func TestDebugHartsAndHalt(t *testing.T) {
	r := startDebug(t, `
	.globl _start
_start:
	addi a1, a0, 1
1:	addi a2, a2, 1
	j 1b
`, 2)
	r.do(func(d gdbstub.Target) { assert.Equal(t, 2, d.Harts()) })
	r.do(func(d gdbstub.Target) { d.Step(1) })
	assert.Equal(t, gdbstub.Stop{Reason: gdbstub.StopStep, Hart: 1}, r.stop())
	assert.Equal(t, uint64(0x80000000), r.reg(0, gdbstub.RegPC), "hart 0 stayed")
	assert.Equal(t, uint64(0x80000004), r.reg(1, gdbstub.RegPC))
	assert.Equal(t, uint64(2), r.reg(1, gdbstub.RegX(11)), "a1 = hartid + 1")
	assert.Equal(t, uint64(3), r.reg(0, gdbstub.RegPriv))

	r.do(func(d gdbstub.Target) { d.Continue() })
	time.Sleep(20 * time.Millisecond)
	r.do(func(d gdbstub.Target) { d.Halt() })
	assert.Equal(t, gdbstub.StopHalted, r.stop().Reason)
	a2 := r.reg(0, gdbstub.RegX(12))
	assert.NotZero(t, a2, "hart 0 ran")
	time.Sleep(10 * time.Millisecond)
	assert.Equal(t, a2, r.reg(0, gdbstub.RegX(12)), "and is halted")

	r.do(func(d gdbstub.Target) {
		assert.True(t, d.WriteRegister(0, gdbstub.RegPriv, 1))
		assert.False(t, d.WriteRegister(0, gdbstub.RegPriv, 2), "reserved")
		assert.True(t, d.WriteRegister(0, gdbstub.RegCSR(0x141), 0x1234))
		assert.True(t, d.WriteRegister(0, 0, 5), "x0 ignores writes")
		_, ok := d.ReadRegister(2, gdbstub.RegPC)
		assert.False(t, ok, "no hart 2")
	})
	assert.Equal(t, uint64(1), r.reg(0, gdbstub.RegPriv))
	assert.Equal(t, uint64(0x1234), r.reg(0, gdbstub.RegCSR(0x141)))
	assert.Zero(t, r.reg(0, 0))
	r.do(func(d gdbstub.Target) { d.Kill() })
	r.result()
}

func TestGDBWaitNeedsAddress(t *testing.T) {
	_, err := New(Config{Kernel: "x", GDBWait: true})
	assert.ErrorContains(t, err, "gdb")
}

// pagedGuest maps three gigapages (VA 0 -> RAM as a supervisor page,
// VA 0x4000_0000 -> RAM as a user page, and RAM onto itself) and counts in
// S-mode with paging on.
const pagedGuest = `
	.globl _start
_start:
	la t0, pt
	li t1, (0x80000 << 10) | 0xcf    # V R W X A D
	sd t1, 0(t0)
	li t1, (0x80000 << 10) | 0xdf    # ... and U
	sd t1, 8(t0)
	li t1, (0x80000 << 10) | 0xcf
	sd t1, 16(t0)
	srli t1, t0, 12
	li t2, 8 << 60                   # Sv39
	or t1, t1, t2
	csrw satp, t1
	sfence.vma
	li t1, 1 << 11                   # MPP = S
	csrw mstatus, t1
	la t1, smode
	csrw mepc, t1
	mret
smode:
	addi s0, s0, 1
	j smode
	.align 12
pt:	.zero 4096
`

func TestDebugMemoryThroughPageTable(t *testing.T) {
	r := startDebug(t, pagedGuest, 1)
	r.do(func(d gdbstub.Target) { d.Continue() })
	require.Eventually(t, func() bool { return r.reg(0, regS0) > 0 }, 10*time.Second, time.Millisecond)
	r.do(func(d gdbstub.Target) { d.Halt() })
	r.stop()
	require.Equal(t, uint64(1), r.reg(0, gdbstub.RegPriv), "in S-mode")
	require.NotZero(t, r.reg(0, gdbstub.RegCSR(0x180)), "paging on (satp)")

	const off = 0x10
	read := func(va uint64) ([]byte, error) {
		b := make([]byte, 8)
		var err error
		r.do(func(d gdbstub.Target) { err = d.ReadMemory(0, va, b) })
		return b, err
	}
	phys, err := read(0x80000000 + off)
	require.NoError(t, err)
	cases := []struct {
		name string
		va   uint64
		ok   bool
	}{
		{"supervisor alias", off, true},
		{"user page, read from S-mode without SUM", 0x4000_0000 + off, true},
		{"identity map", 0x8000_0000 + off, true},
		{"unmapped gigapage", 0xc000_0000 + off, false},
		{"maps beyond RAM", 16 << 20, false},
		{"non-canonical", 0x0000_8000_0000_0000, false},
	}
	for _, c := range cases {
		got, err := read(c.va)
		if !c.ok {
			assert.Error(t, err, c.name)
			continue
		}
		require.NoError(t, err, c.name)
		assert.Equal(t, phys, got, c.name)
	}
	// A write through one alias shows through the others; one running
	// off the end of RAM changes nothing, not even its first byte.
	before, err := read(16<<20 - 8)
	require.NoError(t, err)
	r.do(func(d gdbstub.Target) {
		require.NoError(t, d.WriteMemory(0, 0x100, []byte{0xaa, 0xbb}))
		assert.Error(t, d.WriteMemory(0, 16<<20-1, []byte{^before[7], 2}))
	})
	got, err := read(0x4000_0100)
	require.NoError(t, err)
	assert.Equal(t, []byte{0xaa, 0xbb}, got[:2])
	after, err := read(16<<20 - 8)
	require.NoError(t, err)
	assert.Equal(t, before, after, "last RAM byte untouched")
	r.do(func(d gdbstub.Target) { d.Kill() })
	r.result()
}

// harts3Guest: each hart counts in s0 and stores the count to its own
// dword (race-free under -race: the harts share no memory).
const harts3Guest = `
	.option norvc
	.globl _start
_start:
	csrr t0, mhartid      # 0x80000000
	slli t0, t0, 3        # 0x80000004
	la t1, counters       # 0x80000008, 0x8000000c
	add t1, t1, t0        # 0x80000010
loop:
	addi s0, s0, 1        # 0x80000014
	sd s0, 0(t1)          # 0x80000018
	j loop                # 0x8000001c
	.align 12
counters: .dword 0, 0, 0  # 0x80001000
`

const (
	h3Loop     = 0x80000014
	h3Store    = 0x80000018
	h3Counters = 0x80001000
)

// TestDebugParallelAllStop: on the parallel board (the default at three
// harts) a breakpoint, a watchpoint, a halt and a step stop every hart;
// a step moves one hart only; continue and detach let them all run.
func TestDebugParallelAllStop(t *testing.T) {
	r := startDebug(t, harts3Guest, 3)
	require.True(t, r.m.Parallel())
	s0s := func() []uint64 {
		var v []uint64
		r.do(func(d gdbstub.Target) {
			for i := 0; i < 3; i++ {
				x, _ := d.ReadRegister(i, regS0)
				v = append(v, x)
			}
		})
		return v
	}
	stillAfterAWhile := func(what string) []uint64 {
		before := s0s()
		time.Sleep(20 * time.Millisecond)
		assert.Equal(t, before, s0s(), what+": every hart stays stopped")
		return before
	}
	for i := 0; i < 3; i++ {
		assert.Equal(t, uint64(0x80000000), r.reg(i, gdbstub.RegPC), "-S: halted at the entry")
	}
	stillAfterAWhile("-S")

	// A breakpoint: one hart reports, all stop.
	r.do(func(d gdbstub.Target) { d.SetBreakpoint(h3Store, true); d.Continue() })
	st := r.stop()
	assert.Equal(t, gdbstub.StopBreakpoint, st.Reason)
	assert.Equal(t, uint64(h3Store), r.reg(st.Hart, gdbstub.RegPC), "the reporting hart stands at the breakpoint")
	stillAfterAWhile("breakpoint")
	select {
	case extra := <-r.stops:
		t.Fatalf("a second stop was reported: %+v", extra)
	default:
	}

	// A step moves the stepped hart alone.
	other := (st.Hart + 1) % 3
	before := s0s()
	pcs := []uint64{r.reg(0, gdbstub.RegPC), r.reg(1, gdbstub.RegPC), r.reg(2, gdbstub.RegPC)}
	r.do(func(d gdbstub.Target) { d.Step(other) })
	assert.Equal(t, gdbstub.Stop{Reason: gdbstub.StopStep, Hart: other}, r.stop())
	for i := 0; i < 3; i++ {
		if i == other {
			assert.NotEqual(t, pcs[i], r.reg(i, gdbstub.RegPC), "the stepped hart moved")
			continue
		}
		assert.Equal(t, pcs[i], r.reg(i, gdbstub.RegPC), "hart %d stayed", i)
	}
	stillAfterAWhile("step")

	// A watchpoint on one hart's counter stops all at its store.
	r.do(func(d gdbstub.Target) {
		d.SetBreakpoint(h3Store, false)
		d.SetWatchpoint(gdbstub.Watchpoint{Kind: gdbstub.WatchWrite, Addr: h3Counters + 16, Len: 8}, true)
		d.Continue()
	})
	st = r.stop()
	assert.Equal(t, gdbstub.StopWatch, st.Reason)
	assert.Equal(t, 2, st.Hart, "hart 2's counter")
	assert.Equal(t, uint64(h3Store), r.reg(2, gdbstub.RegPC), "stopped at the store, before it stores")
	stillAfterAWhile("watchpoint")

	// Nothing set: the harts run their ordinary quanta until a halt.
	r.do(func(d gdbstub.Target) {
		d.SetWatchpoint(gdbstub.Watchpoint{Kind: gdbstub.WatchWrite, Addr: h3Counters + 16, Len: 8}, false)
		d.Continue()
	})
	before = s0s()
	require.Eventually(t, func() bool {
		now := s0s()
		return now[0] > before[0]+1000 && now[1] > before[1]+1000 && now[2] > before[2]+1000
	}, 10*time.Second, time.Millisecond, "continue: every hart runs")
	r.do(func(d gdbstub.Target) { d.Halt() })
	assert.Equal(t, gdbstub.StopHalted, r.stop().Reason)
	stopped := stillAfterAWhile("halt")

	// vCont;c:3 runs hart 2 alone.
	r.do(func(d gdbstub.Target) { d.ContinueHarts([]int{2}) })
	require.Eventually(t, func() bool { return s0s()[2] > stopped[2]+1000 }, 10*time.Second, time.Millisecond)
	r.do(func(d gdbstub.Target) { d.Halt() })
	assert.Equal(t, gdbstub.StopHalted, r.stop().Reason)
	now := stillAfterAWhile("halt after a partial continue")
	assert.Equal(t, stopped[:2], now[:2], "harts 0 and 1 stayed")
	stopped = now

	// Detach lets them all run on.
	r.do(func(d gdbstub.Target) { d.Detach() })
	require.Eventually(t, func() bool {
		now := s0s()
		return now[0] > stopped[0] && now[1] > stopped[1] && now[2] > stopped[2]
	}, 10*time.Second, time.Millisecond, "detach: every hart runs")
	r.do(func(d gdbstub.Target) { d.Kill() })
	res := r.result()
	assert.NoError(t, res.err)
}
