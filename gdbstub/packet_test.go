package gdbstub

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sum is the protocol checksum of a payload as sent.
func sum(s string) string {
	var c byte
	for i := 0; i < len(s); i++ {
		c += s[i]
	}
	return fmt.Sprintf("%02x", c)
}

func TestReadFrame(t *testing.T) {
	cases := []struct {
		name    string
		wire    string
		kind    frameKind
		payload string
	}{
		{"plain packet", "$g#67", framePacket, "g"},
		{"gradelib's continue", "$c#63", framePacket, "c"},
		{"upper-case checksum digits", "$qC#B4", framePacket, "qC"},
		{"empty packet", "$#00", framePacket, ""},
		{"bad checksum", "$g#68", frameBadSum, "g"},
		{"checksum not hex", "$g#zz", frameBadSum, "g"},
		{"escaped bytes", "$X0,4:}\x03}\x04}\x0a}]#" + sum("X0,4:}\x03}\x04}\x0a}]"), framePacket, "X0,4:#$*}"},
		{"noise before a packet is skipped", "xyz\r\n$s#73", framePacket, "s"},
		{"interrupt", "\x03", frameInterrupt, ""},
		{"ack", "+", frameAck, ""},
		{"nak", "-", frameNak, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := readFrame(bufio.NewReader(strings.NewReader(c.wire)))
			require.NoError(t, err)
			assert.Equal(t, c.kind, f.kind)
			assert.Equal(t, c.payload, string(f.payload))
		})
	}
}

func TestReadFrameErrors(t *testing.T) {
	cases := []struct {
		name string
		wire string
		want error
	}{
		{"eof before anything", "", io.EOF},
		{"eof inside payload", "$abc", io.EOF},
		{"eof inside checksum", "$g#6", io.ErrUnexpectedEOF},
		{"longer than PacketSize", "$" + strings.Repeat("a", maxPacket+1) + "#00", errPacketTooLong},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := readFrame(bufio.NewReader(strings.NewReader(c.wire)))
			assert.ErrorIs(t, err, c.want)
		})
	}
}

func TestEncodePacket(t *testing.T) {
	cases := []struct {
		payload string
		wire    string
	}{
		{"", "$#00"},
		{"OK", "$OK#9a"},
		{"T05thread:01;", "$T05thread:01;#07"},
		// $ # } and * are escaped: * would read as run-length encoding.
		{"a$b#c}d*", "$a}\x04b}\x03c}]d}\x0a#" + sum("a}\x04b}\x03c}]d}\x0a")},
	}
	for _, c := range cases {
		t.Run(c.payload, func(t *testing.T) {
			assert.Equal(t, c.wire, string(encodePacket([]byte(c.payload))))
		})
	}
}

func TestEncodeReadRoundTrip(t *testing.T) {
	var all []byte
	for b := 0; b < 256; b++ {
		all = append(all, byte(b))
	}
	f, err := readFrame(bufio.NewReader(strings.NewReader(string(encodePacket(all)))))
	require.NoError(t, err)
	assert.Equal(t, framePacket, f.kind)
	assert.Equal(t, all, f.payload)
}
