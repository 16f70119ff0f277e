package wire

import (
	"encoding/binary"
	"errors"
	"net/netip"
)

// Ethernet is a view of an Ethernet II frame without FCS; its accessors
// need len >= EtherHeaderLen.
type Ethernet []byte

func (f Ethernet) Dst() [6]byte    { return [6]byte(f[0:6]) }
func (f Ethernet) Src() [6]byte    { return [6]byte(f[6:12]) }
func (f Ethernet) Type() uint16    { return binary.BigEndian.Uint16(f[12:]) }
func (f Ethernet) Payload() []byte { return f[EtherHeaderLen:] }

// BuildEthernet returns a frame: the header, then payload.
func BuildEthernet(dst, src [6]byte, etherType uint16, payload []byte) []byte {
	f := make([]byte, EtherHeaderLen+len(payload))
	copy(f[0:], dst[:])
	copy(f[6:], src[:])
	binary.BigEndian.PutUint16(f[12:], etherType)
	copy(f[EtherHeaderLen:], payload)
	return f
}

// ARP operations.
const (
	ARPRequest = 1
	ARPReply   = 2
)

// ARP is an Ethernet/IPv4 ARP message (RFC 826).
type ARP struct {
	Op                   uint16
	SenderMAC, TargetMAC [6]byte
	SenderIP, TargetIP   netip.Addr
}

// Why ParseARP refuses a message.
var (
	ErrTruncated       = errors.New("truncated")
	ErrNotEthernetIPv4 = errors.New("not Ethernet/IPv4")
)

// ParseARP decodes an ARP message (after the Ethernet header): hardware
// type 1 (Ethernet) with 6-byte addresses, protocol IPv4 with 4-byte ones.
func ParseARP(b []byte) (ARP, error) {
	if len(b) < ARPLen {
		return ARP{}, ErrTruncated
	}
	if binary.BigEndian.Uint16(b[0:]) != 1 || binary.BigEndian.Uint16(b[2:]) != EtherTypeIPv4 || b[4] != 6 || b[5] != 4 {
		return ARP{}, ErrNotEthernetIPv4
	}
	return ARP{
		Op:        binary.BigEndian.Uint16(b[6:]),
		SenderMAC: [6]byte(b[8:14]),
		SenderIP:  netip.AddrFrom4([4]byte(b[14:18])),
		TargetMAC: [6]byte(b[18:24]),
		TargetIP:  netip.AddrFrom4([4]byte(b[24:28])),
	}, nil
}

// Bytes encodes the message; the addresses must be IPv4.
func (a ARP) Bytes() []byte {
	b := make([]byte, ARPLen)
	binary.BigEndian.PutUint16(b[0:], 1)
	binary.BigEndian.PutUint16(b[2:], EtherTypeIPv4)
	b[4], b[5] = 6, 4
	binary.BigEndian.PutUint16(b[6:], a.Op)
	copy(b[8:], a.SenderMAC[:])
	s, t := a.SenderIP.As4(), a.TargetIP.As4()
	copy(b[14:], s[:])
	copy(b[18:], a.TargetMAC[:])
	copy(b[24:], t[:])
	return b
}
