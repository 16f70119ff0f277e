package machine

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/debugtarget"
	"github.com/rvemu/rvemu/gdbstub"
	"github.com/rvemu/rvemu/internal/rvasm"
)

// memLoop retires about 5 * 1M instructions, a load and a store of each
// iteration on the page at 0x80100000 (the "busy" page).
const memLoop = `
	.globl _start
_start:
	li s0, 1000000
	li s2, 0x80100000
1:	ld t0, 0(s2)
	addi t0, t0, 1
	sd t0, 0(s2)
	addi s0, s0, -1
	bnez s0, 1b
` + asmPoweroff

// BenchmarkDebugger: what the GDB stub costs a guest, by what is set.
// With nothing set the board runs its ordinary quanta (the same MIPS as
// without a stub). The breakpoint is in the guest's code page (0x80000800:
// that page is decoded, the address never runs); the watchpoints sit on a
// page the guest never touches (0x80200000) and on the page its loads and
// stores hit (0x80100800, 8 bytes the guest does not touch, so every
// access there is checked and none stops). alu is a guest without memory
// accesses (countLoop), mem one with a load and a store per 5
// instructions (memLoop).
func BenchmarkDebugger(b *testing.B) {
	watch := func(addr uint64) func(d *debugtarget.Target) {
		return func(d *debugtarget.Target) {
			d.SetWatchpoint(gdbstub.Watchpoint{Kind: gdbstub.WatchAccess, Addr: addr, Len: 8}, true)
		}
	}
	cases := []struct {
		name  string
		gdb   bool
		setup func(d *debugtarget.Target)
	}{
		{"no stub", false, nil},
		{"stub, nothing set", true, nil},
		{"breakpoint never hit", true, func(d *debugtarget.Target) { d.SetBreakpoint(0x8000_0800, true) }},
		{"watchpoint on an untouched page", true, watch(0x8020_0000)},
		{"watchpoint on the busy page", true, watch(0x8010_0800)},
	}
	for _, guest := range []struct{ name, src string }{{"alu", countLoop}, {"mem", memLoop}} {
		kernel := rvasm.Build(b, guest.src, rvasm.Options{})
		for _, c := range cases {
			b.Run(guest.name+"/"+c.name, func(b *testing.B) {
				var retired uint64
				start, cpuStart := time.Now(), processCPU()
				for i := 0; i < b.N; i++ {
					cfg := Config{Kernel: kernel, RAM: 4 << 20}
					if c.gdb {
						cfg.GDBListen = "127.0.0.1:0"
					}
					m, err := New(cfg)
					require.NoError(b, err)
					if c.setup != nil {
						c.setup(m.dbg) // before Run: no other goroutine yet
					}
					_, err = m.Run(context.Background())
					require.NoError(b, err)
					retired += m.clock.retired
				}
				b.ReportMetric(float64(retired)/time.Since(start).Seconds()/1e6, "MIPS")
				b.ReportMetric(float64(retired)/(processCPU()-cpuStart).Seconds()/1e6, "cpuMIPS")
			})
		}
	}
}

// processCPU is the CPU time the process used so far: on a shared host,
// cpuMIPS is steadier than the wall clock's MIPS.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
