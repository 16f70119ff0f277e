package machine

import (
	"bytes"
	"io"
)

// panicWatch passes console output through and remembers whether the guest
// printed "panic" (for the virtio-mode hint at exit). It keeps a short tail
// so that a word split across writes is still seen.
type panicWatch struct {
	w       io.Writer
	tail    []byte
	panicky bool
}

var panicWord = []byte("panic")

func (p *panicWatch) Write(b []byte) (int, error) {
	if !p.panicky {
		joined := append(p.tail, b...)
		if bytes.Contains(joined, panicWord) {
			p.panicky = true
		}
		keep := min(len(joined), len(panicWord)-1)
		p.tail = append(p.tail[:0], joined[len(joined)-keep:]...)
	}
	return p.w.Write(b)
}
