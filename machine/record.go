package machine

import "github.com/rvemu/rvemu/replay"

// Deterministic runs. With the virtual clock the guest's only source of
// variation is when host input enters. Input enters only at the loop's
// feed points (a turn's start, after an MMIO exit); --record logs the
// point of each delivery (instructions retired, mtime) and --replay
// delivers the same bytes at the same points, with no host input. The log
// and its playback are package replay's (Recorder, Script); the board
// owns the feed points.

// recording is the board's record/replay state.
type recording struct {
	// rec logs external input (--record); script replays a log (--replay).
	rec    *replay.Recorder
	script *replay.Script
	// heldFrames wait for the next feed point while recording.
	heldFrames   [][]byte
	deliverFrame func([]byte)
}

// point is where the run stands: comparable between a recording and its
// replay because both execute the same instructions in the same order.
func (m *Machine) point() replay.Point {
	return replay.Point{Insns: m.clock.retired, Mtime: m.clock.now()}
}

// holdFrames: while recording, frames for the guest (from host sockets via
// Post, or answered at once by the user network during a transmit) wait
// for the loop's next feed point, where they are logged and delivered, so
// a replay can deliver them at the same point.
func (m *Machine) holdFrames(deliver func([]byte)) func([]byte) {
	m.deliverFrame = deliver
	return func(f []byte) { m.heldFrames = append(m.heldFrames, append([]byte(nil), f...)) }
}

// feedInput hands external input to the devices at a feed point: held
// frames (recording), then console bytes (live, recorded or replayed).
func (m *Machine) feedInput() {
	if len(m.heldFrames) > 0 {
		p := m.point()
		for _, f := range m.heldFrames {
			m.rec.Frame(p, f)
			m.deliverFrame(f)
		}
		m.heldFrames = m.heldFrames[:0]
	}
	m.in.feed(m.uart)
}
