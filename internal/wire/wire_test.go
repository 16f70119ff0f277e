package wire

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	guest   = netip.MustParseAddr("10.0.2.15")
	gateway = netip.MustParseAddr("10.0.2.2")
	guestM  = [6]byte{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}
	gateM   = [6]byte{0x52, 0x55, 0x0a, 0x00, 0x02, 0x02}
)

func TestChecksum(t *testing.T) {
	tests := []struct {
		name    string
		data    []byte
		initial uint32
		want    uint16
	}{
		{"RFC 1071 example", []byte{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7}, 0, 0x220d},
		{"odd length pads with zero", []byte{0x01}, 0, ^uint16(0x0100)},
		{"a partial sum carries over", []byte{0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7}, 0x0001, 0x220d},
		{"data with its checksum folds to zero", []byte{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7, 0x22, 0x0d}, 0, 0},
		{"nothing", nil, 0, 0xFFFF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Checksum(tt.data, tt.initial))
		})
	}
}

func TestBuildThenView(t *testing.T) {
	src, dst := netip.AddrPortFrom(guest, 2000), netip.AddrPortFrom(gateway, 25099)
	u := BuildUDP(src, dst, []byte("a message from xv6!"))
	p := BuildIPv4(7, guest, gateway, ProtoUDP, u)
	f := Ethernet(BuildEthernet(BroadcastMAC, guestM, EtherTypeIPv4, p))

	assert.Equal(t, BroadcastMAC, f.Dst())
	assert.Equal(t, guestM, f.Src())
	assert.Equal(t, uint16(EtherTypeIPv4), f.Type())

	ip := IPv4(f.Payload())
	require.True(t, ip.Valid())
	assert.True(t, ip.ChecksumOK())
	assert.False(t, ip.IsFragment())
	assert.Equal(t, 4, ip.Version())
	assert.Equal(t, IPv4HeaderLen, ip.HeaderLen())
	assert.Equal(t, uint16(7), ip.ID())
	assert.Equal(t, byte(DefaultTTL), ip.TTL())
	assert.Equal(t, byte(ProtoUDP), ip.Protocol())
	assert.Equal(t, guest, ip.Src())
	assert.Equal(t, gateway, ip.Dst())

	ud := UDP(ip.Payload())
	require.True(t, ud.Valid())
	assert.True(t, ud.ChecksumOK(guest, gateway))
	assert.False(t, ud.ChecksumOK(guest, netip.MustParseAddr("10.0.2.3")), "the pseudo-header covers the addresses")
	assert.Equal(t, uint16(2000), ud.SrcPort())
	assert.Equal(t, uint16(25099), ud.DstPort())
	assert.Equal(t, "a message from xv6!", string(ud.Payload()))
}

func TestIPv4Valid(t *testing.T) {
	good := BuildIPv4(1, guest, gateway, ProtoICMP, make([]byte, 8))
	with := func(edit func(p []byte)) []byte {
		p := append([]byte(nil), good...)
		edit(p)
		return p
	}
	tests := []struct {
		name string
		p    []byte
		want bool
	}{
		{"built", good, true},
		{"trailing padding", append(append([]byte(nil), good...), 0, 0), true},
		{"shorter than a header", good[:19], false},
		{"version 6", with(func(p []byte) { p[0] = 0x65 }), false},
		{"header under 20 bytes", with(func(p []byte) { p[0] = 0x44 }), false},
		{"total shorter than the header", with(func(p []byte) { p[2], p[3] = 0, 16 }), false},
		{"total past the end", with(func(p []byte) { p[2], p[3] = 0, 29 }), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, IPv4(tt.p).Valid())
		})
	}
}

func TestIPv4Fragments(t *testing.T) {
	tests := []struct {
		name   string
		flags  [2]byte
		frag   bool
		offset int
	}{
		{"whole, DF", [2]byte{0x40, 0}, false, 0},
		{"first of several", [2]byte{0x20, 0}, true, 0},
		{"last", [2]byte{0x00, 0x03}, true, 24},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := BuildIPv4(1, guest, gateway, ProtoUDP, nil)
			p[6], p[7] = tt.flags[0], tt.flags[1]
			assert.Equal(t, tt.frag, IPv4(p).IsFragment())
			assert.Equal(t, tt.offset, IPv4(p).FragmentOffset())
		})
	}
}

func TestIPv4PayloadOfACutPacket(t *testing.T) {
	p := BuildIPv4(1, guest, gateway, ProtoUDP, []byte("12345678"))
	assert.Equal(t, []byte("1234"), IPv4(p[:24]).Payload())
}

func TestUDPValid(t *testing.T) {
	u := BuildUDP(netip.AddrPortFrom(guest, 1), netip.AddrPortFrom(gateway, 2), []byte("xy"))
	tests := []struct {
		name string
		u    []byte
		want bool
	}{
		{"built", u, true},
		{"shorter than a header", u[:7], false},
		{"length past the end", u[:9], false},
		{"length under 8", append([]byte{0, 1, 0, 2, 0, 7, 0, 0}, "xy"...), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, UDP(tt.u).Valid())
		})
	}
	damaged := append([]byte(nil), u...)
	damaged[UDPHeaderLen] ^= 1
	assert.False(t, UDP(damaged).ChecksumOK(guest, gateway))
	damaged[6], damaged[7] = 0, 0
	assert.True(t, UDP(damaged).ChecksumOK(guest, gateway), "zero: the sender sent no checksum")
}

func TestARP(t *testing.T) {
	a := ARP{Op: ARPRequest, SenderMAC: gateM, SenderIP: gateway, TargetIP: guest}
	b := a.Bytes()
	require.Len(t, b, ARPLen)
	got, err := ParseARP(b)
	require.NoError(t, err)
	assert.Equal(t, a, got)

	_, err = ParseARP(b[:ARPLen-1])
	assert.ErrorIs(t, err, ErrTruncated)
	b[5] = 16 // IPv6 addresses
	_, err = ParseARP(b)
	assert.ErrorIs(t, err, ErrNotEthernetIPv4)
}

func TestICMPChecksum(t *testing.T) {
	m := ICMP{ICMPEchoRequest, 0, 0, 0, 0, 1, 0, 2, 'p', 'i', 'n', 'g'}
	assert.False(t, m.ChecksumOK())
	m.SetChecksum()
	assert.True(t, m.ChecksumOK())
	assert.Equal(t, byte(ICMPEchoRequest), m.Type())
	assert.Equal(t, byte(0), m.Code())
}
