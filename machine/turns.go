package machine

import "github.com/rvemu/rvemu/cpu"

// runInsns runs h for up to n instructions on the board's single-step
// paths (--trace insn, the debugger): time advances, a device access
// brings the world up to date, and exited says the guest powered off.
func (m *Machine) runInsns(h *cpu.Hart, n int) (retired int, exited bool) {
	m.setCurrent(h)
	mmio := m.mmioCount
	retired = h.Run(n)
	m.clock.advance(retired)
	if mmio != m.mmioCount {
		m.afterMMIO(h)
	}
	_, exited = m.fin.exited()
	return retired, exited
}

// insnTurn gives each hart a quantum, one instruction at a time, tracing
// the ones in range (--trace insn). It reports whether any hart ran.
func (m *Machine) insnTurn() (ran bool) {
	for _, h := range m.harts {
		m.setCurrent(h)
		for n := 0; n < m.cfg.Quantum; n++ {
			if h.InterruptPending() {
				// Enter a pending interrupt's handler first, so its first
				// instruction is traced too.
				h.Run(0)
			}
			if h.Waiting() {
				break
			}
			m.insn.Before(h)
			_, exited := m.runInsns(h, 1)
			ran = true
			if exited {
				return ran
			}
		}
	}
	return ran
}
