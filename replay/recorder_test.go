package replay

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fifo is a UART receive FIFO of room bytes.
type fifo struct {
	room int
	got  []byte
}

func (f *fifo) RxRoom() bool   { return len(f.got) < f.room }
func (f *fifo) Receive(b byte) { f.got = append(f.got, b) }

func TestRecorderScriptRoundTrip(t *testing.T) {
	var log, diag bytes.Buffer
	r, err := NewRecorder(&log, &diag, "kernel k")
	require.NoError(t, err)
	p1, p2, p3 := Point{10, 1}, Point{20, 2}, Point{30, 3}
	r.Console(p1, 'a')
	r.Console(p1, 'b') // same point: same event
	r.Frame(p2, []byte{1, 2})
	r.Console(p2, 'c')
	r.End(p3)
	events, err := Read(bytes.NewReader(log.Bytes()))
	require.NoError(t, err)
	assert.Equal(t, []Event{
		{At: p1, Kind: Console, Data: []byte("ab")},
		{At: p2, Kind: Frame, Data: []byte{1, 2}},
		{At: p2, Kind: Console, Data: []byte("c")},
		{At: p3, Kind: End, Data: []byte{}},
	}, events)
	assert.Empty(t, diag.String())

	s, err := NewScript(bytes.NewReader(log.Bytes()), &diag)
	require.NoError(t, err)
	var frames [][]byte
	s.DeliverFrames(func(f []byte) { frames = append(frames, f) })
	u := &fifo{room: 1}
	s.Feed(Point{5, 0}, u)
	assert.Empty(t, u.got, "nothing due before p1")
	s.Feed(p1, u)
	assert.Equal(t, "a", string(u.got), "the FIFO is full: b waits")
	u.room = 8
	s.Feed(p1, u)
	assert.Equal(t, "ab", string(u.got))
	assert.False(t, s.Ended(p2))
	s.Feed(p2, u)
	assert.Equal(t, "abc", string(u.got))
	assert.Equal(t, [][]byte{{1, 2}}, frames)
	assert.True(t, s.Remaining())
	assert.True(t, s.Ended(p3))
	assert.Empty(t, diag.String(), "every event entered at its point")
}

func TestScriptReportsDivergenceOnce(t *testing.T) {
	var log, diag bytes.Buffer
	r, err := NewRecorder(&log, &diag)
	require.NoError(t, err)
	r.Console(Point{10, 1}, 'a')
	r.Console(Point{20, 2}, 'b')
	r.Frame(Point{20, 2}, []byte{1})
	s, err := NewScript(&log, &diag)
	require.NoError(t, err)
	s.Feed(Point{100, 100}, &fifo{room: 8})
	assert.Equal(t, 1, strings.Count(diag.String(), "diverged"), diag.String())
	assert.Contains(t, diag.String(), "this board has no network")
	assert.False(t, s.Remaining())
}
