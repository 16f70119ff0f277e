package grade

import (
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// guestSocket stands in for the emulator's NAT socket: a UDP socket on
// 127.0.0.1 that talks to the host server.
func guestSocket(t *testing.T) *net.UDPConn {
	t.Helper()
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

func exchange(t *testing.T, c *net.UDPConn, to uint16, msg string) string {
	t.Helper()
	_, err := c.WriteToUDPAddrPort([]byte(msg), netip.AddrPortFrom(loopback, to))
	require.NoError(t, err)
	require.NoError(t, c.SetReadDeadline(time.Now().Add(5*time.Second)))
	buf := make([]byte, 2048)
	n, _, err := c.ReadFromUDPAddrPort(buf)
	require.NoError(t, err)
	return string(buf[:n])
}

func TestHostReplies(t *testing.T) {
	tests := []struct {
		name  string
		mode  HostMode
		sends []string
		wants []string
	}{
		{"2020 reply", HostReply, []string{"a message from xv6!", "anything"}, []string{"this is the host!", "this is the host!"}},
		{"2019 echo", HostEcho, []string{"hello world!\x00", "hello world!\x00"}, []string{"hello world!\x00", "hello world!\x00"}},
		{"auto as 2020", HostAuto, []string{"a message from xv6!", "a message from xv6!"}, []string{"this is the host!", "this is the host!"}},
		{"auto as 2019", HostAuto, []string{"hello world!\x00"}, []string{"hello world!\x00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := StartHost(tt.mode, 0, 0)
			require.NoError(t, err)
			defer h.Close()
			g := guestSocket(t)
			for i, m := range tt.sends {
				assert.Equal(t, tt.wants[i], exchange(t, g, h.Port(), m))
			}
			assert.Equal(t, len(tt.sends), h.Received())
		})
	}
}

// The 2024 sequence: "txone" first (reported, not answered), then "rxone"
// to the forwarded port of guest 2001, then a ping reflector.
func TestHost2024Sequence(t *testing.T) {
	for _, mode := range []HostMode{HostTxOneThenEcho, HostAuto} {
		fwd2 := guestSocket(t) // plays the emulator's hostfwd socket
		h, err := StartHost(mode, 0, fwd2.LocalAddr().(*net.UDPAddr).AddrPort().Port())
		require.NoError(t, err)
		g := guestSocket(t)
		_, err = g.WriteToUDPAddrPort([]byte("txone"), netip.AddrPortFrom(loopback, h.Port()))
		require.NoError(t, err)

		require.NoError(t, fwd2.SetReadDeadline(time.Now().Add(5*time.Second)))
		buf := make([]byte, 64)
		n, _, err := fwd2.ReadFromUDPAddrPort(buf)
		require.NoError(t, err)
		assert.Equal(t, "rxone", string(buf[:n]))

		assert.Equal(t, "ping0", exchange(t, g, h.Port(), "ping0"))
		assert.Equal(t, "p a!", exchange(t, g, h.Port(), "p a!"))
		assert.Equal(t, []string{"txone: OK", "rxone: sending one UDP packet"}, h.Lines())
		assert.Equal(t, HostTxOneThenEcho, h.Mode())
		require.NoError(t, h.Close())
	}
}

func TestHost2024WrongFirstPayload(t *testing.T) {
	h, err := StartHost(HostTxOneThenEcho, 0, 0)
	require.NoError(t, err)
	defer h.Close()
	g := guestSocket(t)
	_, err = g.WriteToUDPAddrPort([]byte("tx1"), netip.AddrPortFrom(loopback, h.Port()))
	require.NoError(t, err)
	assert.Eventually(t, func() bool { return len(h.Lines()) == 2 }, 5*time.Second, 10*time.Millisecond)
	assert.Equal(t, `txone: received incorrect payload "tx1"`, h.Lines()[0])
}

func TestHostBindsLoopbackOnly(t *testing.T) {
	h, err := StartHost(HostEcho, 0, 0)
	require.NoError(t, err)
	defer h.Close()
	addr := h.conn.LocalAddr().(*net.UDPAddr).AddrPort().Addr()
	assert.Equal(t, loopback, addr)
}
