package replay

import (
	"fmt"
	"io"
)

// Receiver is the UART side of console input.
type Receiver interface {
	RxRoom() bool
	Receive(b byte)
}

// Script plays a log back: the board asks it at each feed point for the
// events due there.
type Script struct {
	events []Event
	next   int
	sent   int // bytes of events[next] already delivered
	log    io.Writer
	warned bool
	// frame hands a recorded frame to the NIC (nil without a network).
	frame    func([]byte)
	noFrames bool // warned that frames cannot be delivered
}

// NewScript reads a log; divergence and undeliverable frames are reported
// once on log.
func NewScript(r io.Reader, log io.Writer) (*Script, error) {
	events, err := Read(r)
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	return &Script{events: events, log: log}, nil
}

// DeliverFrames sets where recorded frames go (the NIC's receive path).
func (s *Script) DeliverFrames(fn func([]byte)) { s.frame = fn }

// Remaining reports whether events are left (the loop must not block).
func (s *Script) Remaining() bool { return s.next < len(s.events) }

// Ended reports whether the recorded run stopped at or before p.
func (s *Script) Ended(p Point) bool {
	return s.Remaining() && s.events[s.next].Kind == End && p.Reached(s.events[s.next].At)
}

// Feed delivers the events due at p: console bytes while u has room, and
// frames.
func (s *Script) Feed(p Point, u Receiver) {
	for s.Remaining() {
		e := &s.events[s.next]
		if e.Kind == End || !p.Reached(e.At) {
			return
		}
		if s.sent == 0 && p != e.At && !s.warned {
			s.warned = true
			fmt.Fprintf(s.log, "rvemu: replay: diverged: input recorded at %d instructions (mtime %d) entered at %d (mtime %d); is this the same kernel, disk and flags?\n",
				e.At.Insns, e.At.Mtime, p.Insns, p.Mtime)
		}
		switch e.Kind {
		case Console:
			for s.sent < len(e.Data) && u.RxRoom() {
				u.Receive(e.Data[s.sent])
				s.sent++
			}
			if s.sent < len(e.Data) {
				return // the FIFO is full: the rest at a later point, as recorded
			}
		case Frame:
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
