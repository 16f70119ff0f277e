// Package pcap writes Ethernet frames in the classic libpcap file format
// (what tshark and wireshark read), for debugging the guest's network,
// and reads such captures back (the class grader looks for where a guest
// tried to send).
package pcap

import (
	"encoding/binary"
	"io"
	"os"
	"sync"
	"time"
)

// File format constants: microsecond timestamps, version 2.4, Ethernet.
const (
	magic        = 0xa1b2c3d4
	magicNano    = 0xa1b23c4d // the same with nanosecond stamps (read only)
	versionMajor = 2
	versionMinor = 4
	snapLen      = 65535
	linkEthernet = 1
)

// Writer appends frames to a capture. Each frame is one write to the file,
// unbuffered, so a capture is complete up to the last frame even when the
// emulator is killed. It is safe for concurrent use.
type Writer struct {
	mu     sync.Mutex
	w      io.Writer
	rec    []byte // record being assembled
	closer io.Closer
	now    func() time.Time
	err    error
}

// NewWriter writes the file header to w and returns a Writer.
func NewWriter(w io.Writer) (*Writer, error) {
	pw := &Writer{w: w, now: time.Now}
	var h [24]byte
	binary.LittleEndian.PutUint32(h[0:], magic)
	binary.LittleEndian.PutUint16(h[4:], versionMajor)
	binary.LittleEndian.PutUint16(h[6:], versionMinor)
	// thiszone and sigfigs stay 0
	binary.LittleEndian.PutUint32(h[16:], snapLen)
	binary.LittleEndian.PutUint32(h[20:], linkEthernet)
	if _, err := pw.w.Write(h[:]); err != nil {
		return nil, err
	}
	return pw, nil
}

// Create starts a capture file at path.
func Create(path string) (*Writer, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	w, err := NewWriter(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	w.closer = f
	return w, nil
}

// WriteFrame records one frame with the current time. The first error is
// kept and returned again by later calls and by Close.
func (w *Writer) WriteFrame(frame []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	ts := w.now()
	captured := min(len(frame), snapLen)
	var h [16]byte
	binary.LittleEndian.PutUint32(h[0:], uint32(ts.Unix()))
	binary.LittleEndian.PutUint32(h[4:], uint32(ts.Nanosecond()/1000))
	binary.LittleEndian.PutUint32(h[8:], uint32(captured))
	binary.LittleEndian.PutUint32(h[12:], uint32(len(frame)))
	w.rec = append(append(w.rec[:0], h[:]...), frame[:captured]...)
	_, w.err = w.w.Write(w.rec)
	return w.err
}

// Tap returns a link function that records each frame, then passes it on.
// Wrapping both directions of a link captures all traffic in order.
func (w *Writer) Tap(next func(frame []byte)) func(frame []byte) {
	return func(frame []byte) {
		w.WriteFrame(frame)
		next(frame)
	}
}

// Flush reports the first write error, if any: records are not buffered.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// Close flushes and closes the file (if Create opened it).
func (w *Writer) Close() error {
	err := w.Flush()
	if w.closer != nil {
		if cerr := w.closer.Close(); err == nil {
			err = cerr
		}
	}
	return err
}
