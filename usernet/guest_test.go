package usernet

import (
	"encoding/binary"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/internal/wire"
)

var guestMAC = [6]byte{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}

// fakeGuest stands in for xv6 behind its NIC: it records frames the
// network delivers and answers ARP who-has the first time, as xv6 does.
type fakeGuest struct {
	t        *testing.T
	n        *Net
	frames   [][]byte
	answered bool
	mac      [6]byte
}

func newGuest(t *testing.T, cfg Config) *fakeGuest {
	t.Helper()
	g := &fakeGuest{t: t, mac: guestMAC}
	cfg.ToGuest = func(f []byte) { g.frames = append(g.frames, f) }
	n, err := New(cfg)
	require.NoError(t, err)
	g.n = n
	t.Cleanup(func() { n.Close() })
	return g
}

// take returns and forgets the delivered frames, answering the first ARP
// who-has for the guest's address on the way (as the NIC's driver would,
// after the frame was received).
func (g *fakeGuest) take() [][]byte {
	got := g.frames
	g.frames = nil
	for _, f := range got {
		if binary.BigEndian.Uint16(f[12:]) != wire.EtherTypeARP || g.answered {
			continue
		}
		a, err := wire.ParseARP(f[wire.EtherHeaderLen:])
		if err == nil && a.Op == wire.ARPRequest && a.TargetIP == GuestIP {
			g.answered = true
			reply := wire.ARP{Op: wire.ARPReply, SenderMAC: g.mac, SenderIP: GuestIP, TargetMAC: a.SenderMAC, TargetIP: a.SenderIP}
			g.n.FromGuest(wire.BuildEthernet(a.SenderMAC, g.mac, wire.EtherTypeARP, reply.Bytes()))
		}
	}
	return got
}

// waitFor polls the network as a board would until pred holds.
func (g *fakeGuest) waitFor(pred func(f []byte) bool) []byte {
	g.t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		// Answering ARP inside take can deliver more frames at once.
		for len(g.frames) > 0 {
			for _, f := range g.take() {
				if pred(f) {
					return f
				}
			}
		}
		select {
		case <-g.n.Wake(): // the board polls only when woken
			g.n.Poll()
		case <-deadline:
			g.t.Fatal("expected frame never reached the guest")
			return nil
		}
	}
}

// ipFrame wraps an IP payload from the guest, checksum right, with the
// broadcast destination MAC old lab kernels use.
func ipFrame(dst netip.Addr, proto byte, payload []byte) []byte {
	return wire.BuildEthernet(wire.BroadcastMAC, guestMAC, wire.EtherTypeIPv4, wire.BuildIPv4(1, GuestIP, dst, proto, payload))
}

// udpFrame is a guest UDP datagram without a UDP checksum, as xv6 sends.
func udpFrame(srcPort uint16, dst netip.AddrPort, payload []byte) []byte {
	u := make([]byte, wire.UDPHeaderLen+len(payload))
	binary.BigEndian.PutUint16(u[0:], srcPort)
	binary.BigEndian.PutUint16(u[2:], dst.Port())
	binary.BigEndian.PutUint16(u[4:], uint16(len(u)))
	copy(u[wire.UDPHeaderLen:], payload)
	return ipFrame(dst.Addr(), wire.ProtoUDP, u)
}

// guestUDP decodes a frame to the guest as UDP, verifying both checksums.
type guestDatagram struct {
	src, dst netip.AddrPort
	payload  []byte
}

func asUDP(t *testing.T, f []byte) (guestDatagram, bool) {
	if len(f) < wire.EtherHeaderLen || binary.BigEndian.Uint16(f[12:]) != wire.EtherTypeIPv4 {
		return guestDatagram{}, false
	}
	ip, why := checkIPv4(f[wire.EtherHeaderLen:])
	require.Empty(t, why, "IP header from the network must be valid")
	if ip.Protocol() != wire.ProtoUDP {
		return guestDatagram{}, false
	}
	u, why := checkUDP(ip)
	require.Empty(t, why, "UDP checksum from the network must be valid")
	require.Equal(t, guestMAC[:], f[:6], "sent to the learned MAC")
	return guestDatagram{
		src:     netip.AddrPortFrom(ip.Src(), u.SrcPort()),
		dst:     netip.AddrPortFrom(ip.Dst(), u.DstPort()),
		payload: u.Payload(),
	}, true
}

func isUDP(t *testing.T) func(f []byte) bool {
	return func(f []byte) bool { _, ok := asUDP(t, f); return ok }
}
