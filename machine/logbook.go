package machine

import (
	"fmt"
	"io"
	"sync"
)

// logCap is how many lines of one kind the devices may print in a run.
// Devices report each cause once, but a cause can carry an address (every
// unknown E1000 register is its own cause): a guest scribbling over a
// register window once printed 25,234 lines.
const logCap = 5

// logBook is where the devices' messages about the guest go (the E1000,
// the user network, the virtio disk): every line in one style, "rvemu:
// DEVICE: what happened", and at most logCap lines of each kind (one
// format string), the rest counted and summed up when the run ends.
type logBook struct {
	w      io.Writer
	mu     sync.Mutex
	kinds  map[string]*logKind
	order  []string // kinds as first seen, for the summary
	summed bool     // summary printed (Close may run twice)
}

type logKind struct {
	total int
	first string // the first line of the kind, for the summary
}

func newLogBook(w io.Writer) *logBook { return &logBook{w: w, kinds: map[string]*logKind{}} }

// printf logs one line: format begins with the device ("e1000: ...").
// Any goroutine may call it.
func (l *logBook) printf(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	l.mu.Lock()
	k := l.kinds[format]
	if k == nil {
		k = &logKind{first: line}
		l.kinds[format] = k
		l.order = append(l.order, format)
	}
	k.total++
	show := k.total <= logCap
	l.mu.Unlock()
	if show {
		fmt.Fprintf(l.w, "rvemu: %s\n", line)
	}
}

// summary prints, for each kind that went over the cap, how many lines
// were left out.
func (l *logBook) summary() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.summed {
		return
	}
	l.summed = true
	for _, f := range l.order {
		if k := l.kinds[f]; k.total > logCap {
			fmt.Fprintf(l.w, "rvemu: %d more lines like %q left out (%d in all)\n", k.total-logCap, k.first, k.total)
		}
	}
}
