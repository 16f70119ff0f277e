package machine

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/internal/rvasm"
)

// Hart 0 works for a while and then releases the others, which spin on a
// flag the way xv6's secondary harts wait for `started`.
const spinOnFlag = `
	.globl _start
_start:
	la t0, started
	bnez a0, wait
	li s0, 300000
1:	addi s0, s0, -1
	bnez s0, 1b
	li t1, 1
	sw t1, 0(t0)
	la t2, arrived
2:	lw t3, 0(t2)           # wait until both other harts saw the flag
	li t4, 2
	bne t3, t4, 2b
	j poweroff
wait:
	lw t1, 0(t0)
	beqz t1, wait
	la t2, arrived
	li t3, 1
	amoadd.w zero, t3, (t2)
3:	j 3b
` + asmPoweroff + `
	.section .data
started: .word 0
arrived: .word 0
`

func TestSpinningHartsYieldToTheWorker(t *testing.T) {
	r := boot(t, spinOnFlag, Config{Harts: 3, Clock: ClockVirtual})
	require.NoError(t, r.err)
	assert.Equal(t, 0, r.code, "the spinners saw the flag")
	work := r.m.Harts()[0].Instret
	for _, h := range r.m.Harts()[1:] {
		// Without spin detection each spinner would retire about as many
		// instructions as the worker.
		assert.Less(t, h.Instret, work/4, "hart %d", h.ID)
	}
}

// A hart recognised as spinning still takes its timer interrupt: the
// replayed turns start with the interrupt check.
const allSpinUntilTimer = `
	.globl _start
_start:
	la t0, handler
	csrw mtvec, t0
	li s0, 0x2000000
	li t0, 0xbff8
	add t0, s0, t0
	ld t1, 0(t0)
	li t2, 100000          # 10 ms: long enough to be recognised as a spin, short enough under -race on a loaded host
	add t1, t1, t2
	li t0, 0x4000
	add t0, s0, t0
	sd t1, 0(t0)
	li t0, 0x80
	csrw mie, t0
	csrsi mstatus, 8
	la t0, flag
1:	lw t1, 0(t0)
	beqz t1, 1b
	.balign 4
handler:
	j poweroff
` + asmPoweroff + `
	.section .data
flag: .word 0
`

func TestSpinnerTakesTimerInterrupt(t *testing.T) {
	for _, clk := range []ClockKind{ClockWall, ClockVirtual} {
		t.Run([]string{"wall", "virtual"}[clk], func(t *testing.T) {
			// Spin recognition is the serial board's.
			r := boot(t, allSpinUntilTimer, Config{Clock: clk, Harts: 2, Threads: ThreadsSingle})
			require.NoError(t, r.err)
			assert.Equal(t, 0, r.code)
			assert.Positive(t, r.m.spin[0].found, "recognised as a spin")
		})
	}
}

func TestPostWakesAnIdleBoard(t *testing.T) {
	// The guest waits in WFI with nothing enabled: only host work can end
	// the run.
	kernel := rvasm.Build(t, "\t.globl _start\n_start:\n\twfi\n\tj _start\n", rvasm.Options{})
	m, err := New(Config{Kernel: kernel, RAM: 16 << 20, Timeout: 20 * time.Second})
	require.NoError(t, err)
	go func() {
		time.Sleep(50 * time.Millisecond)
		m.Post(func() { m.fin.Write(0, 4, 9<<16|finisherFail) })
	}()
	code, err := m.Run(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 9, code)
}

// lockPingPong: hart 1 takes and releases a lock forever, with interrupts
// off inside its critical section (as kernels do); hart 0 must get the lock
// 100 times. A spinner paused inside its critical section at every turn
// would starve hart 0 for good.
const lockPingPong = `
	.globl _start
_start:
	la s0, lock
	li t1, 1
	la s2, ready
	bnez a0, other
1:	lw t3, 0(s2)           # wait until hart 1 is in its loop
	beqz t3, 1b
	li s1, 100
2:	csrci mstatus, 8
3:	amoswap.w.aq t2, t1, (s0)
	bnez t2, 3b
	amoswap.w.rl zero, zero, (s0)
	csrsi mstatus, 8
	addi s1, s1, -1
	bnez s1, 2b
	j poweroff
other:
	csrci mstatus, 8
4:	amoswap.w.aq t2, t1, (s0)
	bnez t2, 4b
	sw t1, 0(s2)
	.rept 30
	nop
	.endr
	amoswap.w.rl zero, zero, (s0)
	csrsi mstatus, 8
	j other
` + asmPoweroff + `
	.section .data
	.balign 8
lock: .word 0
ready: .word 0
`

func TestSpinnerPausedOutsideCriticalSection(t *testing.T) {
	r := boot(t, lockPingPong, Config{Harts: 2, Clock: ClockVirtual, Timeout: 10 * time.Second})
	require.NoError(t, r.err, "hart 0 got the lock")
	assert.Equal(t, 0, r.code)
}
