package gdbstub

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"sync/atomic"
)

// session serves one debugger connection. Its goroutine owns the protocol
// state; a reader goroutine turns bytes into frames, and the machine hands
// stop reports in through stops.
type session struct {
	conn   net.Conn
	target Target
	gone   <-chan struct{} // the server closed: the machine loop has ended

	stops  chan Stop
	frames chan frame

	noAck bool
	last  []byte // last packet sent, for a retransmission on '-'

	harts   int
	gHart   int // hart for registers and memory (Hg)
	cHart   int // hart for step and continue (Hc); -1 all
	running bool
	// stopReply answers '?': the last stop, or the halt at attach.
	stopReply string
	// breakpoints counts Z0 and Z1 insertions per address, so removing
	// one kind leaves the other in place.
	breakpoints map[uint64]int
	// watchpoints counts Z2-Z4 insertions in force per watchpoint, and
	// watchCount their sum (bounded by maxWatchpoints).
	watchpoints map[Watchpoint]int
	watchCount  int
	ended       bool
	count       *counters // the server's; nil in tests without one
}

func newSession(c net.Conn, t Target, gone <-chan struct{}) *session {
	return &session{
		conn: c, target: t, gone: gone,
		stops:       make(chan Stop, 16),
		frames:      make(chan frame),
		cHart:       -1,
		breakpoints: map[uint64]int{},
		watchpoints: map[Watchpoint]int{},
	}
}

// onStop runs on the machine loop: it must not block.
func (s *session) onStop(st Stop) {
	select {
	case s.stops <- st:
	default: // all-stop: at most one stop is outstanding
	}
}

// do runs fn on the machine loop and waits for it. It reports false when
// the machine is gone (fn may not have run).
func (s *session) do(fn func()) bool {
	done := make(chan struct{})
	select {
	case <-s.gone:
		return false
	default:
	}
	s.target.Post(func() { fn(); close(done) })
	select {
	case <-done:
		return true
	case <-s.gone:
		return false
	}
}

func (s *session) serve() {
	readerDone := make(chan struct{})
	quit := make(chan struct{})
	go s.readFrames(quit, readerDone)
	defer func() {
		close(quit)
		s.conn.Close()
		<-readerDone
	}()

	if !s.do(func() {
		s.target.Attach(s.onStop)
		s.harts = s.target.Harts()
	}) {
		return
	}
	s.stopReply = "T05thread:01;"
	defer func() {
		if !s.ended {
			// The debugger went away without detaching: let the guest
			// run on, as after a detach.
			s.do(s.target.Detach)
		}
	}()
	for !s.ended {
		select {
		case f, ok := <-s.frames:
			if !ok {
				return
			}
			s.handleFrame(f)
		case st := <-s.stops:
			s.stopped(st)
		case <-s.gone:
			// The machine ended; pass on its last word (the exit).
			for {
				select {
				case st := <-s.stops:
					s.stopped(st)
				default:
					return
				}
			}
		}
	}
}

func (s *session) readFrames(quit <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	defer close(s.frames)
	r := bufio.NewReader(s.conn)
	for {
		f, err := readFrame(r)
		if err != nil {
			if errors.Is(err, errPacketTooLong) {
				s.count.add(func(c *counters) *atomic.Uint64 { return &c.tooLong })
			}
			return
		}
		select {
		case s.frames <- f:
		case <-quit:
			return
		}
	}
}

func (s *session) handleFrame(f frame) {
	switch f.kind {
	case frameAck:
	case frameNak:
		if !s.noAck && s.last != nil {
			s.conn.Write(s.last)
		}
	case frameBadSum:
		s.count.add(func(c *counters) *atomic.Uint64 { return &c.badChecksums })
		if !s.noAck {
			s.conn.Write([]byte{'-'})
		}
	case frameInterrupt:
		if s.running {
			s.do(s.target.Halt)
		}
	case framePacket:
		if !s.noAck {
			s.conn.Write([]byte{'+'})
		}
		s.command(string(f.payload))
	}
}

// stopped turns a stop report into the reply gdb waits for after c or s.
func (s *session) stopped(st Stop) {
	if st.Reason == StopExited {
		s.send(fmt.Sprintf("W%02x", st.Status&0xff))
		s.ended = true
		return
	}
	thread := fmt.Sprintf("thread:%02x;", st.Hart+1)
	switch st.Reason {
	case StopHalted:
		s.stopReply = "T02" + thread
	case StopWatch:
		kind := map[WatchKind]string{WatchWrite: "watch", WatchRead: "rwatch", WatchAccess: "awatch"}[st.Watch.Kind]
		s.stopReply = fmt.Sprintf("T05%s:%x;%s", kind, st.Watch.Addr, thread)
	default:
		s.stopReply = "T05" + thread
	}
	s.gHart = st.Hart
	if s.running {
		s.running = false
		s.send(s.stopReply)
	}
}

// send writes one packet.
func (s *session) send(payload string) {
	p := encodePacket([]byte(payload))
	if !s.noAck {
		s.last = p
	}
	s.conn.Write(p)
}
