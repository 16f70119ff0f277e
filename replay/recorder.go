package replay

import (
	"fmt"
	"io"
)

// Recorder writes the log of a run as the board delivers host input:
// console bytes delivered at one point become one event.
type Recorder struct {
	w       *Writer
	pending Event
	log     io.Writer
	failed  bool
}

// NewRecorder starts a log on w (the comments go in its header). Write
// errors are reported once, on log, and the run goes on.
func NewRecorder(w io.Writer, log io.Writer, comments ...string) (*Recorder, error) {
	rw, err := NewWriter(w, comments...)
	if err != nil {
		return nil, fmt.Errorf("record: %w", err)
	}
	return &Recorder{w: rw, log: log}, nil
}

// Console notes byte b delivered to the UART at p.
func (r *Recorder) Console(p Point, b byte) {
	if r.pending.Kind == Console && r.pending.At == p {
		r.pending.Data = append(r.pending.Data, b)
		return
	}
	r.flush()
	r.pending = Event{At: p, Kind: Console, Data: []byte{b}}
}

// flush writes the pending event. A write error is reported once; the run
// goes on (the guest must not suffer for a full disk).
func (r *Recorder) flush() {
	if r.pending.Kind == "" {
		return
	}
	if err := r.w.Write(r.pending); err != nil && !r.failed {
		r.failed = true
		fmt.Fprintf(r.log, "rvemu: record: %v\n", err)
	}
	r.pending = Event{}
}

// Frame logs a frame delivered to the NIC at p.
func (r *Recorder) Frame(p Point, f []byte) {
	r.flush()
	r.pending = Event{At: p, Kind: Frame, Data: f}
	r.flush()
}

// End marks where the recorded run stopped.
func (r *Recorder) End(p Point) {
	r.flush()
	r.pending = Event{At: p, Kind: End, Data: []byte{}}
	r.flush()
}
