package class

import (
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/internal/wire"
	"github.com/rvemu/rvemu/pcap"
)

var (
	guestMAC = [6]byte{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}
	guestIP  = netip.MustParseAddr("10.0.2.15")
)

func udpTo(dst string) []byte {
	d := netip.MustParseAddrPort(dst)
	u := wire.BuildUDP(netip.AddrPortFrom(guestIP, 2000), d, []byte("hi"))
	return wire.BuildEthernet(wire.BroadcastMAC, guestMAC, wire.EtherTypeIPv4, wire.BuildIPv4(1, guestIP, d.Addr(), wire.ProtoUDP, u))
}

func ipTo(dst string, proto byte, payload []byte) []byte {
	d := netip.MustParseAddr(dst)
	return wire.BuildEthernet(wire.BroadcastMAC, guestMAC, wire.EtherTypeIPv4, wire.BuildIPv4(1, guestIP, d, proto, payload))
}

func TestOffLabDestinations(t *testing.T) {
	dir := t.TempDir()
	w, err := pcap.Create(filepath.Join(dir, "packets.pcap"))
	require.NoError(t, err)
	for _, f := range [][]byte{
		udpTo("10.0.2.2:25099"), // the lab's server
		udpTo("8.8.8.8:53"),     // the DNS test
		udpTo("1.1.1.1:9"),      // off the lab
		udpTo("1.1.1.1:9"),      // twice, listed once
		udpTo("8.8.8.8:123"),    // 8.8.8.8, but not DNS
		udpTo("255.255.255.255:67"),
		ipTo("93.184.216.34", wire.ProtoTCP, []byte{0x30, 0x39, 0x00, 0x50}),
		ipTo("9.9.9.9", wire.ProtoICMP, []byte{8, 0, 0, 0}),
	} {
		require.NoError(t, w.WriteFrame(f))
	}
	require.NoError(t, w.Close())
	assert.Equal(t, []string{"ICMP 9.9.9.9", "TCP 93.184.216.34:80", "UDP 1.1.1.1:9", "UDP 8.8.8.8:123"}, offLabDestinations(dir))
	assert.Empty(t, offLabDestinations(t.TempDir()))
}
