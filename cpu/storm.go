package cpu

// StormTraps is how many identical exceptions in a row make a trap storm:
// the same cause at the same pc with the same tval, with no other
// exception in between (interrupts may come between them). A guest that
// gets there is stuck: its handler returns to the faulting instruction
// without changing anything, or the handler itself faults (a text file
// run as a kernel traps at pc 0 with mtvec 0, about 100,000 times a
// second). System calls are not counted: a loop of ecalls is progress.
const StormTraps = 1 << 17

// Storm is the exception a hart took StormTraps times in a row.
type Storm struct {
	Cause, EPC, TVal uint64
	Priv             uint8 // the privilege the exception was taken from
}

// stormTrack counts the current run of identical exceptions.
type stormTrack struct {
	cause, epc, tval uint64
	n                uint32
	hook             func(Storm)
}

// SetStormHook installs fn to be called (on the hart's goroutine) when the
// hart's run of identical exceptions reaches StormTraps; nil removes it.
// Counting costs a few comparisons per trap and nothing per instruction.
func (h *Hart) SetStormHook(fn func(Storm)) { h.storm.hook = fn }

// countStorm notes one trap taken from privilege from.
func (h *Hart) countStorm(cause, epc, tval uint64, from uint8) {
	if cause&causeInterrupt != 0 {
		return
	}
	s := &h.storm
	switch cause {
	case causeEcallU, causeEcallS, causeEcallM:
		s.n = 0
		return
	}
	if s.n == 0 || cause != s.cause || epc != s.epc || tval != s.tval {
		s.cause, s.epc, s.tval, s.n = cause, epc, tval, 1
		return
	}
	s.n++
	if s.n == StormTraps && s.hook != nil {
		s.hook(Storm{Cause: cause, EPC: epc, TVal: tval, Priv: from})
	}
}
