package machine

import (
	"io"
	"sync"
)

// syncWriter serialises writes to the board's Log: the machine loop, the
// GDB stub's accept goroutine and host-side devices all report there, and
// the writer a caller hands in (a bytes.Buffer in tests) need not be safe
// for concurrent use.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
