package replay

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRoundTrip(t *testing.T) {
	events := []Event{
		{At: Point{1000, 100}, Kind: Console, Data: []byte("ls\n")},
		{At: Point{1000, 100}, Kind: Console, Data: []byte{0}},
		{At: Point{5000, 9000}, Kind: Frame, Data: []byte{0xff, 0xff, 0x52, 0x54}},
		{At: Point{7000, 9100}, Kind: End, Data: []byte{}},
	}
	var buf bytes.Buffer
	w, err := NewWriter(&buf, "kernel build/kernel.img")
	require.NoError(t, err)
	for _, e := range events {
		require.NoError(t, w.Write(e))
	}
	assert.Equal(t, "rvemu-record 1\n# kernel build/kernel.img\n"+
		"1000 100 console 6c730a\n1000 100 console 00\n5000 9000 frame ffff5254\n7000 9100 end \n", buf.String())
	got, err := Read(&buf)
	require.NoError(t, err)
	assert.Equal(t, events, got)
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"no header", "1 1 console 61\n", "not an rvemu recording"},
		{"bad kind", Magic + "\n1 1 keyboard 61\n", `line 2: not an rvemu recording: unknown kind "keyboard"`},
		{"bad hex", Magic + "\n1 1 console 6\n", "line 2"},
		{"missing field", Magic + "\n1 console\n", "line 2"},
		{"out of order", Magic + "\n5 5 console 61\n4 6 console 62\n", "line 3: event at 4/6 before the previous one"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tc.text))
			assert.ErrorContains(t, err, tc.want)
		})
	}
}

func TestReached(t *testing.T) {
	assert.True(t, Point{10, 5}.Reached(Point{10, 5}))
	assert.True(t, Point{11, 6}.Reached(Point{10, 5}))
	assert.False(t, Point{11, 4}.Reached(Point{10, 5}), "mtime behind: an idle jump is still to come")
	assert.False(t, Point{9, 9}.Reached(Point{10, 5}))
}
