package console

import (
	"bytes"
	"io"
	"os"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEscaper(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     string
		wantQuit bool
		wantHelp bool
	}{
		{"plain bytes pass", "ls\n", "ls\n", false, false},
		{"ctrl-a ctrl-a is a literal ctrl-a", "a\x01\x01b", "a\x01b", false, false},
		{"ctrl-a x quits and drops the rest", "ok\x01xafter", "ok", true, false},
		{"ctrl-a X quits too", "\x01X", "", true, false},
		{"ctrl-a h prints help", "a\x01hb", "ab", false, true},
		{"unknown command dropped", "a\x01zb", "ab", false, false},
		{"ctrl-c passes to the guest", "\x03", "\x03", false, false},
	}
	for _, tc := range tests {
		for _, oneByte := range []bool{false, true} {
			name := tc.name
			if oneByte {
				name += " (byte at a time)"
			}
			t.Run(name, func(t *testing.T) {
				var help bytes.Buffer
				quits := 0
				var r io.Reader = bytes.NewReader([]byte(tc.in))
				if oneByte {
					r = iotest.OneByteReader(r)
				}
				e := NewEscaper(r, &help, func() { quits++ })
				got, err := io.ReadAll(e)
				require.NoError(t, err)
				assert.Equal(t, tc.want, string(got))
				assert.Equal(t, tc.wantQuit, quits == 1)
				assert.LessOrEqual(t, quits, 1)
				assert.Equal(t, tc.wantHelp, bytes.Contains(help.Bytes(), []byte("C-a x")))
			})
		}
	}
}

func TestEscaperNeverReturnsEmptyRead(t *testing.T) {
	// A chunk made only of commands must not surface as (0, nil).
	e := NewEscaper(iotest.OneByteReader(bytes.NewReader([]byte("\x01h\x01hz"))), io.Discard, nil)
	buf := make([]byte, 8)
	n, err := e.Read(buf)
	require.NoError(t, err)
	assert.Equal(t, "z", string(buf[:n]))
}

func TestTerminalNilAndPipe(t *testing.T) {
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	defer w.Close()
	term, err := MakeRaw(r)
	require.NoError(t, err)
	assert.Nil(t, term, "a pipe is not a terminal")
	term.Restore() // nil receiver is a no-op
	assert.False(t, IsTerminal(r))
}

// Nobody reads the guest side (a guest that never takes input): the
// keyboard is still read, Ctrl-A X still quits, the queue stops at
// QueueLimit and counts what it dropped, with one note on the help writer.
func TestEscaperQueueBoundedAndQuitNotStarved(t *testing.T) {
	r, w := io.Pipe()
	var help bytes.Buffer
	quit := make(chan struct{})
	e := NewEscaper(r, &help, func() { close(quit) })

	const extra = 100
	chunk := bytes.Repeat([]byte("k"), 1000)
	for sent := 0; sent < QueueLimit+extra; {
		n := min(len(chunk), QueueLimit+extra-sent)
		_, err := w.Write(chunk[:n])
		require.NoError(t, err)
		sent += n
	}
	_, err := w.Write([]byte{EscapeKey, 'x'})
	require.NoError(t, err)
	<-quit // reached although Read was never called

	assert.Equal(t, extra, e.Dropped())
	assert.Equal(t, 1, bytes.Count(help.Bytes(), []byte("dropping typed keys")))
	got, err := io.ReadAll(e)
	require.NoError(t, err)
	assert.Len(t, got, QueueLimit, "what was queued before the quit still arrives")
}

// fakeMonitor records what the mux hands the monitor.
type fakeMonitor struct {
	keys   []byte
	focus  []bool
	events []string
}

func (m *fakeMonitor) Focus(on bool) {
	m.focus = append(m.focus, on)
	if on {
		m.events = append(m.events, "in")
	} else {
		m.events = append(m.events, "out")
	}
}

func (m *fakeMonitor) Key(c byte) {
	m.keys = append(m.keys, c)
	m.events = append(m.events, string(c))
}

func TestMuxSwitchesTheKeyboard(t *testing.T) {
	tests := []struct {
		name       string
		start      Focus
		in         string
		wantGuest  string
		wantEvents []string
	}{
		{"ctrl-a c to the monitor and back", FocusGuest, "ls\n\x01cab\r\x01cx",
			"ls\nx", []string{"in", "a", "b", "\r", "out"}},
		{"ctrl-a ctrl-a in the monitor goes to the monitor", FocusGuest, "\x01c\x01\x01",
			"", []string{"in", "\x01"}},
		{"monitor first", FocusMonitor, "q\x01cz",
			"z", []string{"in", "q", "out"}},
		{"monitor only: ctrl-a c stays", MonitorOnly, "a\x01cb",
			"", []string{"in", "a", "b"}},
		{"ctrl-a x quits from the monitor", FocusGuest, "\x01cq\x01xafter",
			"", []string{"in", "q"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mon := &fakeMonitor{}
			e := NewMux(iotest.OneByteReader(bytes.NewReader([]byte(tc.in))), io.Discard, nil, mon, tc.start)
			got, err := io.ReadAll(e)
			require.NoError(t, err)
			assert.Equal(t, tc.wantGuest, string(got))
			assert.Equal(t, tc.wantEvents, mon.events)
		})
	}
}

func TestMuxHelpNamesCtrlAC(t *testing.T) {
	var help bytes.Buffer
	e := NewMux(bytes.NewReader([]byte("\x01h")), &help, nil, &fakeMonitor{}, FocusGuest)
	io.ReadAll(e)
	assert.Contains(t, help.String(), "C-a c    switch between console and monitor")

	help.Reset()
	e = NewEscaper(bytes.NewReader([]byte("\x01h\x01c")), &help, nil)
	got, _ := io.ReadAll(e)
	assert.NotContains(t, help.String(), "C-a c", "no monitor: no such key")
	assert.Empty(t, got, "ctrl-a c without a monitor is dropped")
}
