package e1000

import (
	"fmt"
	"strings"
)

// tracer writes --trace e1000: each register write by name with its value
// decoded, ICR reads (the causes the driver saw), and a ring snapshot
// whenever a ring's head or tail moves, showing the descriptors that moved
// (sent or filled by the NIC, handed over or returned by the driver).
type tracer struct {
	out  func(string)
	last [2]struct{ head, tail uint32 } // tx, rx as last printed
}

// snapshotSlots bounds the descriptors one snapshot line shows.
const snapshotSlots = 4

func newTracer(out func(string)) *tracer {
	if out == nil {
		return nil
	}
	return &tracer{out: out}
}

// observe: a line per register write, the ICR read (the causes the
// driver saw), and ring snapshots after writes and arriving frames.
func (t *tracer) observe(e *E1000, ev event) {
	switch ev.kind {
	case evWrite:
		t.write(ev.reg, ev.off, ev.v)
	case evRead:
		if ev.off == regICR {
			t.out(fmt.Sprintf("e1000: read  %s -> %#x (%s)", ev.reg.nameAt(ev.off), ev.v, intBits.format(ev.v)))
		}
	case evWritten, evRxFrame:
		t.rings(e)
	}
}

func (t *tracer) write(r *register, off, v uint32) {
	s := fmt.Sprintf("e1000: write %s <- %#x", r.nameAt(off), v)
	if r.show != nil {
		if d := r.show(off, v); d != "" {
			s += " (" + d + ")"
		}
	}
	t.out(s)
}

// rings prints a snapshot of each ring whose head or tail moved since the
// last one.
func (t *tracer) rings(e *E1000) {
	for i, tx := range []bool{true, false} {
		r := e.ringRegs(tx)
		last := &t.last[i]
		if r.head == last.head && r.tail == last.tail {
			continue
		}
		from, to := last.head, r.head // what the NIC did
		if from == to {
			from, to = last.tail, r.tail // what the driver did
			if !tx {
				from, to = from+1, to+1 // RX: the slots after the old tail up to the new one
			}
		}
		line := fmt.Sprintf("e1000: %s ring head %d tail %d (was %d/%d)", ringName(tx), r.head, r.tail, last.head, last.tail)
		last.head, last.tail = r.head, r.tail
		if r.count == 0 || r.head >= r.count || r.tail >= r.count {
			t.out(line)
			continue
		}
		var slots []string
		for n, j := 0, from%r.count; j != to%r.count; j = (j + 1) % r.count {
			if n == snapshotSlots {
				slots = append(slots, "...")
				break
			}
			slots = append(slots, e.describeDesc(tx, r, j))
			n++
		}
		if len(slots) > 0 {
			line += ": " + strings.Join(slots, " ")
		}
		t.out(line)
	}
}
