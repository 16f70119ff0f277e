package machine

import "github.com/rvemu/rvemu/cpu"

// Spinning harts. Kernels such as xv6 wait for each other by spinning
// (secondary harts on `started` at boot, acquire on a held lock). On harts
// interleaved on one thread, a spinner takes turns from the hart it waits
// for. The board recognises a spin without help from the CPU: a hart that
// used a whole budget and ended in exactly the architectural state it
// started in (PC, registers, privilege) repeats itself, because in its
// turn no other hart or device changed memory. Such a hart then gets short
// probe turns until its state moves again; when every runnable hart spins,
// nothing can change before an interrupt or a host event, and the board
// sleeps as if they were all in WFI.
//
// Budgets are multiples of lcm(1..8) = 840, so a loop of any small period
// (2-3 instructions for xv6's spins) lands on the same PC at the end.
const (
	spinProbe = 840
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
	before   hartState
	spinning bool
}

// budget is the hart's next turn length.
func (t *spinTrack) budget(quantum int) int {
	if t.spinning {
		return min(spinProbe, quantum)
	}
	return quantum
}
