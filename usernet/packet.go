package usernet

import (
	"encoding/binary"
	"net/netip"
)

// Ethernet, ARP, IPv4, UDP and ICMP wire formats: parsing of what the guest
// sends and building of what it receives. Offsets follow the RFCs.
const (
	etherHeader = 14
	etherIPv4   = 0x0800
	etherARP    = 0x0806
	arpLen      = 28
	ipv4Header  = 20
	udpHeader   = 8
	protoICMP   = 1
	protoUDP    = 17
	ipFlagMF    = 0x2000
	ipFragMask  = 0x1FFF
	arpRequest  = 1
	arpReply    = 2
	icmpEcho    = 8
	icmpReply   = 0
	defaultTTL  = 64
)

// checksum is the Internet one's-complement sum of b folded to 16 bits,
// starting from initial (a partial sum, e.g. of a pseudo-header).
func checksum(b []byte, initial uint32) uint16 {
	sum := initial
	for len(b) >= 2 {
		sum += uint32(b[0])<<8 | uint32(b[1])
		b = b[2:]
	}
	if len(b) == 1 {
		sum += uint32(b[0]) << 8
	}
	for sum > 0xFFFF {
		sum = sum&0xFFFF + sum>>16
	}
	return ^uint16(sum)
}

// pseudoSum is the partial sum of the IPv4 pseudo-header for UDP.
func pseudoSum(src, dst netip.Addr, proto byte, length int) uint32 {
	s, d := src.As4(), dst.As4()
	word := func(hi, lo byte) uint32 { return uint32(hi)<<8 + uint32(lo) }
	return word(s[0], s[1]) + word(s[2], s[3]) + word(d[0], d[1]) + word(d[2], d[3]) +
		uint32(proto) + uint32(length)
}

// ipv4 is a parsed IPv4 packet.
type ipv4 struct {
	src, dst netip.Addr
	proto    byte
	payload  []byte
}

// dropReason names why a frame was not accepted; "" means accepted.
type dropReason string

// parseIPv4 validates an IPv4 packet (after the Ethernet header).
func parseIPv4(b []byte) (ipv4, dropReason) {
	if len(b) < ipv4Header || b[0]>>4 != 4 {
		return ipv4{}, dropMalformed
	}
	hl := int(b[0]&0xF) * 4
	total := int(binary.BigEndian.Uint16(b[2:]))
	if hl < ipv4Header || total < hl || total > len(b) {
		return ipv4{}, dropMalformed
	}
	if checksum(b[:hl], 0) != 0 {
		return ipv4{}, dropIPChecksum
	}
	if frag := binary.BigEndian.Uint16(b[6:]); frag&ipFlagMF != 0 || frag&ipFragMask != 0 {
		return ipv4{}, dropFragment
	}
	return ipv4{
		src:     netip.AddrFrom4([4]byte(b[12:16])),
		dst:     netip.AddrFrom4([4]byte(b[16:20])),
		proto:   b[9],
		payload: b[hl:total],
	}, ""
}

// buildIPv4 returns an IPv4 packet with a fresh header around payload.
func buildIPv4(id uint16, src, dst netip.Addr, proto byte, payload []byte) []byte {
	p := make([]byte, ipv4Header+len(payload))
	p[0] = 0x45
	binary.BigEndian.PutUint16(p[2:], uint16(len(p)))
	binary.BigEndian.PutUint16(p[4:], id)
	p[8] = defaultTTL
	p[9] = proto
	s, d := src.As4(), dst.As4()
	copy(p[12:], s[:])
	copy(p[16:], d[:])
	binary.BigEndian.PutUint16(p[10:], checksum(p[:ipv4Header], 0))
	copy(p[ipv4Header:], payload)
	return p
}

// buildUDP returns a UDP datagram with its checksum filled in.
func buildUDP(src, dst netip.AddrPort, payload []byte) []byte {
	u := make([]byte, udpHeader+len(payload))
	binary.BigEndian.PutUint16(u[0:], src.Port())
	binary.BigEndian.PutUint16(u[2:], dst.Port())
	binary.BigEndian.PutUint16(u[4:], uint16(len(u)))
	copy(u[udpHeader:], payload)
	c := checksum(u, pseudoSum(src.Addr(), dst.Addr(), protoUDP, len(u)))
	if c == 0 {
		c = 0xFFFF // zero means "no checksum" in UDP
	}
	binary.BigEndian.PutUint16(u[6:], c)
	return u
}

// udp is a parsed UDP datagram.
type udp struct {
	srcPort, dstPort uint16
	payload          []byte
}

func parseUDP(ip ipv4) (udp, dropReason) {
	b := ip.payload
	if len(b) < udpHeader {
		return udp{}, dropMalformed
	}
	length := int(binary.BigEndian.Uint16(b[4:]))
	if length < udpHeader || length > len(b) {
		return udp{}, dropMalformed
	}
	if binary.BigEndian.Uint16(b[6:]) != 0 && checksum(b[:length], pseudoSum(ip.src, ip.dst, protoUDP, length)) != 0 {
		return udp{}, dropUDPChecksum
	}
	return udp{
		srcPort: binary.BigEndian.Uint16(b[0:]),
		dstPort: binary.BigEndian.Uint16(b[2:]),
		payload: b[udpHeader:length],
	}, ""
}

// ethernet prepends an Ethernet header.
func ethernet(dst, src [6]byte, etherType uint16, payload []byte) []byte {
	f := make([]byte, etherHeader+len(payload))
	copy(f[0:], dst[:])
	copy(f[6:], src[:])
	binary.BigEndian.PutUint16(f[12:], etherType)
	copy(f[etherHeader:], payload)
	return f
}

// arpPacket is an Ethernet/IPv4 ARP message.
type arpPacket struct {
	op                   uint16
	senderMAC, targetMAC [6]byte
	senderIP, targetIP   netip.Addr
}

func parseARP(b []byte) (arpPacket, bool) {
	if len(b) < arpLen || binary.BigEndian.Uint16(b[0:]) != 1 ||
		binary.BigEndian.Uint16(b[2:]) != etherIPv4 || b[4] != 6 || b[5] != 4 {
		return arpPacket{}, false
	}
	return arpPacket{
		op:        binary.BigEndian.Uint16(b[6:]),
		senderMAC: [6]byte(b[8:14]),
		senderIP:  netip.AddrFrom4([4]byte(b[14:18])),
		targetMAC: [6]byte(b[18:24]),
		targetIP:  netip.AddrFrom4([4]byte(b[24:28])),
	}, true
}

func (a arpPacket) bytes() []byte {
	b := make([]byte, arpLen)
	binary.BigEndian.PutUint16(b[0:], 1)
	binary.BigEndian.PutUint16(b[2:], etherIPv4)
	b[4], b[5] = 6, 4
	binary.BigEndian.PutUint16(b[6:], a.op)
	copy(b[8:], a.senderMAC[:])
	s, t := a.senderIP.As4(), a.targetIP.As4()
	copy(b[14:], s[:])
	copy(b[18:], a.targetMAC[:])
	copy(b[24:], t[:])
	return b
}
