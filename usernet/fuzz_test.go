package usernet

import (
	"net/netip"
	"testing"
)

// The parsers see whatever the guest puts on the wire: they must never
// panic, and what they accept must be self-consistent.
func FuzzParsers(f *testing.F) {
	f.Add(udpFrame(2000, netip.MustParseAddrPort("10.0.2.2:25099"), []byte("a message from xv6!"))[etherHeader:])
	f.Add(ipFrame(GatewayIP, protoICMP, echoRequest(1))[etherHeader:])
	f.Add(arpPacket{op: arpReply, senderIP: GuestIP, targetIP: GatewayIP}.bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		parseARP(b)
		ip, why := parseIPv4(b)
		if why != "" {
			return
		}
		if len(ip.payload) > len(b) {
			t.Fatalf("payload longer than the packet")
		}
		parseUDP(ip)
	})
}

func FuzzDNSAnswer(f *testing.F) {
	table := DNSTable{}
	table.Add("pdos.csail.mit.edu", netip.MustParseAddr("128.52.129.126"))
	f.Add([]byte{0x1a, 0xac, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 4, 'p', 'd', 'o', 's', 5, 'c', 's', 'a', 'i', 'l', 3, 'm', 'i', 't', 3, 'e', 'd', 'u', 0, 0, 1, 0, 1})
	f.Add([]byte{0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0xC0, 12})
	f.Fuzz(func(t *testing.T, q []byte) {
		table.answer(q)
	})
}
