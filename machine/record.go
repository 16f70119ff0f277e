package machine

import (
	"fmt"
	"io"

	"github.com/rvemu/rvemu/replay"
)

// Deterministic runs. With the virtual clock the guest's only source of
// variation is when host input enters. Input enters only at the loop's
// feed points (a turn's start, after an MMIO exit); --record logs the
// point of each delivery (instructions retired, mtime) and --replay
// delivers the same bytes at the same points, with no host input.

// point is where the run stands: comparable between a recording and its
// replay because both execute the same instructions in the same order.
func (m *Machine) point() replay.Point {
	return replay.Point{Insns: m.clock.retired, Mtime: m.clock.now()}
}

// recorder groups the console bytes delivered at one point into one event.
type recorder struct {
	w       *replay.Writer
	pending replay.Event
	log     io.Writer
	failed  bool
}

func newRecorder(w io.Writer, log io.Writer, kernel string) (*recorder, error) {
	rw, err := replay.NewWriter(w, "kernel "+kernel)
	if err != nil {
		return nil, fmt.Errorf("record: %w", err)
	}
	return &recorder{w: rw, log: log}, nil
}

// console notes byte b delivered to the UART at p.
func (r *recorder) console(p replay.Point, b byte) {
	if r.pending.Kind == replay.Console && r.pending.At == p {
		r.pending.Data = append(r.pending.Data, b)
		return
	}
	r.flush()
	r.pending = replay.Event{At: p, Kind: replay.Console, Data: []byte{b}}
}

// flush writes the pending event. A write error is reported once; the run
// goes on (the guest must not suffer for a full disk).
func (r *recorder) flush() {
	if r.pending.Kind == "" {
		return
	}
	if err := r.w.Write(r.pending); err != nil && !r.failed {
		r.failed = true
		fmt.Fprintf(r.log, "rvemu: record: %v\n", err)
	}
	r.pending = replay.Event{}
}

// frame logs a frame delivered to the NIC at p.
func (r *recorder) frame(p replay.Point, f []byte) {
	r.flush()
	r.pending = replay.Event{At: p, Kind: replay.Frame, Data: f}
	r.flush()
}

// end marks where the recorded run stopped.
func (r *recorder) end(p replay.Point) {
	r.flush()
	r.pending = replay.Event{At: p, Kind: replay.End, Data: []byte{}}
	r.flush()
}

// script replays a recording's events at their points.
type script struct {
	events []replay.Event
	next   int
	sent   int // bytes of events[next] already delivered
	log    io.Writer
	warned bool
	// frame hands a recorded frame to the NIC (nil without --net).
	frame    func([]byte)
	noFrames bool // warned that frames cannot be delivered
}

func newScript(r io.Reader, log io.Writer) (*script, error) {
	events, err := replay.Read(r)
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	return &script{events: events, log: log}, nil
}

// remaining reports whether events are left (the loop must not block).
func (s *script) remaining() bool { return s.next < len(s.events) }

// ended reports whether the recorded run stopped at or before p.
func (s *script) ended(p replay.Point) bool {
	return s.remaining() && s.events[s.next].Kind == replay.End && p.Reached(s.events[s.next].At)
}

// feed delivers the console events due at p while the UART has room.
func (s *script) feed(p replay.Point, u receiver) {
	for s.remaining() {
		e := &s.events[s.next]
		if e.Kind == replay.End || !p.Reached(e.At) {
			return
		}
		if s.sent == 0 && p != e.At && !s.warned {
			s.warned = true
			fmt.Fprintf(s.log, "rvemu: replay: diverged: input recorded at %d instructions (mtime %d) entered at %d (mtime %d); is this the same kernel, disk and flags?\n",
				e.At.Insns, e.At.Mtime, p.Insns, p.Mtime)
		}
		switch e.Kind {
		case replay.Console:
			for s.sent < len(e.Data) && u.RxRoom() {
				u.Receive(e.Data[s.sent])
				s.sent++
			}
			if s.sent < len(e.Data) {
				return // the FIFO is full: the rest at a later point, as recorded
			}
		case replay.Frame:
			if s.frame != nil {
				s.frame(e.Data)
			} else if !s.noFrames {
				s.noFrames = true
				fmt.Fprintf(s.log, "rvemu: replay: the recording has network frames but this board has no network (--net)\n")
			}
		}
		s.next++
		s.sent = 0
	}
}

// holdFrames: while recording, frames for the guest (from host sockets via
// Post, or answered at once by the user network during a transmit) wait
// for the loop's next feed point, where they are logged and delivered, so
// a replay can deliver them at the same point.
func (m *Machine) holdFrames(deliver func([]byte)) func([]byte) {
	m.deliverFrame = deliver
	return func(f []byte) { m.heldFrames = append(m.heldFrames, append([]byte(nil), f...)) }
}

// feedInput hands external input to the devices at a feed point: held
// frames (recording), then console bytes (live, recorded or replayed).
func (m *Machine) feedInput() {
	if len(m.heldFrames) > 0 {
		p := m.point()
		for _, f := range m.heldFrames {
			m.rec.frame(p, f)
			m.deliverFrame(f)
		}
		m.heldFrames = m.heldFrames[:0]
	}
	m.in.feed(m.uart)
}
