package machine

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/cpu"
	"github.com/rvemu/rvemu/internal/rvasm"
	"github.com/rvemu/rvemu/trace"
)

// asmAtomics: every hart hammers shared counters with amoadd.w/.d, with
// lr/sc loops (.w and .d) and with a plain increment under an amoswap
// spinlock; the last hart to finish checks the totals and powers off with
// status 0 or the number of the counter that is off. The harts share data
// only through AMOs and LR/SC (the spinlock orders the plain increment),
// so under the race detector any report is the emulator's own. The locked
// counter sits on the code page: its stores make every other hart drop and
// decode that page again, which exercises the decode caches' bookkeeping.
func asmAtomics(harts, iters int) string {
	return fmt.Sprintf(`
	.equ HARTS, %d
	.equ ITERS, %d
	.globl _start
_start:
	li s1, ITERS
	li s2, 1
loop:
	la t0, amo_w
	amoadd.w zero, s2, (t0)
	la t0, amo_d
	amoadd.d zero, s2, (t0)
	la t0, lrsc_w
1:	lr.w t1, (t0)
	addi t1, t1, 1
	sc.w t2, t1, (t0)
	bnez t2, 1b
	la t0, lrsc_d
2:	lr.d t1, (t0)
	addi t1, t1, 1
	sc.d t2, t1, (t0)
	bnez t2, 2b
	la t0, lock
3:	amoswap.w.aq t1, s2, (t0)
	bnez t1, 3b
	la t1, locked
	ld t2, 0(t1)
	addi t2, t2, 1
	sd t2, 0(t1)
	amoswap.w.rl zero, zero, (t0)
	addi s1, s1, -1
	bnez s1, loop

	la t0, done
	amoadd.d t1, s2, (t0)
	addi t1, t1, 1
	li t2, HARTS
	beq t1, t2, check
park:
	wfi
	j park

check:
	li s3, HARTS*ITERS
	li a0, 1
	la t0, amo_w
	lwu t1, 0(t0)
	bne t1, s3, fail
	li a0, 2
	la t0, amo_d
	ld t1, 0(t0)
	bne t1, s3, fail
	li a0, 3
	la t0, lrsc_w
	lwu t1, 0(t0)
	bne t1, s3, fail
	li a0, 4
	la t0, lrsc_d
	ld t1, 0(t0)
	bne t1, s3, fail
	li a0, 5
	la t0, locked
	ld t1, 0(t0)
	bne t1, s3, fail
	li t0, 0x100000
	li t1, 0x5555
	sw t1, 0(t0)
	j park
fail:
	slli a0, a0, 16
	li t1, 0x3333
	or a0, a0, t1
	li t0, 0x100000
	sw a0, 0(t0)
	j park

	.balign 8
lock:	.word 0
	.word 0
locked:	.dword 0

	.data
	.balign 4096
amo_w:	.word 0
	.word 0
amo_d:	.dword 0
lrsc_w:	.word 0
	.word 0
lrsc_d:	.dword 0
done:	.dword 0
`, harts, iters)
}

// TestParallelAtomics runs the counters on parallel harts (under -race in
// make test: the board's lock, wake-ups and the decode caches must be
// race-free) and on the serial board, which must agree.
func TestParallelAtomics(t *testing.T) {
	cases := []struct {
		name     string
		harts    int
		threads  Threads
		parallel bool
	}{
		{"parallel 4 harts (the 2025 lock lab's), interrupts off", 4, ThreadsAuto, true},
		{"parallel 3 harts", 3, ThreadsMulti, true},
		{"parallel 2 harts, the default", 2, ThreadsAuto, true},
		{"1 hart: the serial loop, whatever was asked", 1, ThreadsMulti, false},
		{"serial 3 harts", 3, ThreadsSingle, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := boot(t, asmAtomics(c.harts, 3000), Config{Harts: c.harts, Threads: c.threads, Quantum: 500})
			require.NoError(t, r.err, r.log)
			assert.Equal(t, 0, r.code, "status = number of the counter that is off")
			assert.Equal(t, c.parallel, r.m.Parallel())
		})
	}
}

