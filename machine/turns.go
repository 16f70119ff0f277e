package machine

// insnTurn gives each hart a quantum, one instruction at a time, tracing
// the ones in range (--trace insn). It reports whether any hart ran.
func (m *Machine) insnTurn() (ran bool) {
	for _, h := range m.harts {
		m.setCurrent(h)
		for n := 0; n < m.cfg.Quantum; n++ {
			if h.ReadCSR(csrMip)&h.ReadCSR(csrMie) != 0 {
				// Enter a pending interrupt's handler first, so its first
				// instruction is traced too.
				h.Run(0)
			}
			if h.Waiting() {
				break
			}
			m.insn.Before(h)
			mmio := m.mmioCount
			retired := h.Run(1)
			m.clock.advance(retired)
			ran = true
			if mmio != m.mmioCount {
				m.afterMMIO(h)
			}
			if _, done := m.fin.exited(); done {
				return ran
			}
		}
	}
	return ran
}
