package usernet

import (
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Under the default egress a guest datagram to any public address makes no
// host send: DNS (port 53) is answered inside and counted as such,
// everything else is dropped and counted as egress. Addresses are drawn at
// random (fixed seed) from outside 10.0.2.0/24 and 127.0.0.0/8.
func TestPublicAddressesNeverReachAHostSocket(t *testing.T) {
	table := DNSTable{}
	table.Add("pdos.csail.mit.edu", netip.MustParseAddr("128.52.129.126"))
	rng := rand.New(rand.NewPCG(7, 7))
	var public []netip.Addr
	public = append(public, netip.MustParseAddr("8.8.8.8"))
	for len(public) < 64 {
		a := netip.AddrFrom4([4]byte{byte(rng.IntN(224)), byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256))})
		if network.Contains(a) || a.IsLoopback() || a.IsUnspecified() || a.IsPrivate() {
			continue
		}
		public = append(public, a)
	}
	tests := []struct {
		name     string
		port     uint16
		payload  func(t *testing.T) []byte
		answered uint64 // DNS answers per datagram
		egress   uint64 // drops per datagram
	}{
		{"DNS query", 53, func(t *testing.T) []byte { return dnsQuery(t, 1, "pdos.csail.mit.edu.") }, 1, 0},
		{"datagram to a random port", 0, func(*testing.T) []byte { return []byte("x") }, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sent sendLog
			g := newGuest(t, Config{DNS: table, OnHostSend: sent.hook})
			for _, a := range public {
				port := tt.port
				if port == 0 {
					port = uint16(1 + rng.IntN(65535))
					if port == 53 {
						port = 54
					}
				}
				g.n.FromGuest(udpFrame(uint16(1024+rng.IntN(60000)), netip.AddrPortFrom(a, port), tt.payload(t)))
				g.take()
			}
			n := uint64(len(public))
			st := g.n.Stats()
			assert.Empty(t, sent.all(), "no datagram reached a host socket")
			assert.Zero(t, st.HostSent)
			assert.Zero(t, st.NATOpened, "no host socket was opened")
			assert.Equal(t, tt.answered*n, st.DNSAnswered)
			assert.Equal(t, tt.egress*n, st.Drops["egress"])
		})
	}
}
