package usernet

import (
	"encoding/binary"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
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
		if binary.BigEndian.Uint16(f[12:]) != etherARP || g.answered {
			continue
		}
		a, ok := parseARP(f[etherHeader:])
		if ok && a.op == arpRequest && a.targetIP == GuestIP {
			g.answered = true
			reply := arpPacket{op: arpReply, senderMAC: g.mac, senderIP: GuestIP, targetMAC: a.senderMAC, targetIP: a.senderIP}
			g.n.FromGuest(ethernet(a.senderMAC, g.mac, etherARP, reply.bytes()))
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
	return ethernet(broadcast, guestMAC, etherIPv4, buildIPv4(1, GuestIP, dst, proto, payload))
}

// udpFrame is a guest UDP datagram without a UDP checksum, as xv6 sends.
func udpFrame(srcPort uint16, dst netip.AddrPort, payload []byte) []byte {
	u := make([]byte, udpHeader+len(payload))
	binary.BigEndian.PutUint16(u[0:], srcPort)
	binary.BigEndian.PutUint16(u[2:], dst.Port())
	binary.BigEndian.PutUint16(u[4:], uint16(len(u)))
	copy(u[udpHeader:], payload)
	return ipFrame(dst.Addr(), protoUDP, u)
}

// guestUDP decodes a frame to the guest as UDP, verifying both checksums.
type guestDatagram struct {
	src, dst netip.AddrPort
	payload  []byte
}

func asUDP(t *testing.T, f []byte) (guestDatagram, bool) {
	if len(f) < etherHeader || binary.BigEndian.Uint16(f[12:]) != etherIPv4 {
		return guestDatagram{}, false
	}
	ip, why := parseIPv4(f[etherHeader:])
	require.Empty(t, why, "IP header from the network must be valid")
	if ip.proto != protoUDP {
		return guestDatagram{}, false
	}
	u, why := parseUDP(ip)
	require.Empty(t, why, "UDP checksum from the network must be valid")
	require.Equal(t, guestMAC[:], f[:6], "sent to the learned MAC")
	return guestDatagram{
		src:     netip.AddrPortFrom(ip.src, u.srcPort),
		dst:     netip.AddrPortFrom(ip.dst, u.dstPort),
		payload: u.payload,
	}, true
}

func isUDP(t *testing.T) func(f []byte) bool {
	return func(f []byte) bool { _, ok := asUDP(t, f); return ok }
}
