package grade

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"time"
)

// stamp: output up to byte end had arrived at time at.
type stamp struct {
	end int
	at  time.Time
}

// Prompt is what xv6's shell prints when it waits for a command.
const Prompt = "$ "

// Console sits between the guest's UART and the grader: the board writes
// the guest's output to it and reads typed input from In. It records the
// whole transcript and tells when a new prompt appears.
type Console struct {
	tee io.Writer // -v: the console shown live; nil for none

	inR *io.PipeReader
	inW *io.PipeWriter

	mu      sync.Mutex
	out     bytes.Buffer
	scanned int // prompts before this offset were counted
	prompts int
	stamps  []stamp       // when each stretch of output arrived
	changed chan struct{} // closed and replaced on every Write
}

// NewConsole returns a console; tee (may be nil) sees the output live.
func NewConsole(tee io.Writer) *Console {
	r, w := io.Pipe()
	return &Console{tee: tee, inR: r, inW: w, changed: make(chan struct{})}
}

// In is the guest's keyboard (machine.Config.ConsoleIn).
func (c *Console) In() io.Reader { return c.inR }

// Write receives guest output (machine.Config.ConsoleOut).
func (c *Console) Write(p []byte) (int, error) {
	if c.tee != nil {
		c.tee.Write(p)
	}
	c.mu.Lock()
	c.out.Write(p)
	c.stamps = append(c.stamps, stamp{end: c.out.Len(), at: time.Now()})
	// A prompt may straddle two writes: rescan from one byte back.
	for {
		i := bytes.Index(c.out.Bytes()[c.scanned:], []byte(Prompt))
		if i < 0 {
			if tail := c.out.Len() - 1; tail > c.scanned {
				c.scanned = tail
			}
			break
		}
		c.prompts++
		c.scanned += i + len(Prompt)
	}
	close(c.changed)
	c.changed = make(chan struct{})
	c.mu.Unlock()
	return len(p), nil
}

// Type sends a line to the guest, as the grader does, without blocking the
// caller on a guest that never reads.
func (c *Console) Type(line string) {
	go c.inW.Write([]byte(line + "\n"))
}

// Close ends the input (the board's reader sees EOF).
func (c *Console) Close() { c.inW.Close() }

// State is a snapshot: prompts seen, output length, and a channel closed at
// the next Write.
func (c *Console) State() (prompts, length int, changed <-chan struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.prompts, c.out.Len(), c.changed
}

// Text is the transcript from offset on.
func (c *Console) Text(from int) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	b := c.out.Bytes()
	if from > len(b) {
		from = len(b)
	}
	return string(b[from:])
}

// Contains reports whether the transcript from offset on holds s.
func (c *Console) Contains(from int, s string) bool {
	return strings.Contains(c.Text(from), s)
}

// ArrivedAt is when the byte at offset off was written (zero if not yet).
func (c *Console) ArrivedAt(off int) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.stamps {
		if off < s.end {
			return s.at
		}
	}
	return time.Time{}
}