// TestParallelWakesOnIPI: hart 0 sleeps in WFI until hart 1 raises its
// CLINT software interrupt; hart 1 sleeps on its own timer first. Both
// wake-ups cross goroutines.
func TestParallelWakesOnIPI(t *testing.T) {
	src := `
	.globl _start
_start:
	csrr a0, mhartid
	li t0, 1 << 3
	csrw mie, t0          # MSIP only; MIE off: wfi wakes, no trap
	bnez a0, other
1:	wfi
	csrr t0, mip
	andi t0, t0, 1 << 3
	beqz t0, 1b
	j poweroff
other:
	li t0, 1 << 7
	csrw mie, t0          # MTIP only
	li t0, 0x200bff8
	ld t1, 0(t0)
	li t2, 100000         # 10 ms at 10 MHz
	add t1, t1, t2
	li t0, 0x2004008      # mtimecmp[1]
	sd t1, 0(t0)
2:	wfi
	csrr t0, mip
	andi t0, t0, 1 << 7
	beqz t0, 2b
	li t0, 0x2000000      # msip[0]
	li t1, 1
	sw t1, 0(t0)
3:	wfi
	j 3b
` + asmPoweroff
	r := boot(t, src, Config{Harts: 2})
	require.True(t, r.m.Parallel())
	require.NoError(t, r.err, r.log)
	assert.Equal(t, 0, r.code)
	assert.Contains(t, r.m.Stats(), "idle sleeps")
}

// Asked for by name, parallel harts refuse what needs a repeatable run;
// by default those runs take turns instead. Everything else runs parallel.
func TestThreadsChoice(t *testing.T) {
	cases := []struct {
		name     string
		cfg      Config
		refused  string // with ThreadsMulti
		parallel bool   // with ThreadsAuto
	}{
		{"virtual clock", Config{Clock: ClockVirtual}, "--clock virtual", false},
		{"record", Config{Clock: ClockVirtual, Record: &strings.Builder{}}, "--clock virtual", false},
		{"gdb", Config{GDBListen: "127.0.0.1:0", GDBWait: true}, "", true},
		{"trace", Config{Trace: trace.Trap}, "", true},
		{"trace insn", Config{Trace: trace.Insn, TraceInsn: "0x80000000"}, "", true},
		{"check", Config{Check: CheckE1000}, "", true},
		{"paused", Config{Paused: true}, "", true},
		{"one hart", Config{Harts: 1}, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.cfg.Harts == 0 {
				c.cfg.Harts = 3
			}
			c.cfg.Kernel = "kernel"
			auto := c.cfg.withDefaults()
			require.NoError(t, auto.validate())
			assert.Equal(t, c.parallel, auto.parallel(), "the default")

			c.cfg.Threads = ThreadsMulti
			multi := c.cfg.withDefaults()
			err := multi.validate()
			if c.refused == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.refused)
			assert.Contains(t, err.Error(), "--parallel")
			assert.NotContains(t, err.Error(), "\n", "one line")

			c.cfg.Threads = ThreadsSingle
			single := c.cfg.withDefaults()
			require.NoError(t, single.validate())
			assert.False(t, single.parallel())
		})
	}
}

// TestParallelEndsCleanly: however a parallel run ends (poweroff, timeout,
// cancellation, the monitor's quit with the harts stopped, a debugger's
// halt that never resumes), Run returns and every goroutine it started is
// gone: the harts running, asleep in WFI and parked alike.
func TestParallelEndsCleanly(t *testing.T) {
	const src = `
	.globl _start
_start:
	li t0, 1
	beq a0, t0, sleep      # hart 1 sleeps in WFI for good
	li t0, 2
	beq a0, t0, spin       # hart 2 spins
	la t0, rounds          # hart 0 powers off after its rounds, if any
	ld t1, 0(t0)
	beqz t1, spin
1:	addi t1, t1, -1
	bnez t1, 1b
	j poweroff
sleep:
	wfi
	j sleep
spin:
	j spin
	.align 3
rounds: .dword ROUNDS
` + asmPoweroff
	cases := []struct {
		name   string
		rounds int
		cfg    Config
		end    func(m *Machine, cancel func())
		code   int
	}{
		{"poweroff", 1000000, Config{}, nil, 0},
		{"timeout", 0, Config{Timeout: 100 * time.Millisecond}, nil, ExitTimeout},
		{"cancelled", 0, Config{}, func(_ *Machine, cancel func()) { cancel() }, 1},
		{"monitor quit, harts stopped", 0, Config{}, func(m *Machine, _ func()) {
			m.MonitorCommand("stop")
			m.MonitorCommand("quit")
		}, 0},
		{"halted by a debugger", 0, Config{GDBListen: "127.0.0.1:0", GDBWait: true}, func(_ *Machine, cancel func()) { cancel() }, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := runtime.NumGoroutine()
			cfg := c.cfg
			cfg.Harts = 3
			cfg.Kernel = rvasm.Build(t, strings.Replace(src, "ROUNDS", fmt.Sprint(c.rounds), 1), rvasm.Options{})
			cfg.RAM = 16 << 20
			m, err := New(cfg)
			require.NoError(t, err)
			require.True(t, m.Parallel())
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if c.end != nil {
				go func() {
					time.Sleep(50 * time.Millisecond)
					c.end(m, cancel)
				}()
			}
			code, _ := m.Run(ctx)
			assert.Equal(t, c.code, code)
			// (Polled here: assert.Eventually runs its check on a
			// goroutine of its own.)
			for end := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > before && time.Now().Before(end); {
				time.Sleep(time.Millisecond)
			}
			if n := runtime.NumGoroutine(); n > before {
				buf := make([]byte, 1<<20)
				t.Errorf("goroutines: %d, before: %d\n%s", n, before, buf[:runtime.Stack(buf, true)])
			}
		})
	}
}

