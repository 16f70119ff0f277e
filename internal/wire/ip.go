package wire

import (
	"encoding/binary"
	"net/netip"
)

// IPv4 is a view of an IPv4 packet (after the Ethernet header). Version
// and HeaderLen need len >= 1, the other accessors len >= IPv4HeaderLen;
// Payload needs a header that fits (Valid, or HeaderLen <= len).
type IPv4 []byte

func (p IPv4) Version() int     { return int(p[0] >> 4) }
func (p IPv4) HeaderLen() int   { return int(p[0]&0xF) * 4 }
func (p IPv4) TotalLen() int    { return int(binary.BigEndian.Uint16(p[2:])) }
func (p IPv4) ID() uint16       { return binary.BigEndian.Uint16(p[4:]) }
func (p IPv4) TTL() byte        { return p[8] }
func (p IPv4) Protocol() byte   { return p[9] }
func (p IPv4) Src() netip.Addr  { return netip.AddrFrom4([4]byte(p[12:16])) }
func (p IPv4) Dst() netip.Addr  { return netip.AddrFrom4([4]byte(p[16:20])) }
func (p IPv4) ChecksumOK() bool { return Checksum(p[:p.HeaderLen()], 0) == 0 }

// IP flags and fragment offset.
const (
	ipFlagMF   = 0x2000
	ipFragMask = 0x1FFF
)

// IsFragment reports a fragment: more fragments follow, or the offset is
// not zero.
func (p IPv4) IsFragment() bool {
	return binary.BigEndian.Uint16(p[6:])&(ipFlagMF|ipFragMask) != 0
}

// FragmentOffset is the fragment's place in the datagram, in bytes.
func (p IPv4) FragmentOffset() int { return int(binary.BigEndian.Uint16(p[6:])&ipFragMask) * 8 }

// Valid reports a well-formed packet: version 4, a header of at least 20
// bytes, and a total length that covers the header and fits in p.
func (p IPv4) Valid() bool {
	if len(p) < IPv4HeaderLen || p.Version() != 4 {
		return false
	}
	hl, total := p.HeaderLen(), p.TotalLen()
	return hl >= IPv4HeaderLen && total >= hl && total <= len(p)
}

// Payload is what follows the header up to the total length, or up to
// the end of p when the packet was cut short.
func (p IPv4) Payload() []byte { return p[p.HeaderLen():min(max(p.TotalLen(), p.HeaderLen()), len(p))] }

// BuildIPv4 returns a packet with a fresh 20-byte header (TTL DefaultTTL,
// no fragmentation, checksum filled in) around payload.
func BuildIPv4(id uint16, src, dst netip.Addr, proto byte, payload []byte) []byte {
	p := make([]byte, IPv4HeaderLen+len(payload))
	p[0] = 0x45
	binary.BigEndian.PutUint16(p[2:], uint16(len(p)))
	binary.BigEndian.PutUint16(p[4:], id)
	p[8] = DefaultTTL
	p[9] = proto
	s, d := src.As4(), dst.As4()
	copy(p[12:], s[:])
	copy(p[16:], d[:])
	binary.BigEndian.PutUint16(p[10:], Checksum(p[:IPv4HeaderLen], 0))
	copy(p[IPv4HeaderLen:], payload)
	return p
}

// UDP is a view of a UDP datagram (an IPv4 payload); its accessors need
// len >= UDPHeaderLen, Payload and ChecksumOK a Valid datagram.
type UDP []byte

func (u UDP) SrcPort() uint16 { return binary.BigEndian.Uint16(u[0:]) }
func (u UDP) DstPort() uint16 { return binary.BigEndian.Uint16(u[2:]) }
func (u UDP) Length() int     { return int(binary.BigEndian.Uint16(u[4:])) }

// Valid reports a header whose length covers itself and fits in u.
func (u UDP) Valid() bool {
	return len(u) >= UDPHeaderLen && u.Length() >= UDPHeaderLen && u.Length() <= len(u)
}

func (u UDP) Payload() []byte { return u[UDPHeaderLen:u.Length()] }

// ChecksumOK checks the checksum over the pseudo-header of the packet
// from src to dst; a zero checksum means the sender sent none.
func (u UDP) ChecksumOK(src, dst netip.Addr) bool {
	if binary.BigEndian.Uint16(u[6:]) == 0 {
		return true
	}
	return Checksum(u[:u.Length()], PseudoHeaderSum(src, dst, ProtoUDP, u.Length())) == 0
}

// BuildUDP returns a datagram from src to dst with its checksum filled in.
func BuildUDP(src, dst netip.AddrPort, payload []byte) []byte {
	u := make([]byte, UDPHeaderLen+len(payload))
	binary.BigEndian.PutUint16(u[0:], src.Port())
	binary.BigEndian.PutUint16(u[2:], dst.Port())
	binary.BigEndian.PutUint16(u[4:], uint16(len(u)))
	copy(u[UDPHeaderLen:], payload)
	c := Checksum(u, PseudoHeaderSum(src.Addr(), dst.Addr(), ProtoUDP, len(u)))
	if c == 0 {
		c = 0xFFFF // zero means "no checksum" in UDP
	}
	binary.BigEndian.PutUint16(u[6:], c)
	return u
}

// ICMP types.
const (
	ICMPEchoReply    = 0
	ICMPUnreachable  = 3
	ICMPEchoRequest  = 8
	ICMPTimeExceeded = 11
)

// ICMP is a view of an ICMP message (an IPv4 payload); Type and Code need
// len >= 2, SetChecksum len >= 4.
type ICMP []byte

func (m ICMP) Type() byte { return m[0] }
func (m ICMP) Code() byte { return m[1] }

// ChecksumOK checks the checksum over the whole message.
func (m ICMP) ChecksumOK() bool { return Checksum(m, 0) == 0 }

// SetChecksum fills in the checksum over the whole message.
func (m ICMP) SetChecksum() {
	m[2], m[3] = 0, 0
	binary.BigEndian.PutUint16(m[2:], Checksum(m, 0))
}
