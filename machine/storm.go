package machine

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/rvemu/rvemu/cpu"
	"github.com/rvemu/rvemu/symtab"
	"github.com/rvemu/rvemu/trace"
)

// reportStorms makes the board say once, in one line, that a hart is stuck
// in a trap storm (cpu.StormTraps identical exceptions in a row,
// cpu/storm.go): which hart, which exception, at what pc, in which function
// of the kernel. Only the first hart's storm is told: a broken kernel
// usually traps the same way on every hart, and one line says it. The run
// goes on (a debugger may want to look); Ctrl-A X or --timeout end it.
func (m *Machine) reportStorms() {
	var once sync.Once
	syms := m.syms
	where := func(s cpu.Storm) string {
		once.Do(func() {
			if syms == nil {
				syms = symtab.Load(m.cfg.Kernel)
			}
		})
		if name := trace.CodeName(syms, s.EPC, s.Priv); name != "" {
			return " <" + name + ">"
		}
		return ""
	}
	var reported atomic.Bool // hooks run on the harts' goroutines
	for _, h := range m.harts {
		id := h.ID
		h.SetStormHook(func(s cpu.Storm) {
			if reported.Swap(true) {
				return
			}
			fmt.Fprintf(m.cfg.Log, "rvemu: hart %d is stuck: %s at pc %#x%s (tval %#x), %d times in a row\n",
				id, trace.TrapName(s.Cause), s.EPC, where(s), s.TVal, cpu.StormTraps)
		})
	}
}
