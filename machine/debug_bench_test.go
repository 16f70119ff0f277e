package machine

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/debugtarget"
	"github.com/rvemu/rvemu/gdbstub"
	"github.com/rvemu/rvemu/internal/rvasm"
)

// BenchmarkDebugger: what the GDB stub costs a compute-bound guest. With
// nothing set the board runs its ordinary quanta (same MIPS as without a
// stub); a breakpoint or watchpoint puts it on the per-instruction path.
func BenchmarkDebugger(b *testing.B) {
	kernel := rvasm.Build(b, countLoop, rvasm.Options{})
	cases := []struct {
		name  string
		gdb   bool
		setup func(d *debugtarget.Target)
	}{
		{"no stub", false, nil},
		{"stub, nothing set", true, nil},
		{"breakpoint never hit", true, func(d *debugtarget.Target) { d.SetBreakpoint(0x9000_0000, true) }},
		{"watchpoint never hit", true, func(d *debugtarget.Target) {
			d.SetWatchpoint(gdbstub.Watchpoint{Kind: gdbstub.WatchAccess, Addr: 0x9000_0000, Len: 8}, true)
		}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var retired uint64
			start := time.Now()
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
		})
	}
}
