package usernet

import (
	"net"
	"net/netip"
	"testing"
)

// The per-datagram paths, host sockets left out: sends are stubbed, so
// what is measured is parsing, checks, NAT lookup and building frames.

// BenchmarkGuestToHost: one guest UDP datagram to the gateway, through the
// checks and the NAT to the (stubbed) host socket write.
func BenchmarkGuestToHost(b *testing.B) {
	n, err := New(Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer n.Close()
	n.sendUDP = func(*net.UDPConn, []byte, netip.AddrPort) error { return nil }
	f := udpFrame(2000, netip.AddrPortFrom(GatewayIP, 25099), make([]byte, 1000))
	b.SetBytes(int64(len(f)))
	b.ReportAllocs()
	for b.Loop() {
		n.FromGuest(f)
	}
}

// BenchmarkHostToGuest: one host datagram built into a frame for the
// guest, whose MAC is known.
func BenchmarkHostToGuest(b *testing.B) {
	n, err := New(Config{ToGuest: func([]byte) {}})
	if err != nil {
		b.Fatal(err)
	}
	defer n.Close()
	n.learnGuestMAC(guestMAC)
	d := hostDatagram{guestPort: 2000, src: netip.AddrPortFrom(Loopback, 25099), payload: make([]byte, 1000)}
	b.SetBytes(int64(len(d.payload)))
	b.ReportAllocs()
	for b.Loop() {
		n.fromHost(d)
	}
}
