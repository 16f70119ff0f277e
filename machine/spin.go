package machine

import "github.com/rvemu/rvemu/cpu"

// Spinning harts. Kernels such as xv6 wait for each other by spinning
// (secondary harts on `started` at boot, acquire on a held lock). On harts
// interleaved on one thread, a spinner takes turns from the hart it waits
// for. The board recognises a spin without help from the CPU: during its
// turn no other hart runs and no device changes memory, so a hart whose
// architectural state (PC, registers, privilege) comes back to an earlier
// value without touching a device repeats itself until an interrupt or a
// host event. Such a hart's turn is one replay of its cycle (which also
// checks that it still spins), so the harts it waits for get the time.
// The board does not sleep when every hart spins: a spin may wait for
// something the board cannot see (measured: xv6 2021 stalled on it).
//
// Cycles are found with Brent's method on states sampled every probeStep
// instructions, which catches loops of up to ~40 instructions (longer
// when the period is a multiple of 8). Longer loops, like the 2020/21 xv6
// idle scheduler scanning 64 processes (~3500), need help from the CPU.
// Non-spinning harts are probed with exponential back-off,
// so ordinary code pays almost nothing.
const (
	probeStep    = 8    // instructions between state samples
	probeMax     = 1024 // instructions one probe may take
	maxProbeSkip = 32   // turns between probes of a hart that does not spin
)

// hartState is what decides a hart's next instructions, memory aside.
type hartState struct {
	pc   uint64
	priv uint8
	x    [32]uint64
}

func (s *hartState) capture(h *cpu.Hart) {
	s.pc, s.priv, s.x = h.PC, h.Priv, h.X
}

func (s *hartState) same(h *cpu.Hart) bool {
	return s.pc == h.PC && s.priv == h.Priv && s.x == h.X
}

// spinTrack is the board's view of one hart's spinning.
type spinTrack struct {
	before   hartState // state before the current Run call
	spinning bool
	found    int // spins recognised so far (tests, stats)
	period   int // instructions per cycle of the spin, once found
	skip     int // turns until the next probe
	backoff  int // current probe interval
}

type probeResult int

const (
	probeCycle   probeResult = iota // came back to a sampled state
	probeNoCycle                    // ran probeMax without repeating
	probeStopped                    // MMIO, WFI or a trap ended a step early
)

// probe runs h in small steps looking for a repeated state. used is the
// number of instructions it retired; period is the cycle length found.
func (m *Machine) probe(h *cpu.Hart) (used, period int, r probeResult) {
	var saved hartState
	saved.capture(h)
	mmio := m.mmioCount
	power, lam := 1, 0
	for used < probeMax {
		n := h.Run(probeStep)
		m.clock.advance(n)
		used += n
		if n != probeStep || m.mmioCount != mmio {
			return used, 0, probeStopped
		}
		lam++
		if saved.same(h) {
			return used, lam * probeStep, probeCycle
		}
		if lam == power {
			saved.capture(h)
			power, lam = 2*power, 0
		}
	}
	return used, 0, probeNoCycle
}

// quiescent reports that h can take interrupts in its current mode. Kernels
// disable interrupts while they hold a spinlock, so a spinning hart paused
// here holds none: pausing it elsewhere in its loop could leave a lock held
// for all of the other harts' turns (a spinner's turn always ends at the
// same point of its cycle).
func quiescent(h *cpu.Hart) bool { return h.InterruptsOn() }

// alignSpin single-steps a hart that was just found spinning to a point of
// its cycle where interrupts are enabled, if the cycle has one. It reports
// false if the hart left the loop meanwhile.
func (m *Machine) alignSpin(h *cpu.Hart, period int) bool {
	mmio := m.mmioCount
	for i := 0; i < period && !quiescent(h); i++ {
		n := h.Run(1)
		m.clock.advance(n)
		if n != 1 || m.mmioCount != mmio {
			return false
		}
	}
	return true
}

// stillSpinning replays one known cycle of a spinning hart: one Run call
// instead of a probe. It reports false (and how far it got) when the hart
// left the loop.
func (m *Machine) stillSpinning(h *cpu.Hart, t *spinTrack) (used int, ok bool) {
	t.before.capture(h)
	mmio := m.mmioCount
	n := h.Run(t.period)
	m.clock.advance(n)
	return n, n == t.period && m.mmioCount == mmio && t.before.same(h)
}

// afterProbe updates the back-off: a hart that just stopped spinning is
// probed again soon, one that never spins ever more rarely.
func (t *spinTrack) afterProbe(r probeResult) {
	wasSpinning := t.spinning
	t.spinning = r == probeCycle
	switch {
	case t.spinning || wasSpinning:
		t.backoff = 0
	case r == probeNoCycle:
		t.backoff = min(2*t.backoff+1, maxProbeSkip)
	}
	t.skip = t.backoff
}
