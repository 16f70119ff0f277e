package pcap

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadFramesGivesBackWhatWasWritten(t *testing.T) {
	var b bytes.Buffer
	w, err := NewWriter(&b)
	require.NoError(t, err)
	frames := [][]byte{whoHas(), udpFrame(25099, "a message"), udpFrame(53, "")}
	for _, f := range frames {
		require.NoError(t, w.WriteFrame(f))
	}
	// A last record cut short, as when the writer is killed mid-write.
	whole := b.Bytes()
	cut := append(append([]byte{}, whole...), whole[24:24+20]...)

	var got [][]byte
	require.NoError(t, ReadFrames(bytes.NewReader(cut), func(f []byte) error {
		got = append(got, append([]byte{}, f...))
		return nil
	}))
	assert.Equal(t, frames, got)
}

func TestReadFramesBigEndianAndNanoseconds(t *testing.T) {
	var h [24]byte
	binary.BigEndian.PutUint32(h[0:], magicNano)
	binary.BigEndian.PutUint32(h[20:], linkEthernet)
	var rec [16]byte
	frame := whoHas()
	binary.BigEndian.PutUint32(rec[8:], uint32(len(frame)))
	binary.BigEndian.PutUint32(rec[12:], uint32(len(frame)))
	file := append(append(h[:], rec[:]...), frame...)
	n := 0
	require.NoError(t, ReadFrames(bytes.NewReader(file), func(f []byte) error {
		assert.Equal(t, frame, f)
		n++
		return nil
	}))
	assert.Equal(t, 1, n)
}

func TestReadFramesRefusesOtherFiles(t *testing.T) {
	err := ReadFrames(bytes.NewReader(make([]byte, 30)), func([]byte) error { return nil })
	assert.ErrorContains(t, err, "not a capture")
	err = ReadFrames(bytes.NewReader(nil), func([]byte) error { return nil })
	assert.ErrorContains(t, err, "no file header")
}
