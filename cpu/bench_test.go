package cpu

import (
	"syscall"
	"testing"
	"time"
)

// loopProgram is an endless integer loop mixing ALU work, a load, a store
// and a taken branch: 8 instructions per iteration. x5 points at data.
func loopProgram() []uint32 {
	return []uint32{
		encNOP,           // 0
		encADDI(1, 0, 0), // 4
		encLD(3, 5, 8),   // 8: loop
		encADD(3, 3, 1),
		encSD(5, 3, 8),
		encXOR(4, 3, 1),
		encSLLI(6, 4, 3),
		encADDI(1, 1, 1),
		encSUB(7, 6, 4),
		encJAL(0, -28),
	}
}

func encXOR(rd, rs1, rs2 int) uint32 { return rType(0x33, 4, 0, rd, rs1, rs2) }

// runOrFail runs the hart and stops the benchmark if it makes no progress
// (a trap loop would otherwise spin forever).
func runOrFail(b *testing.B, h *Hart, n int) int {
	r := h.Run(n)
	if r == 0 {
		b.Fatalf("hart stuck: pc %#x mcause %d mtval %#x scause %d", h.PC, h.csr.mcause, h.csr.mtval, h.csr.scause)
	}
	return r
}

// reportMIPS reports million instructions per second of wall time and per
// second of process CPU time: the machine is shared, and the CPU-time
// figure is what the interpreter achieves when it has a core to itself.
type meter struct {
	wall time.Time
	cpu  time.Duration
}

func startMeter() meter { return meter{time.Now(), cpuTime()} }

func (m meter) report(b *testing.B, instructions uint64) {
	b.ReportMetric(float64(instructions)/time.Since(m.wall).Seconds()/1e6, "MIPS")
	if cpu := cpuTime() - m.cpu; cpu > 0 {
		b.ReportMetric(float64(instructions)/cpu.Seconds()/1e6, "cpuMIPS")
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkInterpreterLoop measures the RAM fast path in M-mode (bare).
func BenchmarkInterpreterLoop(b *testing.B) {
	m := newTestMachine(b)
	m.load(ramBase, loopProgram()...)
	h := m.hart(ramBase)
	h.X[5] = ramBase + 0x80000
	b.ResetTimer()
	start := startMeter()
	for left := b.N; left > 0; {
		n := 1 << 20
		if n > left {
			n = left
		}
		left -= runOrFail(b, h, n)
	}
	start.report(b, h.Instret)
}

// BenchmarkInterpreterLoopSv39 runs the same loop in S-mode under Sv39,
// with a TLB flush (sfence.vma) every 1<<14 instructions as a kernel's
// traps would cause.
func BenchmarkInterpreterLoopSv39(b *testing.B) {
	m := newTestMachine(b)
	pt := newPageTables(m, ramBase+0x40000)
	pt.mapRange(0x10000, ramBase, 0x20000, pteRWX)
	m.load(ramBase, loopProgram()...)
	h := m.hart(0)
	h.X[5] = 0x18000
	h.PC = 0x10000
	h.csr.satp = satpModeSv39<<60 | pt.root>>12
	h.Priv = PrivS
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
}

// BenchmarkTLBMissWalk measures a load that misses the TLB every time
// (pages 256 apart alias in the direct-mapped TLB): the Sv39 walk cost.
func BenchmarkTLBMissWalk(b *testing.B) { benchmarkTLBMissWalk(b, false) }

// BenchmarkTLBMissWalkPMP is the same with PMP programmed as xv6's start
// code does (one TOR entry, RWX, over the address space): each walk then
// checks its page-table reads and the page it maps.
func BenchmarkTLBMissWalkPMP(b *testing.B) { benchmarkTLBMissWalk(b, true) }

func benchmarkTLBMissWalk(b *testing.B, pmp bool) {
	m := newTestMachine(b)
	pt := newPageTables(m, ramBase+0x40000)
	pt.mapRange(0x0, ramBase, 0x1000, pteRWX)
	pt.mapRange(0x100000, ramBase+0x80000, 0x1000, pteRWX)
	pt.mapRange(0x200000, ramBase+0x81000, 0x1000, pteRWX)
	m.load(ramBase,
		encLUI(5, 0x100000),
		encLUI(6, 0x200000),
		encLD(3, 5, 0), // 8
		encLD(3, 6, 0),
		encJAL(0, -8),
	)
	h := m.hart(0)
	if pmp {
		h.WriteCSR(csrPmpaddr0, 0x3fffffffffffff)
		h.WriteCSR(csrPmpcfg0, 0xf)
	}
	h.csr.satp = satpModeSv39<<60 | pt.root>>12
	h.Priv = PrivS
	b.ResetTimer()
	start := startMeter()
	for left := b.N; left > 0; {
		left -= runOrFail(b, h, left)
	}
	start.report(b, h.Instret)
}

// BenchmarkInterpreterPageCalls runs a loop that calls a function on
// another page and returns, as kernel code does between files: every call
// and return changes the code page (the code TLB path).
func BenchmarkInterpreterPageCalls(b *testing.B) {
	m := newTestMachine(b)
	const callee = ramBase + 0x3000
	m.load(callee,
		encADDI(6, 6, 1),
		encXOR(7, 7, 6),
		encJALR(0, 1, 0),
	)
	m.load(ramBase,
		encJALR(1, 4, 0), // 0: loop
		encADDI(3, 3, 1),
		encJAL(0, -8),
	)
	h := m.hart(ramBase)
	h.X[4] = callee
	b.ResetTimer()
	start := startMeter()
	for left := b.N; left > 0; {
		n := 1 << 20
		if n > left {
			n = left
		}
		left -= runOrFail(b, h, n)
	}
	start.report(b, h.Instret)
}
