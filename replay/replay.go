// Package replay is the file format of a recorded run: every external input
// the guest saw, each stamped with the point of the run where it entered
// (instructions retired by all harts, and mtime). Replaying a log on the
// same kernel and disk with the virtual clock repeats the run exactly.
//
// The format is text, one event per line, so a TA can read and diff it:
//
//	rvemu-record 1
//	# any comment
//	<instructions> <mtime> <kind> <hex payload>
//
// Kinds: "console" (bytes typed to the UART), "end" (where the recording
// stopped; empty payload). The network adds "frame" (one Ethernet frame
// from the host side to the NIC) without changing the format.
package replay

import (
	"bufio"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Magic is the first line of a log; the number is the format version.
const Magic = "rvemu-record 1"

// Kind says what an event carries.
type Kind string

const (
	Console Kind = "console" // host bytes into the UART receive FIFO
	Frame   Kind = "frame"   // a frame from the host network side (net lab)
	End     Kind = "end"     // the recorded run stopped here
)

// Point is a position in a run: comparable across runs of the same guest.
type Point struct {
	Insns uint64 // instructions retired by all harts
	Mtime uint64 // the board's mtime (virtual: includes skipped idle time)
}

// Reached reports whether p is at or past q.
func (p Point) Reached(q Point) bool { return p.Insns >= q.Insns && p.Mtime >= q.Mtime }

// Event is one recorded input.
type Event struct {
	At   Point
	Kind Kind
	Data []byte
}

// Writer appends events to a log. Each event is one Write to the
// underlying writer, so a killed emulator leaves a readable log.
type Writer struct {
	w   io.Writer
	err error
}

// NewWriter writes the header and any comment lines (e.g. the kernel).
func NewWriter(w io.Writer, comments ...string) (*Writer, error) {
	var b strings.Builder
	b.WriteString(Magic + "\n")
	for _, c := range comments {
		b.WriteString("# " + strings.ReplaceAll(c, "\n", " ") + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return &Writer{w: w, err: err}, err
}

// Write appends one event; the first error sticks.
func (w *Writer) Write(e Event) error {
	if w.err != nil {
		return w.err
	}
	line := fmt.Sprintf("%d %d %s %s\n", e.At.Insns, e.At.Mtime, e.Kind, hex.EncodeToString(e.Data))
	_, w.err = io.WriteString(w.w, line)
	return w.err
}

// Err is the first write error.
func (w *Writer) Err() error { return w.err }

// ErrFormat marks a file that is not a log this version reads.
var ErrFormat = errors.New("not an rvemu recording")

// Read parses a whole log. Events must be in order of their points.
func Read(r io.Reader) ([]Event, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	if !sc.Scan() || strings.TrimSpace(sc.Text()) != Magic {
		return nil, fmt.Errorf("%w (want first line %q)", ErrFormat, Magic)
	}
	var events []Event
	line := 1
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		e, err := parseEvent(text)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if n := len(events); n > 0 && !e.At.Reached(events[n-1].At) {
			return nil, fmt.Errorf("line %d: event at %d/%d before the previous one", line, e.At.Insns, e.At.Mtime)
		}
		events = append(events, e)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return events, nil
}

func parseEvent(text string) (Event, error) {
	f := strings.Fields(text)
	if len(f) == 3 {
		f = append(f, "") // empty payload
	}
	if len(f) != 4 {
		return Event{}, fmt.Errorf("%w: want INSNS MTIME KIND HEX", ErrFormat)
	}
	insns, err1 := strconv.ParseUint(f[0], 10, 64)
	mtime, err2 := strconv.ParseUint(f[1], 10, 64)
	data, err3 := hex.DecodeString(f[3])
	if err := errors.Join(err1, err2, err3); err != nil {
		return Event{}, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	kind := Kind(f[2])
	switch kind {
	case Console, Frame, End:
	default:
		return Event{}, fmt.Errorf("%w: unknown kind %q", ErrFormat, f[2])
	}
	return Event{At: Point{insns, mtime}, Kind: kind, Data: data}, nil
}
