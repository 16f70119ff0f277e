package main

import (
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/rvemu/rvemu/console"
	"github.com/rvemu/rvemu/machine"
)

// limitsLine is the second --stats line: what each bounded queue outside
// the network turned away (the network's own line, printed at exit when
// the guest used it, counts its drops), and the goroutines at exit against
// those before the board was built, so a soak run can see leaks.
func limitsLine(esc *console.Escaper, m *machine.Machine, goroutinesAtStart int) string {
	var parts []string
	if esc != nil {
		parts = append(parts, fmt.Sprintf("console: %d input bytes dropped (queue %d KiB)", esc.Dropped(), console.QueueLimit>>10))
	} else {
		parts = append(parts, "console: not a terminal (input read as the guest takes it)")
	}
	if st, ok := m.GDBStats(); ok {
		parts = append(parts, st.String())
	}
	parts = append(parts, fmt.Sprintf("decode cache: %d KiB", m.DecodeCacheBytes()>>10))
	parts = append(parts, fmt.Sprintf("goroutines: %d at start, %d at exit", goroutinesAtStart, settledGoroutines(goroutinesAtStart)))
	return "limits: " + strings.Join(parts, "; ")
}

// settledGoroutines counts goroutines once those that have signalled their
// end (socket readers, the wake forwarder) have had up to 200 ms to return:
// what remains after that is what a leak would leave.
func settledGoroutines(target int) int {
	n := runtime.NumGoroutine()
	for deadline := time.Now().Add(200 * time.Millisecond); n > target && time.Now().Before(deadline); n = runtime.NumGoroutine() {
		time.Sleep(2 * time.Millisecond)
	}
	return n
}
