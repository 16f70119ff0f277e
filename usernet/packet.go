package usernet

import "github.com/rvemu/rvemu/internal/wire"

// What the network accepts from the guest; the formats themselves are
// package wire's.

// dropReason names why a frame was not accepted; "" means accepted.
type dropReason string

// checkIPv4 accepts a guest IPv4 packet (after the Ethernet header) that
// is well-formed, has a good header checksum and is not a fragment (the
// network never reassembles).
func checkIPv4(b []byte) (wire.IPv4, dropReason) {
	ip := wire.IPv4(b)
	switch {
	case !ip.Valid():
		return nil, dropMalformed
	case !ip.ChecksumOK():
		return nil, dropIPChecksum
	case ip.IsFragment():
		return nil, dropFragment
	}
	return ip, ""
}

// checkUDP accepts the UDP datagram an accepted packet carries when it is
// well-formed and its checksum, if any, is right.
func checkUDP(ip wire.IPv4) (wire.UDP, dropReason) {
	u := wire.UDP(ip.Payload())
	switch {
	case !u.Valid():
		return nil, dropMalformed
	case !u.ChecksumOK(ip.Src(), ip.Dst()):
		return nil, dropUDPChecksum
	}
	return u, ""
}
