package e1000

// The driver checker (check.go) and the --trace e1000 tracer (trace.go)
// watch the device through one hook: the register paths and the rings
// report what happens, and each watcher picks what it cares about. With
// neither on, a report is a loop over an empty slice.

// watcher observes one device.
type watcher interface {
	observe(e *E1000, ev event)
}

// eventKind says what happened.
type eventKind uint8

const (
	evWrite   eventKind = iota // a guest register write, before the register acts (v as written)
	evWritten                  // the same write, after the register acted
	evRead                     // a guest register read, after it (v as read)
	evLine                     // the interrupt line was re-evaluated (level)
	evTxFrame                  // the guest completed a readable frame (length, before padding)
	evRxFrame                  // a frame from the link was queued or delivered
	evPoll                     // one board turn passed (PollChecks)
)

// event is one report; reg and off name the register of a register event.
type event struct {
	kind   eventKind
	reg    *register
	off, v uint32
	level  bool
	length int
}

func (e *E1000) notify(ev event) {
	for _, w := range e.watch {
		w.observe(e, ev)
	}
}

// PollChecks runs the checker's time-based checks (frames starving, an
// interrupt left unacknowledged); the board calls it once per turn of its
// loop. Without a checker it does nothing.
func (e *E1000) PollChecks() { e.notify(event{kind: evPoll}) }
