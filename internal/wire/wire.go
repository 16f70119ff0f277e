// Package wire is the one description of the frames on the guest's
// network: Ethernet, ARP, IPv4, UDP and ICMP headers as views over the
// bytes (offsets as the RFCs give them), builders for what usernet sends,
// and the Internet checksum. It holds no policy: what to drop and what to
// answer is the caller's (usernet), and so is how to show it (framefmt).
//
// A view's accessors index the bytes directly; call them only once the
// length check the view documents has passed.
package wire

import "net/netip"

// Header sizes (without options).
const (
	EtherHeaderLen = 14
	ARPLen         = 28 // an Ethernet/IPv4 ARP message
	IPv4HeaderLen  = 20
	UDPHeaderLen   = 8
	ICMPHeaderLen  = 8 // type, code, checksum and the 4-byte rest (echo: id, sequence)
)

// EtherTypes.
const (
	EtherTypeIPv4 = 0x0800
	EtherTypeARP  = 0x0806
	EtherTypeIPv6 = 0x86DD
)

// IP protocol numbers.
const (
	ProtoICMP = 1
	ProtoTCP  = 6
	ProtoUDP  = 17
)

// DefaultTTL is the TTL of the packets BuildIPv4 makes.
const DefaultTTL = 64

// BroadcastMAC is the Ethernet broadcast address.
var BroadcastMAC = [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

// Checksum is the Internet checksum (RFC 1071): the one's-complement sum
// of b as big-endian 16-bit words, an odd last byte padded with zero,
// starting from initial (a partial sum such as PseudoHeaderSum), folded
// and complemented. Over data that carries a valid checksum it is 0.
func Checksum(b []byte, initial uint32) uint16 {
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

// PseudoHeaderSum is the partial sum of the IPv4 pseudo-header that UDP's
// checksum covers: addresses, protocol and the UDP length.
func PseudoHeaderSum(src, dst netip.Addr, proto byte, length int) uint32 {
	s, d := src.As4(), dst.As4()
	word := func(hi, lo byte) uint32 { return uint32(hi)<<8 + uint32(lo) }
	return word(s[0], s[1]) + word(s[2], s[3]) + word(d[0], d[1]) + word(d[2], d[3]) +
		uint32(proto) + uint32(length)
}
