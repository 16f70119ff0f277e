package class

import (
	"bytes"
	"fmt"
	"io"
	"sync"
)

// A grade's output is the student's to make as large as they like (a
// kernel that floods the console, a build that prints without end). What
// is kept of it is bounded: each line to maxLine bytes, the log to its
// first headBytes and last tailBytes, and what is parsed for the score
// likewise.

const (
	maxLine   = 4096
	headBytes = 4 << 20
	tailBytes = 256 << 10
)

// lineLimiter passes lines on, each cut to maxLine bytes.
type lineLimiter struct {
	w   io.Writer
	n   int // bytes of the current line passed on
	cut bool
}

func (l *lineLimiter) Write(p []byte) (int, error) {
	total := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		chunk := p
		if i >= 0 {
			chunk = p[:i+1]
		}
		body := chunk
		if i >= 0 {
			body = chunk[:len(chunk)-1]
		}
		room := max(maxLine-l.n, 0)
		keep := body[:min(len(body), room)]
		if len(keep) > 0 {
			if _, err := l.w.Write(keep); err != nil {
				return 0, err
			}
			l.n += len(keep)
		}
		if len(body) > len(keep) && !l.cut {
			l.cut = true
			if _, err := io.WriteString(l.w, " [line cut]"); err != nil {
				return 0, err
			}
		}
		if i >= 0 {
			if _, err := l.w.Write([]byte{'\n'}); err != nil {
				return 0, err
			}
			l.n, l.cut = 0, false
		}
		p = p[len(chunk):]
	}
	return total, nil
}

// headTail keeps the first head bytes written and the last tail bytes,
// and counts what fell between.
type headTail struct {
	mu      sync.Mutex
	head    bytes.Buffer
	tail    []byte // ring
	tailPos int
	tailLen int
	dropped int64
	headMax int
}

func newHeadTail(head, tail int) *headTail {
	return &headTail{headMax: head, tail: make([]byte, tail)}
}

func (h *headTail) Write(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := len(p)
	if room := h.headMax - h.head.Len(); room > 0 {
		k := min(room, len(p))
		h.head.Write(p[:k])
		p = p[k:]
	}
	for _, c := range p {
		if h.tailLen == len(h.tail) {
			h.dropped++
		} else {
			h.tailLen++
		}
		h.tail[h.tailPos] = c
		h.tailPos = (h.tailPos + 1) % len(h.tail)
	}
	return n, nil
}

// Bytes is what was kept, with a line saying how much was left out.
func (h *headTail) Bytes() []byte {
	h.mu.Lock()
	defer h.mu.Unlock()
	var b bytes.Buffer
	b.Write(h.head.Bytes())
	if h.dropped > 0 {
		fmt.Fprintf(&b, "\n[... %d bytes of output left out ...]\n", h.dropped)
	}
	start := (h.tailPos - h.tailLen + len(h.tail)) % len(h.tail)
	for i := 0; i < h.tailLen; i++ {
		b.WriteByte(h.tail[(start+i)%len(h.tail)])
	}
	return b.Bytes()
}
