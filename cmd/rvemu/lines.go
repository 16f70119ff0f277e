package main

import (
	"io"
	"os"
	"sync"

	"github.com/rvemu/rvemu/console"
)

// sharedLines keeps rvemu's own lines off the guest's: when the guest's
// output and rvemu's messages go to the same terminal, a message written
// while the guest's last line is unfinished (xv6's "$ " prompt, say) starts
// on a line of its own, and the run leaves the cursor at the start of a
// line for the shell. On pipes and files nothing is added.
type sharedLines struct {
	on  bool // stdout and stderr are both terminals
	mu  sync.Mutex
	mid bool // the terminal's cursor is in the middle of a line
}

func newSharedLines(stdout, stderr io.Writer) *sharedLines {
	isTerm := func(w io.Writer) bool {
		f, ok := w.(*os.File)
		return ok && console.IsTerminal(f)
	}
	return &sharedLines{on: isTerm(stdout) && isTerm(stderr)}
}

// guest wraps the guest's console output.
func (s *sharedLines) guest(w io.Writer) io.Writer {
	if !s.on || w == nil {
		return w
	}
	return writerFunc(func(p []byte) (int, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		n, err := w.Write(p)
		if n > 0 {
			s.mid = p[n-1] != '\n'
		}
		return n, err
	})
}

// own wraps rvemu's message stream.
func (s *sharedLines) own(w io.Writer) io.Writer {
	if !s.on {
		return w
	}
	return writerFunc(func(p []byte) (int, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.mid && len(p) > 0 {
			io.WriteString(w, "\n")
			s.mid = false
		}
		return w.Write(p)
	})
}

// end moves a cursor left mid-line to the next line, for the shell.
func (s *sharedLines) end(w io.Writer) {
	if !s.on {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mid {
		io.WriteString(w, "\n")
		s.mid = false
	}
}

// writerFunc is a function as an io.Writer.
type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
