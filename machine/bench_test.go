package machine

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/internal/rvasm"
)

// benchBoot runs the kernel once per iteration and returns the total of
// retired instructions and the last exit status.
func benchBoot(b *testing.B, kernel string, cfg Config) (retired uint64, code int) {
	b.Helper()
	cfg.Kernel = kernel
	cfg.RAM = 4 << 20
	for i := 0; i < b.N; i++ {
		m, err := New(cfg)
		require.NoError(b, err)
		code, err = m.Run(context.Background())
		require.NoError(b, err)
		retired += m.clock.retired
	}
	return retired, code
}

// countLoop retires about 3 * 2M instructions of plain ALU work.
const countLoop = `
	.globl _start
_start:
	li s0, 2000000
1:	addi s1, s1, 3
	addi s0, s0, -1
	bnez s0, 1b
` + asmPoweroff

// BenchmarkQuantum: the board's per-turn cost against the quantum on a
// compute-bound guest (MIPS should be flat down to small quanta).
func BenchmarkQuantum(b *testing.B) {
	kernel := rvasm.Build(b, countLoop, rvasm.Options{})
	for _, q := range []int{256, 1024, 4096, 16384} {
		b.Run(fmt.Sprintf("q=%d", q), func(b *testing.B) {
			start := time.Now()
			retired, _ := benchBoot(b, kernel, Config{Quantum: q})
			b.ReportMetric(float64(retired)/time.Since(start).Seconds()/1e6, "MIPS")
		})
	}
}

// BenchmarkMMIOPoll: a guest polling a device register; every access
// returns to the board, which re-samples interrupt lines.
func BenchmarkMMIOPoll(b *testing.B) {
	kernel := rvasm.Build(b, `
	.globl _start
_start:
	li s0, 200000
	li t0, 0x10000000
1:	lbu t1, 5(t0)
	addi s0, s0, -1
	bnez s0, 1b
`+asmPoweroff, rvasm.Options{})
	start := time.Now()
	benchBoot(b, kernel, Config{})
	b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(b.N)/200000, "ns/mmio")
}

// timerLatency arms mtimecmp a little ahead, enables the M timer interrupt
// and computes; the handler powers off with the latency in ticks (mtime at
// handler entry minus mtimecmp) as the exit status.
const timerLatency = `
	.globl _start
_start:
	csrr t0, mhartid
	beqz t0, 4f
5:	addi s2, s2, 1         # other harts stay busy, competing for turns
	j 5b
4:	la t0, handler
	csrw mtvec, t0
	li s0, 0x2000000
	li t0, 0xbff8
	add t0, s0, t0
	ld t1, 0(t0)
	li t2, 20000           # 2 ms ahead
	add s1, t1, t2
	li t0, 0x4000
	add t0, s0, t0
	sd s1, 0(t0)
	li t0, 0x80
	csrw mie, t0
	csrsi mstatus, 8
1:	addi s2, s2, 1
	j 1b
	.balign 4
handler:
	li t0, 0xbff8
	add t0, s0, t0
	ld t1, 0(t0)
	sub t1, t1, s1
	li t2, 0xffff
	bltu t1, t2, 2f
	mv t1, t2
2:	slli t1, t1, 16
	li t2, 0x3333
	or t1, t1, t2
	li t0, 0x100000
	sw t1, 0(t0)
3:	j 3b
`

// BenchmarkTimerLatency reports how late (in 10 MHz ticks) a busy hart
// takes its timer interrupt, for each quantum, at 1 and 3 harts.
func BenchmarkTimerLatency(b *testing.B) {
	kernel := rvasm.Build(b, timerLatency, rvasm.Options{})
	for _, harts := range []int{1, 3} {
		for _, q := range []int{1024, 4096, 16384} {
			b.Run(fmt.Sprintf("harts=%d/q=%d", harts, q), func(b *testing.B) {
				total := 0
				cfg := Config{Quantum: q, Harts: harts}
				cfg.Kernel = kernel
				cfg.RAM = 4 << 20
				for i := 0; i < b.N; i++ {
					m, err := New(cfg)
					require.NoError(b, err)
					code, err := m.Run(context.Background())
					require.NoError(b, err)
					total += code
				}
				b.ReportMetric(float64(total)/float64(b.N), "ticks")
			})
		}
	}
}
