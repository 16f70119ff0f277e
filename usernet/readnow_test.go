package usernet

import (
	"fmt"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadNowDeliversForwardedDatagrams(t *testing.T) {
	tests := []struct {
		name  string
		count int
	}{
		{"one", 1},
		{"burst", 40},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fwd, err := ParseHostFwd("udp:127.0.0.1:0-:2000")
			require.NoError(t, err)
			g := newGuest(t, Config{HostFwd: []HostFwd{fwd}})
			assert.False(t, g.n.ReadNow(), "nothing waiting yet")

			client, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
			require.NoError(t, err)
			defer client.Close()
			clientPort := client.LocalAddr().(*net.UDPAddr).AddrPort().Port()
			var want []string
			for i := range tc.count {
				p := fmt.Sprintf("datagram %d", i)
				want = append(want, p)
				_, err = client.WriteToUDPAddrPort([]byte(p), g.n.ForwardAddrs()[0])
				require.NoError(t, err)
			}

			// Busy-poll as the board does right after traffic; whichever
			// of ReadNow and the socket reader takes a datagram, the guest
			// gets each exactly once.
			var got []string
			deadline := time.Now().Add(5 * time.Second)
			for len(got) < tc.count && time.Now().Before(deadline) {
				g.n.ReadNow()
				for _, f := range g.take() {
					if d, ok := asUDP(t, f); ok {
						assert.Equal(t, netip.AddrPortFrom(GatewayIP, clientPort), d.src)
						got = append(got, string(d.payload))
					}
				}
			}
			assert.ElementsMatch(t, want, got)
			assert.Equal(t, uint64(tc.count), g.n.Stats().FwdReceived)
		})
	}
}

func TestReadNowAfterCloseIsHarmless(t *testing.T) {
	fwd, err := ParseHostFwd("udp:127.0.0.1:0-:2000")
	require.NoError(t, err)
	n, err := New(Config{HostFwd: []HostFwd{fwd}})
	require.NoError(t, err)
	require.NoError(t, n.Close())
	assert.False(t, n.ReadNow())
}
