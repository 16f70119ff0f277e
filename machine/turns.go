package machine

import "github.com/rvemu/rvemu/cpu"

// The serial loop's turn strategies (chooseLoop picks one in New). A turn
// gives every hart that can run its share and reports whether any ran.

// serialTurn gives each hart that is not waiting a quantum, with spin
// recognition (spin.go) and lock-holder care (leaveQuiescent).
func (m *Machine) serialTurn() (ran bool) {
	for i, h := range m.harts {
		if m.clock.kind == ClockWall && (len(m.posted) > 0 || len(m.netWake) > 0) {
			m.runPostedNow()
			if m.paused || m.quit {
				break // the monitor stopped the harts (or ended the run) just now
			}
		}
		if h.Waiting() {
			m.spin[i].spinning = false
			continue
		}
		ran = true
		m.setCurrent(h)
		quantum := m.cfg.Quantum
		if m.rxTurn {
			m.rxTurn = false
			quantum *= rxTurnQuantum
		}
		m.runHart(h, &m.spin[i], quantum)
		if _, done := m.fin.exited(); done {
			break
		}
	}
	return ran
}

// rxTurnQuantum multiplies the quantum of the first hart turn after a
// frame reached the NIC. Every hart takes the NIC's interrupt (the PLIC
// raises it on all enabled contexts); interleaved in ordinary quanta, the
// harts that lose the claim run their scheduler scans and contend for the
// same locks in between the one that handles the frame, and measured, the
// echo left after ~45000 guest instructions instead of ~17000. A hart
// that goes idle ends its turn early, so this costs nothing then.
const rxTurnQuantum = 10

// runHart gives h a turn of quantum instructions. Run returns early after MMIO, so device
// state is re-sampled right away: an interrupt raised by a register write
// is seen before the hart runs on. A spinning hart's turn is one replay of
// its cycle; other harts are probed for spins now and then (spin.go).
func (m *Machine) runHart(h *cpu.Hart, spin *spinTrack, quantum int) {
	left := quantum
	if spin.spinning {
		used, ok := m.stillSpinning(h, spin)
		if ok {
			return
		}
		spin.spinning, spin.skip, spin.backoff = false, 0, 0
		left -= used
		if h.Waiting() {
			return
		}
		m.afterMMIO(h)
	} else if m.shareTurns() && spin.skip > 0 {
		spin.skip--
	} else if m.shareTurns() {
		used, period, r := m.probe(h)
		spin.afterProbe(r)
		if spin.spinning {
			spin.period = period
			spin.found++
			if !m.alignSpin(h, period) {
				spin.spinning, spin.skip, spin.backoff = false, 0, 0
			}
			return
		}
		left -= used
		if r == probeStopped {
			if h.Waiting() {
				return
			}
			m.afterMMIO(h)
		}
	}
	for left > 0 {
		mmio := m.mmioCount
		spin.before.capture(h)
		n := h.Run(left)
		m.clock.advance(n)
		// A whole budget that ends where it began, without device
		// access, is a loop whose period divides it: probe next turn.
		if n == left && mmio == m.mmioCount && spin.before.same(h) {
			spin.skip, spin.backoff = 0, 0
		}
		left -= n
		if n == 0 || h.Waiting() {
			return
		}
		if _, done := m.fin.exited(); done {
			return
		}
		m.afterMMIO(h)
	}
	if m.shareTurns() {
		m.leaveQuiescent(h)
	}
	return
}

// shareTurns: spin detection and lock-holder care only matter when harts
// share the host thread.
func (m *Machine) shareTurns() bool { return len(m.harts) > 1 && !m.cfg.NoSpinDetect }

// Lock-holder preemption: a hart switched out inside a critical section
// leaves the others spinning on its lock for their whole turns. Kernels
// hold spinlocks with interrupts disabled, so a hart whose turn ends with
// interrupts off runs on in short steps until they are on again, within a
// bound (a hart may legitimately run long with interrupts off).
const (
	lhpStep  = 32
	lhpSteps = 16
)

func (m *Machine) leaveQuiescent(h *cpu.Hart) {
	for i := 0; i < lhpSteps && !quiescent(h); i++ {
		n := h.Run(lhpStep)
		m.clock.advance(n)
		if n == 0 || h.Waiting() {
			return
		}
		if _, done := m.fin.exited(); done {
			return
		}
		m.afterMMIO(h)
	}
}

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
		r, exited := m.insnQuantum(h)
		ran = ran || r
		if exited {
			return ran
		}
	}
	return ran
}

// insnQuantum runs h for a quantum one instruction at a time, tracing the
// ones in range: the serial board's insnTurn, and a parallel hart's
// quantum under --trace insn. Each line is one write, so harts tracing at
// once never split each other's lines.
func (m *Machine) insnQuantum(h *cpu.Hart) (ran, exited bool) {
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
		ran = true
		if _, exited := m.runSteps(h, 1); exited {
			return ran, true
		}
	}
	return ran, false
}
