package machine

import (
	"io"

	"github.com/rvemu/rvemu/replay"
)

// input carries host console bytes to the machine loop. A goroutine reads
// the host side and hands over chunks; the loop holds the current chunk
// until the UART has room, so no byte is ever dropped, and reads the next
// chunk only when the last one is delivered (back-pressure to the host).
type input struct {
	ch      chan []byte
	pending []byte

	// rec logs each delivered byte at point() (--record); script replaces
	// the host side altogether (--replay).
	rec    *replay.Recorder
	script *replay.Script
	point  func() replay.Point
}

// holding reports whether input waits for room in the UART.
func (in *input) holding() bool {
	return len(in.pending) > 0 || (in.script != nil && in.script.Remaining())
}

func startInput(r io.Reader, done <-chan struct{}) *input {
	in := &input{}
	if r == nil {
		return in // nil channel: never ready
	}
	in.ch = make(chan []byte)
	go func() {
		defer close(in.ch)
		for {
			buf := make([]byte, 512)
			n, err := r.Read(buf)
			if n > 0 {
				select {
				case in.ch <- buf[:n]:
				case <-done:
					return
				}
			}
			if err != nil {
				return // EOF does not stop the machine: input just ends
			}
		}
	}()
	return in
}

// wake is the channel the idle sleep listens on; nil (never ready) while a
// chunk is still undelivered.
func (in *input) wake() <-chan []byte {
	if len(in.pending) > 0 {
		return nil
	}
	return in.ch
}

func (in *input) accept(chunk []byte, ok bool) {
	if !ok {
		in.ch = nil // host side ended; keep running
		return
	}
	in.pending = chunk
}

// feed moves held bytes into the UART while it has room, fetching the next
// chunk from the reader without blocking.
func (in *input) feed(u replay.Receiver) {
	if in.script != nil {
		in.script.Feed(in.point(), u)
		return
	}
	for {
		if len(in.pending) == 0 {
			select {
			case chunk, ok := <-in.wake():
				in.accept(chunk, ok)
				if !ok || len(in.pending) == 0 {
					return
				}
			default:
				return
			}
		}
		for len(in.pending) > 0 && u.RxRoom() {
			u.Receive(in.pending[0])
			if in.rec != nil {
				in.rec.Console(in.point(), in.pending[0])
			}
			in.pending = in.pending[1:]
		}
		if len(in.pending) > 0 {
			return
		}
	}
}
