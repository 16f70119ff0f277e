package pcap

import (
	"bytes"
	"encoding/binary"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// whoHas is an ARP request for 10.0.2.15 from 10.0.2.2.
func whoHas() []byte {
	f := []byte{
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02, 0x08, 0x06,
		0, 1, 8, 0, 6, 4, 0, 1,
		0x52, 0x55, 0x0a, 0x00, 0x02, 0x02, 10, 0, 2, 2,
		0, 0, 0, 0, 0, 0, 10, 0, 2, 15,
	}
	return append(f, make([]byte, 60-len(f))...)
}

// udpFrame is 10.0.2.15:2000 -> 10.0.2.2:dport carrying payload, with a
// valid IP header checksum and no UDP checksum.
func udpFrame(dport uint16, payload string) []byte {
	ip := make([]byte, 28+len(payload))
	ip[0] = 0x45
	binary.BigEndian.PutUint16(ip[2:], uint16(len(ip)))
	ip[8], ip[9] = 64, 17
	copy(ip[12:], []byte{10, 0, 2, 15, 10, 0, 2, 2})
	var sum uint32
	for i := 0; i < 20; i += 2 {
		sum += uint32(binary.BigEndian.Uint16(ip[i:]))
	}
	sum = sum&0xFFFF + sum>>16
	binary.BigEndian.PutUint16(ip[10:], ^uint16(sum+sum>>16))
	binary.BigEndian.PutUint16(ip[20:], 2000)
	binary.BigEndian.PutUint16(ip[22:], dport)
	binary.BigEndian.PutUint16(ip[24:], uint16(8+len(payload)))
	copy(ip[28:], payload)
	eth := []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x08, 0x00}
	return append(eth, ip...)
}

func TestHeaderAndRecordLayout(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf)
	require.NoError(t, err)
	w.now = func() time.Time { return time.Unix(1700000000, 123456000) }
	require.NoError(t, w.WriteFrame([]byte{1, 2, 3}))
	b := buf.Bytes() // no Flush: a killed emulator still leaves whole records
	require.Len(t, b, 24+16+3)
	assert.Equal(t, []byte{0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0}, b[:8])
	assert.Equal(t, uint32(1), binary.LittleEndian.Uint32(b[20:]), "linktype Ethernet")
	rec := b[24:]
	tests := []struct {
		field string
		off   int
		want  uint32
	}{
		{"ts_sec", 0, 1700000000}, {"ts_usec", 4, 123456}, {"incl_len", 8, 3}, {"orig_len", 12, 3},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, binary.LittleEndian.Uint32(rec[tt.off:]), tt.field)
	}
	assert.Equal(t, []byte{1, 2, 3}, rec[16:])
}

func TestTsharkReadsCapture(t *testing.T) {
	path := filepath.Join(t.TempDir(), "packets.pcap")
	w, err := Create(path)
	require.NoError(t, err)
	var delivered [][]byte
	toGuest := w.Tap(func(f []byte) { delivered = append(delivered, f) })
	fromGuest := w.Tap(func(f []byte) {})
	fromGuest(udpFrame(25603, "a message from xv6!"))
	toGuest(whoHas())
	require.NoError(t, w.Close())
	assert.Len(t, delivered, 1, "the tap passes frames on")

	out, err := exec.Command("tshark", "-r", path, "-T", "fields",
		"-e", "frame.number", "-e", "eth.src", "-e", "ip.dst", "-e", "udp.dstport", "-e", "arp.dst.proto_ipv4", "-e", "data.data").Output()
	require.NoError(t, err, "tshark -r must read the capture")
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	require.Len(t, lines, 2)
	assert.Equal(t, []string{"1", "52:54:00:12:34:56", "10.0.2.2", "25603", "", "61206d6573736167652066726f6d2078763621"}, strings.Split(lines[0], "\t"))
	assert.Equal(t, []string{"2", "52:55:0a:00:02:02", "", "", "10.0.2.15", ""}, strings.Split(lines[1], "\t"))
}
