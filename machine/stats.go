package machine

import (
	"fmt"
	"strings"
	"time"
)

// stats counts what the loop did, for tests, benchmarks and --stats.
type stats struct {
	turns  uint64 // passes of the main loop
	sleeps uint64 // idle sleeps (every hart waiting)
	start  time.Time
	wall   time.Duration
}

// Stats is a one-line summary of a finished run: instructions per hart,
// wall time, speed and how often the board slept.
func (m *Machine) Stats() string {
	var b strings.Builder
	var total uint64
	per := make([]string, len(m.harts))
	for i, h := range m.harts {
		total += h.Instret
		per[i] = fmt.Sprintf("%d", h.Instret)
	}
	secs := m.stats.wall.Seconds()
	mips := 0.0
	if secs > 0 {
		mips = float64(total) / secs / 1e6
	}
	spins := 0
	for _, t := range m.spin {
		spins += t.found
	}
	fmt.Fprintf(&b, "stats: %d instructions (harts %s) in %.2fs = %.0f MIPS; %d turns, %d idle sleeps, %d spins recognised",
		total, strings.Join(per, " "), secs, mips, m.stats.turns, m.stats.sleeps, spins)
	return b.String()
}
