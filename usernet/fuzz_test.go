package usernet

import (
	"bytes"
	"encoding/binary"
	"errors"
	"net"
	"net/netip"
	"testing"

	"github.com/rvemu/rvemu/internal/wire"
)

// The parsers see whatever the guest puts on the wire: they must never
// panic, and what they accept must be self-consistent.
func FuzzParsers(f *testing.F) {
	f.Add(udpFrame(2000, netip.MustParseAddrPort("10.0.2.2:25099"), []byte("a message from xv6!"))[wire.EtherHeaderLen:])
	f.Add(ipFrame(GatewayIP, wire.ProtoICMP, echoRequest(1))[wire.EtherHeaderLen:])
	f.Add(wire.ARP{Op: wire.ARPReply, SenderIP: GuestIP, TargetIP: GatewayIP}.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		wire.ParseARP(b)
		ip, why := checkIPv4(b)
		if why != "" {
			return
		}
		if len(ip.Payload()) > len(b) {
			t.Fatalf("payload longer than the packet")
		}
		checkUDP(ip)
	})
}

func FuzzDNSAnswer(f *testing.F) {
	table := LabDNS()
	f.Add([]byte{0x1a, 0xac, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 4, 'p', 'd', 'o', 's', 5, 'c', 's', 'a', 'i', 'l', 3, 'm', 'i', 't', 3, 'e', 'd', 'u', 0, 0, 1, 0, 1})
	f.Add([]byte{0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0xC0, 12})
	f.Fuzz(func(t *testing.T, q []byte) {
		table.Answer(q)
	})
}

// FuzzNet plays both ends of the whole network at once: a script of guest
// frames (raw, or well-formed UDP/ICMP/ARP around fuzzed fields so the
// checksums pass and the NAT, DNS and forward paths run) and host
// datagrams, with Polls between. Host sends are caught before any socket
// write. Nothing may panic, every send must go to loopback (the default
// egress), the NAT table stays within its limit, and every frame handed to
// the guest is well-formed.
func FuzzNet(f *testing.F) {
	f.Add([]byte{1, 0x07, 0xd0, 10, 0, 2, 2, 0x62, 0x0b, 'h', 'i', 3, 4, 1, 0x07, 0xd0, 8, 8, 8, 8, 0, 53, 'q'})
	f.Add([]byte{4, 10, 0, 2, 15, 0, 2, 0x07, 0xd0, 0x62, 0x0b, 'x', 'y', 3, 1, 0x07, 0xd1, 1, 2, 3, 4, 0, 9, 'z'})
	f.Add([]byte{5, 10, 0, 2, 2, 0, 1, 0, 0, 0, 0, 0x80, 0, 0, 0, 3, 0, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, script []byte) {
		const natLimit = 3
		var sends []netip.AddrPort
		var frames [][]byte
		fwd, _ := ParseHostFwd("udp::0-:2000")
		logLines := 0
		n, err := New(Config{NATLimit: natLimit, NATRate: 4, HostFwd: []HostFwd{fwd},
			ToGuest: func(fr []byte) { frames = append(frames, fr) }, Log: func(string, ...any) { logLines++ }})
		if err != nil {
			t.Fatal(err)
		}
		defer n.Close()
		n.sendUDP = func(_ *net.UDPConn, payload []byte, dst netip.AddrPort) error {
			sends = append(sends, dst)
			if len(payload)%3 == 0 {
				return errors.New("refused") // some sends fail, as a host socket may
			}
			return nil
		}
		for len(script) > 0 {
			op := script[0] % 6
			chunk := script[1:]
			// Each step takes at most 64 bytes; a 0xFF byte ends it early.
			end := min(len(chunk), 64)
			if i := bytes.IndexByte(chunk[:end], 0xFF); i >= 0 {
				end = i
			}
			body, rest := chunk[:end], chunk[min(len(chunk), end+1):]
			script = rest
			field := func(i int) byte {
				if i < len(body) {
					return body[i]
				}
				return 0
			}
			port := func(i int) uint16 { return uint16(field(i))<<8 | uint16(field(i+1)) }
			addr := func(i int) netip.Addr {
				return netip.AddrFrom4([4]byte{field(i), field(i + 1), field(i + 2), field(i + 3)})
			}
			payload := body[min(len(body), 8):]
			switch op {
			case 0:
				n.FromGuest(body)
			case 1: // UDP from the guest: src port, dst addr, dst port, payload
				n.FromGuest(udpFrame(port(0), netip.AddrPortFrom(addr(2), port(6)), payload))
			case 2: // ICMP to an address, with a valid checksum
				icmp := append(make([]byte, 0, 8), body[min(len(body), 4):]...)
				for len(icmp) < 8 {
					icmp = append(icmp, 0)
				}
				wire.ICMP(icmp).SetChecksum()
				n.FromGuest(ipFrame(addr(0), wire.ProtoICMP, icmp))
			case 3:
				n.Poll()
			case 4: // host datagram: source address, port, guest port, through the forward or NAT
				d := hostDatagram{guestPort: port(6), src: netip.AddrPortFrom(addr(0), port(4)), payload: payload}
				if field(6)&1 != 0 {
					d.fwd = n.fwds[0]
				}
				n.fromHost(d)
			case 5: // ARP from the guest
				a := wire.ARP{Op: uint16(field(4) & 3), SenderMAC: guestMAC, SenderIP: addr(0), TargetIP: addr(5)}
				n.FromGuest(wire.BuildEthernet(wire.BroadcastMAC, guestMAC, wire.EtherTypeARP, a.Bytes()))
			}
			if n.NATFlows() > natLimit {
				t.Fatalf("%d NAT flows open, limit %d", n.NATFlows(), natLimit)
			}
		}
		// At most one line per cause: nat rate, nat listen, host send, arp timeout.
		if logLines > 4 {
			t.Fatalf("%d log lines", logLines)
		}
		for _, dst := range sends {
			if !dst.Addr().IsLoopback() {
				t.Fatalf("a datagram left for %v under loopback egress", dst)
			}
		}
		for _, fr := range frames {
			if len(fr) < wire.EtherHeaderLen {
				t.Fatalf("runt frame to the guest: %x", fr)
			}
			switch binary.BigEndian.Uint16(fr[12:]) {
			case wire.EtherTypeARP:
				if _, err := wire.ParseARP(fr[wire.EtherHeaderLen:]); err != nil {
					t.Fatalf("malformed ARP to the guest: %x", fr)
				}
			case wire.EtherTypeIPv4:
				ip, why := checkIPv4(fr[wire.EtherHeaderLen:])
				if why != "" {
					t.Fatalf("bad IPv4 to the guest (%s): %x", why, fr)
				}
				if ip.Protocol() == wire.ProtoUDP {
					if _, why := checkUDP(ip); why != "" {
						t.Fatalf("bad UDP to the guest (%s): %x", why, fr)
					}
				}
			default:
				t.Fatalf("frame type %#x to the guest", binary.BigEndian.Uint16(fr[12:]))
			}
		}
	})
}
