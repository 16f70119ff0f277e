package tests

import (
	"encoding/binary"
	"fmt"
	"os"
)

// pcapFrames reads a classic libpcap capture (what QEMU's filter-dump
// writes) and returns the captured bytes of every frame. On a truncated
// file it returns the whole frames before the cut with the error.
func pcapFrames(path string) ([][]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	const globalHeader, recordHeader = 24, 16
	if len(data) < globalHeader {
		return nil, fmt.Errorf("pcap %s: %d bytes, no header", path, len(data))
	}
	var order binary.ByteOrder
	switch binary.LittleEndian.Uint32(data) {
	case 0xa1b2c3d4:
		order = binary.LittleEndian
	case 0xd4c3b2a1:
		order = binary.BigEndian
	default:
		return nil, fmt.Errorf("pcap %s: bad magic %#x", path, data[:4])
	}
	var frames [][]byte
	for off := globalHeader; off < len(data); {
		if off+recordHeader > len(data) {
			return frames, fmt.Errorf("pcap %s: truncated record header at %d", path, off)
		}
		capLen := int(order.Uint32(data[off+8:]))
		off += recordHeader
		if off+capLen > len(data) {
			return frames, fmt.Errorf("pcap %s: truncated frame at %d", path, off)
		}
		frames = append(frames, data[off:off+capLen])
		off += capLen
	}
	return frames, nil
}

// inetChecksum folds the RFC 1071 sum of the given pieces; a piece of odd
// length may only come last. Over data that carries its own checksum, a
// valid one folds to 0.
func inetChecksum(pieces ...[]byte) uint16 {
	var sum uint32
	for _, p := range pieces {
		for i := 0; i+1 < len(p); i += 2 {
			sum += uint32(p[i])<<8 | uint32(p[i+1])
		}
		if len(p)%2 == 1 {
			sum += uint32(p[len(p)-1]) << 8
		}
	}
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	return ^uint16(sum)
}

// Decoded Ethernet frames: only the fields the net tests look at.
type ethFrame struct {
	dst, src  [6]byte
	etherType uint16
	payload   []byte
}

type arpPacket struct {
	op       uint16
	sha      [6]byte
	spa, tpa [4]byte
}

type udpDatagram struct {
	src, dst         [4]byte
	sport, dport     uint16
	payload          []byte
	ipChecksumOK     bool
	udpChecksumOK    bool // also true when the sender sent no checksum (0)
	udpChecksumGiven bool
}

func parseEth(b []byte) (ethFrame, bool) {
	if len(b) < 14 {
		return ethFrame{}, false
	}
	var f ethFrame
	copy(f.dst[:], b[0:6])
	copy(f.src[:], b[6:12])
	f.etherType = binary.BigEndian.Uint16(b[12:14])
	f.payload = b[14:]
	return f, true
}

func parseARP(b []byte) (arpPacket, bool) {
	if len(b) < 28 || binary.BigEndian.Uint16(b[0:2]) != 1 || binary.BigEndian.Uint16(b[2:4]) != 0x0800 {
		return arpPacket{}, false
	}
	var a arpPacket
	a.op = binary.BigEndian.Uint16(b[6:8])
	copy(a.sha[:], b[8:14])
	copy(a.spa[:], b[14:18])
	copy(a.tpa[:], b[24:28])
	return a, true
}

// parseUDP decodes an IPv4 packet carrying UDP and checks both checksums.
func parseUDP(b []byte) (udpDatagram, bool) {
	if len(b) < 20 || b[0]>>4 != 4 {
		return udpDatagram{}, false
	}
	hlen := int(b[0]&0xf) * 4
	total := int(binary.BigEndian.Uint16(b[2:4]))
	if hlen < 20 || total < hlen+8 || total > len(b) || b[9] != 17 {
		return udpDatagram{}, false
	}
	var d udpDatagram
	d.ipChecksumOK = inetChecksum(b[:hlen]) == 0
	copy(d.src[:], b[12:16])
	copy(d.dst[:], b[16:20])
	u := b[hlen:total]
	ulen := int(binary.BigEndian.Uint16(u[4:6]))
	if ulen < 8 || ulen > len(u) {
		return udpDatagram{}, false
	}
	u = u[:ulen]
	d.sport = binary.BigEndian.Uint16(u[0:2])
	d.dport = binary.BigEndian.Uint16(u[2:4])
	d.payload = u[8:]
	d.udpChecksumGiven = binary.BigEndian.Uint16(u[6:8]) != 0
	pseudo := make([]byte, 12)
	copy(pseudo[0:4], d.src[:])
	copy(pseudo[4:8], d.dst[:])
	pseudo[9] = 17
	binary.BigEndian.PutUint16(pseudo[10:12], uint16(ulen))
	d.udpChecksumOK = !d.udpChecksumGiven || inetChecksum(pseudo, u) == 0
	return d, true
}
