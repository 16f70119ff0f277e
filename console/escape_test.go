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
