package usernet

import (
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// silentServer is a host UDP port that never answers, so no reply
// refreshes a flow or reaches the guest.
func silentServer(t *testing.T) uint16 {
	t.Helper()
	conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return conn.LocalAddr().(*net.UDPAddr).AddrPort().Port()
}

func TestNATNewFlowRate(t *testing.T) {
	port := silentServer(t)
	var sent sendLog
	g := newGuest(t, Config{NATRate: 3, OnHostSend: sent.hook})
	for guestPort := uint16(4000); guestPort < 4006; guestPort++ {
		g.n.FromGuest(udpFrame(guestPort, netip.AddrPortFrom(GatewayIP, port), []byte("x")))
	}
	st := g.n.Stats()
	assert.Equal(t, uint64(3), st.HostSent, "a burst of NATRate new flows passes")
	assert.Equal(t, uint64(3), st.Drops["nat-rate"])
	assert.Equal(t, uint64(3), st.NATOpened)
	assert.Len(t, sent.all(), 3)

	// Open flows are not limited: only opening new ones is.
	g.n.FromGuest(udpFrame(4000, netip.AddrPortFrom(GatewayIP, port), []byte("again")))
	assert.Equal(t, uint64(4), g.n.Stats().HostSent)

	// A second later the bucket is full again.
	g.n.natRefill = g.n.natRefill.Add(-time.Second)
	g.n.FromGuest(udpFrame(4005, netip.AddrPortFrom(GatewayIP, port), []byte("x")))
	st = g.n.Stats()
	assert.Equal(t, uint64(5), st.HostSent)
	assert.Equal(t, uint64(3), st.Drops["nat-rate"], "no new drop")
	assert.Contains(t, st.String(), "nat-rate 3")
}

func TestNATTableLimitCounted(t *testing.T) {
	port := silentServer(t)
	g := newGuest(t, Config{NATLimit: 2})
	for guestPort := uint16(3000); guestPort < 3005; guestPort++ {
		g.n.FromGuest(udpFrame(guestPort, netip.AddrPortFrom(GatewayIP, port), []byte("x")))
	}
	st := g.n.Stats()
	assert.Equal(t, 2, g.n.NATFlows())
	assert.Equal(t, uint64(5), st.NATOpened)
	assert.Equal(t, uint64(3), st.NATEvicted)
	assert.Equal(t, uint64(2), st.NATPeak)
	assert.Contains(t, st.String(), "nat: 5 flows opened, 3 evicted, 0 expired, peak 2")
}

func TestDatagramSizeLimit(t *testing.T) {
	port := silentServer(t)
	tests := []struct {
		name    string
		size    int
		sent    uint64
		tooBig  uint64
		limited int
	}{
		{"at the limit", 100, 1, 0, 100},
		{"over the limit", 101, 0, 1, 100},
		{"default limit: one frame's payload", DefaultMaxDatagram, 1, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGuest(t, Config{MaxDatagram: tt.limited})
			g.n.FromGuest(udpFrame(2000, netip.AddrPortFrom(GatewayIP, port), make([]byte, tt.size)))
			st := g.n.Stats()
			assert.Equal(t, tt.sent, st.HostSent)
			assert.Equal(t, tt.tooBig, st.Drops["too-big"])
		})
	}
}

func TestHostDatagramTooBigForGuest(t *testing.T) {
	g := newGuest(t, Config{MaxDatagram: 10})
	g.n.fromHost(hostDatagram{guestPort: 2000, src: netip.MustParseAddrPort("127.0.0.1:9"), payload: make([]byte, 11)})
	g.n.fromHost(hostDatagram{guestPort: 2000, src: netip.MustParseAddrPort("127.0.0.1:9"), payload: make([]byte, 10)})
	assert.Equal(t, uint64(1), g.n.Stats().Drops["too-big"])
	assert.Len(t, g.frames, 1, "only the fitting one goes on (as the who-has that precedes it)")
}
