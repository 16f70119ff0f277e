package machine

import (
	"fmt"
	"sync"

	"github.com/rvemu/rvemu/cpu"
	"github.com/rvemu/rvemu/symtab"
	"github.com/rvemu/rvemu/trace"
)

// reportStorms makes each hart say once, in one line, that it is stuck in
// a trap storm (cpu.StormTraps identical exceptions in a row, cpu/storm.go):
// which exception, at what pc, in which function of the kernel. The run
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
	for _, h := range m.harts {
		id, reported := h.ID, false
		h.SetStormHook(func(s cpu.Storm) {
			if reported {
				return
			}
			reported = true
			fmt.Fprintf(m.cfg.Log, "rvemu: hart %d is stuck: %s at pc %#x%s (tval %#x), %d times in a row\n",
				id, trace.TrapName(s.Cause), s.EPC, where(s), s.TVal, cpu.StormTraps)
		})
	}
}
