package gdbstub

import (
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ListenAddress turns the --gdb argument into a TCP address to listen on.
// It takes HOST:PORT, :PORT or a bare PORT, with an optional "tcp:" prefix
// (QEMU's -gdb tcp::1234 spelling). An empty host means 127.0.0.1: the stub
// gives full control of the guest, so it is not exposed unless asked.
func ListenAddress(s string) (string, error) {
	a := strings.TrimPrefix(s, "tcp:")
	if !strings.Contains(a, ":") {
		a = ":" + a
	}
	host, port, err := net.SplitHostPort(a)
	if err != nil || port == "" {
		return "", fmt.Errorf("gdb address %q: want [HOST]:PORT", s)
	}
	if _, err := net.LookupPort("tcp", port); err != nil {
		return "", fmt.Errorf("gdb address %q: bad port", s)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port), nil
}

// Server accepts debugger connections, one at a time, and serves each
// until it detaches or goes away.
type Server struct {
	ln     net.Listener
	target Target
	log    io.Writer

	mu     sync.Mutex
	conn   net.Conn // the connection being served, if any
	closed chan struct{}
	wg     sync.WaitGroup
	count  counters
}

// Listen binds addr (see ListenAddress) and starts accepting connections.
// log receives one line per connection event; nil discards.
func Listen(addr string, t Target, log io.Writer) (*Server, error) {
	a, err := ListenAddress(addr)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", a)
	if err != nil {
		return nil, fmt.Errorf("gdb: %w", err)
	}
	if log == nil {
		log = io.Discard
	}
	s := &Server{ln: ln, target: t, log: log, closed: make(chan struct{})}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// Addr is the address the server listens on (useful with port 0).
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Close stops listening, drops the connection and waits for the server's
// goroutines to end. Call it after the machine loop has stopped.
func (s *Server) Close() error {
	s.mu.Lock()
	select {
	case <-s.closed:
		s.mu.Unlock()
		return nil
	default:
	}
	close(s.closed)
	err := s.ln.Close()
	if s.conn != nil {
		// The session sees closed, sends what the machine said last (its
		// exit status) and hangs up; a debugger that does not read must
		// not hold the shutdown up.
		s.conn.SetWriteDeadline(time.Now().Add(time.Second))
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return // closed
		}
		s.mu.Lock()
		select {
		case <-s.closed:
			s.mu.Unlock()
			c.Close()
			return
		default:
		}
		s.conn = c
		s.mu.Unlock()
		fmt.Fprintf(s.log, "rvemu: gdb connected from %v\n", c.RemoteAddr())
		s.count.add(func(c *counters) *atomic.Uint64 { return &c.connections })
		sess := newSession(c, s.target, s.closed)
		sess.count = &s.count
		sess.serve()
		c.Close()
		s.mu.Lock()
		s.conn = nil
		s.mu.Unlock()
		fmt.Fprintf(s.log, "rvemu: gdb disconnected\n")
	}
}