// The translator runs parallel harts; its lockstep mode checks one hart at
// a time, so by default it gets harts taking turns, and says so.
func TestThreadsWithTranslator(t *testing.T) {
	for _, c := range []struct {
		jit      string
		parallel bool
	}{{"on", true}, {"off", true}, {"lockstep", false}} {
		t.Run(c.jit, func(t *testing.T) {
			r := boot(t, "\t.globl _start\n_start:\n\tbnez a0, 1f\n\tj poweroff\n1:\tj 1b\n"+asmPoweroff,
				Config{Harts: 3, JIT: c.jit})
			require.NoError(t, r.err)
			assert.Equal(t, c.parallel, r.m.Parallel())
			switch {
			case c.parallel:
				assert.NotContains(t, r.log, "take turns")
			case !cpu.JITAvailable: // a host without a translator: the asked-for check cannot run
				assert.Contains(t, r.log, "rvemu: translator: no translator for ")
			default:
				assert.Contains(t, r.log, "the harts take turns on one thread")
			}
		})
	}
}

// writeLog records each Write the console gets, as a grader reading a
// pipe sees them.
type writeLog struct {
	mu     sync.Mutex
	writes []string
}

func (w *writeLog) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writes = append(w.writes, string(p))
	return len(p), nil
}

// TestParallelConsoleGoesOutWhenWritten: a prompt the guest prints, then
// milliseconds of work, then more output, reach the host in two writes,
// as from QEMU, even while every host thread runs a busy hart (hart 1
// spins here). gradelib's shell_script clears what it gathered at each
// "$ " and waits for a read that starts with its end mark: one write of
// "$ DONE" made it wait out its timeout.
func TestParallelConsoleGoesOutWhenWritten(t *testing.T) {
	src := `
	.globl _start
_start:
	csrr a0, mhartid
	bnez a0, spin
	li a0, '$'
	call putc
	li a0, ' '
	call putc
	li s0, 3000000        # a few ms of work
1:	addi s0, s0, -1
	bnez s0, 1b
	la s0, msg
2:	lbu a0, 0(s0)
	beqz a0, poweroff
	call putc
	addi s0, s0, 1
	j 2b
spin:
	j spin
` + asmPutc + asmPoweroff + `
	.section .rodata
msg: .asciz "DONE\n"
`
	log := &writeLog{}
	r := boot(t, src, Config{Harts: 2, Threads: ThreadsMulti, ConsoleOut: log})
	require.NoError(t, r.err, r.log)
	require.Equal(t, 0, r.code)
	log.mu.Lock()
	defer log.mu.Unlock()
	assert.Equal(t, "$ DONE\n", strings.Join(log.writes, ""))
	before := ""
	for _, w := range log.writes {
		if strings.Contains(w, "D") {
			assert.True(t, strings.HasPrefix(w, "D"), "the prompt and what follows in one write: %q", log.writes)
			break
		}
		before += w
	}
	assert.Equal(t, "$ ", before, "writes: %q", log.writes)
}
