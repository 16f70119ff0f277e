package machine

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/rvemu/rvemu/usernet"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// spinBoard is the part of a board spinForNet looks at: a clock and a user
// network with one hostfwd, no harts.
func spinBoard(t *testing.T, kind ClockKind) (*Machine, *net.UDPConn) {
	t.Helper()
	fwd, err := usernet.ParseHostFwd("udp:127.0.0.1:0-:2000")
	require.NoError(t, err)
	user, err := usernet.New(usernet.Config{HostFwd: []usernet.HostFwd{fwd}, Log: func(string, ...any) {}})
	require.NoError(t, err)
	t.Cleanup(func() { user.Close() })
	client, err := net.DialUDP("udp4", nil, net.UDPAddrFromAddrPort(user.ForwardAddrs()[0]))
	require.NoError(t, err)
	t.Cleanup(func() { client.Close() })
	m := &Machine{}
	m.clock, m.net, m.netWake = newClock(kind), &network{user: user}, user.Wake()
	return m, client
}

func TestSpinForNet(t *testing.T) {
	tests := []struct {
		name     string
		clock    ClockKind
		sinceNet time.Duration // since a frame last crossed
		datagram bool          // one waits on the hostfwd socket
		want     bool
	}{
		{"datagram waiting right after traffic", ClockWall, 0, true, true},
		{"nothing arrives: gives up after netSpin", ClockWall, 0, false, false},
		{"network quiet for long: no spin", ClockWall, time.Second, true, false},
		{"virtual clock never spins", ClockVirtual, 0, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, client := spinBoard(t, tc.clock)
			if tc.datagram {
				_, err := client.Write([]byte("next request"))
				require.NoError(t, err)
				// Already in the socket's buffer once the write returns
				// (loopback), so a spin finds it at once.
			}
			// After the write, which can take longer than netSpinAfter
			// on a slow host (the linux/arm64 run under qemu-user).
			m.lastNet = time.Now().Add(-tc.sinceNet)
			// A spin that should find the datagram gets a second: it
			// returns as soon as it does, and a host loaded enough to
			// keep the socket reader off a core for netSpin cannot fail
			// it. One that should give up gets the board's own limit.
			limit := netSpin
			if tc.want {
				limit = time.Second
			}
			assert.Equal(t, tc.want, m.spinForNet(context.Background(), &input{}, limit))
			if tc.want {
				assert.Equal(t, uint64(1), m.net.user.Stats().FwdReceived, "the datagram went to the guest side")
			}
		})
	}
}

func TestSpinForNetWithoutNetwork(t *testing.T) {
	m := &Machine{}
	m.clock, m.lastNet = newClock(ClockWall), time.Now()
	assert.False(t, m.spinForNet(context.Background(), &input{}, netSpin))
}
