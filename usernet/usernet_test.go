package usernet

import (
	"encoding/binary"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/dns/dnsmessage"

	"github.com/rvemu/rvemu/internal/wire"
)

// echoServer answers every datagram on 127.0.0.1 with "echo:" + payload.
func echoServer(t *testing.T) netip.AddrPort {
	t.Helper()
	conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	go func() {
		buf := make([]byte, 2048)
		for {
			size, src, err := conn.ReadFromUDPAddrPort(buf)
			if err != nil {
				return
			}
			conn.WriteToUDPAddrPort(append([]byte("echo:"), buf[:size]...), src)
		}
	}()
	return conn.LocalAddr().(*net.UDPAddr).AddrPort()
}

// sendLog records every destination a datagram left for.
type sendLog struct {
	mu  sync.Mutex
	dst []netip.AddrPort
}

func (s *sendLog) hook(dst netip.AddrPort) { s.mu.Lock(); s.dst = append(s.dst, dst); s.mu.Unlock() }
func (s *sendLog) all() []netip.AddrPort {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]netip.AddrPort(nil), s.dst...)
}

func TestGuestEchoThroughGateway(t *testing.T) {
	echo := echoServer(t)
	var sent sendLog
	g := newGuest(t, Config{OnHostSend: sent.hook})

	g.n.FromGuest(udpFrame(2000, netip.AddrPortFrom(GatewayIP, echo.Port()), []byte("a message from xv6!")))
	f := g.waitFor(isUDP(t))
	d, _ := asUDP(t, f)
	assert.Equal(t, netip.AddrPortFrom(GatewayIP, echo.Port()), d.src, "reply appears to come from 10.0.2.2:P")
	assert.Equal(t, netip.AddrPortFrom(GuestIP, 2000), d.dst)
	assert.Equal(t, "echo:a message from xv6!", string(d.payload))
	assert.Equal(t, []netip.AddrPort{netip.AddrPortFrom(Loopback, echo.Port())}, sent.all())

	// Later replies go straight to the learned MAC, without another who-has.
	g.n.FromGuest(udpFrame(2000, netip.AddrPortFrom(GatewayIP, echo.Port()), []byte("again")))
	f = g.waitFor(isUDP(t))
	d, _ = asUDP(t, f)
	assert.Equal(t, "echo:again", string(d.payload))
	assert.Equal(t, 1, g.n.NATFlows())
}

func TestWhoHasBeforeFirstFrame(t *testing.T) {
	g := newGuest(t, Config{})
	g.n.FromGuest(ipFrame(GatewayIP, wire.ProtoICMP, echoRequest(7)))
	require.Len(t, g.frames, 1, "the reply waits for ARP")
	f := g.frames[0]
	assert.Equal(t, wire.BroadcastMAC[:], f[:6])
	a, err := wire.ParseARP(f[wire.EtherHeaderLen:])
	require.NoError(t, err)
	assert.Equal(t, wire.ARP{Op: wire.ARPRequest, SenderMAC: GatewayMAC, SenderIP: GatewayIP, TargetIP: GuestIP}, a)

	g.take() // the guest answers
	require.Len(t, g.frames, 1, "the queued reply follows the ARP answer")
	assert.Equal(t, guestMAC[:], g.frames[0][:6])

	// A second, different answer does not move the MAC.
	other := wire.ARP{Op: wire.ARPReply, SenderMAC: [6]byte{2, 2, 2, 2, 2, 2}, SenderIP: GuestIP, TargetMAC: GatewayMAC, TargetIP: GatewayIP}
	g.n.FromGuest(wire.BuildEthernet(GatewayMAC, other.SenderMAC, wire.EtherTypeARP, other.Bytes()))
	g.frames = nil
	g.n.FromGuest(ipFrame(GatewayIP, wire.ProtoICMP, echoRequest(8)))
	require.Len(t, g.frames, 1)
	assert.Equal(t, guestMAC[:], g.frames[0][:6])
}

func TestWhoHasRetriedThenGivesUp(t *testing.T) {
	var logs []string
	g := newGuest(t, Config{Log: func(f string, a ...any) { logs = append(logs, f) }})
	g.n.arpRetry = 5 * time.Millisecond
	g.n.FromGuest(ipFrame(GatewayIP, wire.ProtoICMP, echoRequest(1)))
	g.n.FromGuest(ipFrame(GatewayIP, wire.ProtoICMP, echoRequest(2)))
	deadline := time.Now().Add(2 * time.Second)
	for g.n.Stats().Drops["arp-timeout"] == 0 && time.Now().Before(deadline) {
		<-g.n.Wake()
		g.n.Poll()
	}
	requests := 0
	for _, f := range g.frames { // never answered: the guest ignores them
		if binary.BigEndian.Uint16(f[12:]) == wire.EtherTypeARP {
			requests++
		}
	}
	assert.Equal(t, arpTries, requests)
	assert.Equal(t, uint64(2), g.n.Stats().Drops["arp-timeout"])
	assert.Len(t, logs, 1)
}

func TestGuestMACLearnedFromWhatTheGuestSays(t *testing.T) {
	announced := [6]byte{2, 0, 0, 0, 0, 0x15}
	tests := []struct {
		name  string
		arp   wire.ARP
		learn bool
	}{
		{"gratuitous ARP", wire.ARP{Op: wire.ARPRequest, SenderMAC: announced, SenderIP: GuestIP, TargetIP: GuestIP}, true},
		{"who-has for the gateway", wire.ARP{Op: wire.ARPRequest, SenderMAC: announced, SenderIP: GuestIP, TargetIP: GatewayIP}, true},
		{"who-has for DNS", wire.ARP{Op: wire.ARPRequest, SenderMAC: announced, SenderIP: GuestIP, TargetIP: DNSIP}, true},
		{"reply for the guest", wire.ARP{Op: wire.ARPReply, SenderMAC: announced, SenderIP: GuestIP, TargetMAC: GatewayMAC, TargetIP: GatewayIP}, true},
		{"another address announcing itself", wire.ARP{Op: wire.ARPRequest, SenderMAC: announced, SenderIP: netip.MustParseAddr("10.0.2.99"), TargetIP: netip.MustParseAddr("10.0.2.99")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGuest(t, Config{})
			g.n.FromGuest(wire.BuildEthernet(wire.BroadcastMAC, announced, wire.EtherTypeARP, tt.arp.Bytes()))
			g.frames = nil
			g.n.FromGuest(ipFrame(GatewayIP, wire.ProtoICMP, echoRequest(3)))
			require.Len(t, g.frames, 1)
			if tt.learn {
				assert.Equal(t, announced[:], g.frames[0][:6], "the reply goes straight to the MAC the guest gave")
				assert.Equal(t, uint16(wire.EtherTypeIPv4), binary.BigEndian.Uint16(g.frames[0][12:]))
				return
			}
			assert.Equal(t, wire.BroadcastMAC[:], g.frames[0][:6], "nothing learned: the network asks who-has first")
		})
	}
}

func TestARPAnswersServiceAddresses(t *testing.T) {
	tests := []struct {
		target string
		answer bool
	}{
		{"10.0.2.2", true},
		{"10.0.2.3", true},
		{"10.0.2.15", false},
		{"10.0.2.99", false},
		{"8.8.8.8", false}, // not a service address: never answered, never sent on
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			g := newGuest(t, Config{})
			req := wire.ARP{Op: wire.ARPRequest, SenderMAC: guestMAC, SenderIP: GuestIP, TargetIP: netip.MustParseAddr(tt.target)}
			g.n.FromGuest(wire.BuildEthernet(wire.BroadcastMAC, guestMAC, wire.EtherTypeARP, req.Bytes()))
			if !tt.answer {
				assert.Empty(t, g.frames)
				return
			}
			require.Len(t, g.frames, 1)
			a, err := wire.ParseARP(g.frames[0][wire.EtherHeaderLen:])
			require.NoError(t, err)
			assert.Equal(t, wire.ARP{Op: wire.ARPReply, SenderMAC: GatewayMAC, SenderIP: req.TargetIP, TargetMAC: guestMAC, TargetIP: GuestIP}, a)
			assert.Equal(t, guestMAC[:], g.frames[0][:6])
		})
	}
}

func echoRequest(seq uint16) []byte {
	b := make([]byte, 16)
	b[0] = wire.ICMPEchoRequest
	binary.BigEndian.PutUint16(b[6:], seq)
	copy(b[8:], "pingdata")
	wire.ICMP(b).SetChecksum()
	return b
}

func TestICMPEchoAnsweredLocally(t *testing.T) {
	var sent sendLog
	g := newGuest(t, Config{OnHostSend: sent.hook})
	g.n.FromGuest(ipFrame(GatewayIP, wire.ProtoICMP, echoRequest(42)))
	g.take()
	require.Len(t, g.frames, 1)
	ip, why := checkIPv4(g.frames[0][wire.EtherHeaderLen:])
	require.Empty(t, why)
	assert.Equal(t, GatewayIP, ip.Src())
	assert.Equal(t, byte(wire.ProtoICMP), ip.Protocol())
	assert.Equal(t, byte(wire.ICMPEchoReply), ip.Payload()[0])
	assert.Zero(t, wire.Checksum(ip.Payload(), 0))
	assert.Equal(t, uint16(42), binary.BigEndian.Uint16(ip.Payload()[6:]))
	assert.Empty(t, sent.all())
}

func TestHostForwardToGuest(t *testing.T) {
	fwd, err := ParseHostFwd("udp:127.0.0.1:0-:2000")
	require.NoError(t, err)
	g := newGuest(t, Config{HostFwd: []HostFwd{fwd}})
	bound := g.n.ForwardAddrs()[0]
	require.True(t, bound.Addr().IsLoopback())

	client, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	defer client.Close()
	clientPort := client.LocalAddr().(*net.UDPAddr).AddrPort().Port()
	_, err = client.WriteToUDPAddrPort([]byte("ping from host"), bound)
	require.NoError(t, err)

	d, _ := asUDP(t, g.waitFor(isUDP(t)))
	assert.Equal(t, netip.AddrPortFrom(GatewayIP, clientPort), d.src, "forwarded packets come from 10.0.2.2")
	assert.Equal(t, netip.AddrPortFrom(GuestIP, 2000), d.dst)
	assert.Equal(t, "ping from host", string(d.payload))
	assert.Equal(t, uint64(1), g.n.Stats().FwdReceived, "counted as in through hostfwd")

	// The guest answers the sender; the client hears it from the forwarded port.
	g.n.FromGuest(udpFrame(2000, d.src, []byte("pong from guest")))
	require.NoError(t, client.SetReadDeadline(time.Now().Add(5*time.Second)))
	buf := make([]byte, 100)
	size, from, err := client.ReadFromUDPAddrPort(buf)
	require.NoError(t, err)
	assert.Equal(t, "pong from guest", string(buf[:size]))
	assert.Equal(t, bound, from)
}

func dnsQuery(t *testing.T, id uint16, name string) []byte {
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: id, RecursionDesired: true})
	require.NoError(t, b.StartQuestions())
	require.NoError(t, b.Question(dnsmessage.Question{Name: dnsmessage.MustNewName(name), Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET}))
	q, err := b.Finish()
	require.NoError(t, err)
	return q
}

func TestLabDNS(t *testing.T) {
	assert.Equal(t, DNSTable{"pdos.csail.mit.edu.": netip.MustParseAddr("128.52.129.126")}, LabDNS())
}

func TestDNSAnsweredInside(t *testing.T) {
	table := LabDNS()
	tests := []struct {
		name   string
		server string
		query  string
		rcode  dnsmessage.RCode
		answer string
	}{
		{"lab query to a public resolver", "8.8.8.8", "pdos.csail.mit.edu.", dnsmessage.RCodeSuccess, "128.52.129.126"}, // answered inside, never sent
		{"slirp's DNS address", "10.0.2.3", "PDOS.csail.mit.edu.", dnsmessage.RCodeSuccess, "128.52.129.126"},
		{"unknown name", "8.8.8.8", "no.such.name.", dnsmessage.RCodeNameError, ""}, // NXDOMAIN inside, never sent
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sent sendLog
			g := newGuest(t, Config{DNS: table, OnHostSend: sent.hook})
			server := netip.AddrPortFrom(netip.MustParseAddr(tt.server), 53)
			g.n.FromGuest(udpFrame(10000, server, dnsQuery(t, 0x6828, tt.query)))
			d, _ := asUDP(t, g.waitFor(isUDP(t)))
			assert.Equal(t, server, d.src)
			assert.Equal(t, uint16(10000), d.dst.Port())

			var p dnsmessage.Parser
			h, err := p.Start(d.payload)
			require.NoError(t, err)
			assert.Equal(t, uint16(0x6828), h.ID)
			assert.True(t, h.Response)
			assert.Equal(t, tt.rcode, h.RCode)
			require.NoError(t, p.SkipAllQuestions())
			answers, err := p.AllAnswers()
			require.NoError(t, err)
			if tt.answer == "" {
				assert.Empty(t, answers)
			} else {
				require.Len(t, answers, 1)
				a := answers[0].Body.(*dnsmessage.AResource).A
				assert.Equal(t, tt.answer, netip.AddrFrom4(a).String())
			}
			assert.Empty(t, sent.all(), "DNS never leaves the emulator")
		})
	}
}

func TestPublicDestinationsDroppedNotSent(t *testing.T) {
	tests := []struct {
		name  string
		frame []byte
		why   string
	}{
		{"udp to a public address", udpFrame(2000, netip.MustParseAddrPort("8.8.8.8:9"), []byte("x")), "egress"},
		{"udp to a private address", udpFrame(2000, netip.MustParseAddrPort("192.168.1.1:7"), []byte("x")), "egress"},
		{"udp to guest loopback", udpFrame(2000, netip.MustParseAddrPort("127.0.0.1:7"), []byte("x")), "egress"},
		{"ping to a public address", ipFrame(netip.MustParseAddr("1.1.1.1"), wire.ProtoICMP, echoRequest(1)), "egress"},
		{"udp to an unserved 10.0.2.x", udpFrame(2000, netip.MustParseAddrPort("10.0.2.77:7"), []byte("x")), "no-service"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sent sendLog
			g := newGuest(t, Config{OnHostSend: sent.hook})
			g.n.FromGuest(tt.frame)
			assert.Empty(t, sent.all(), "nothing reached a host socket")
			assert.Zero(t, g.n.NATFlows(), "no host socket was even opened")
			assert.Equal(t, uint64(1), g.n.Stats().Drops[tt.why])
			assert.Zero(t, g.n.Stats().HostSent)
			assert.Empty(t, g.frames)
		})
	}
}

func TestMalformedFramesCounted(t *testing.T) {
	badSum := udpFrame(1, netip.AddrPortFrom(GatewayIP, 9), []byte("x"))
	badSum[wire.EtherHeaderLen+10] ^= 0xFF
	frag := udpFrame(1, netip.AddrPortFrom(GatewayIP, 9), []byte("x"))
	ip := frag[wire.EtherHeaderLen:]
	binary.BigEndian.PutUint16(ip[6:], 0x2000) // more fragments
	binary.BigEndian.PutUint16(ip[10:], 0)
	binary.BigEndian.PutUint16(ip[10:], wire.Checksum(ip[:wire.IPv4HeaderLen], 0))
	later := append([]byte(nil), frag...)
	ip = later[wire.EtherHeaderLen:]
	binary.BigEndian.PutUint16(ip[6:], 185)
	binary.BigEndian.PutUint16(ip[10:], 0)
	binary.BigEndian.PutUint16(ip[10:], wire.Checksum(ip[:wire.IPv4HeaderLen], 0))
	udpSum := udpFrame(1, netip.AddrPortFrom(GatewayIP, 9), []byte("x"))
	binary.BigEndian.PutUint16(udpSum[wire.EtherHeaderLen+wire.IPv4HeaderLen+6:], 0x1234)

	tests := []struct {
		name  string
		frame []byte
		why   string
	}{
		{"bad IP checksum", badSum, "ip-checksum"},
		{"first fragment", frag, "fragment"},
		{"later fragment", later, "fragment"},
		{"bad UDP checksum", udpSum, "udp-checksum"},
		{"runt", []byte{1, 2, 3}, "malformed"},
		{"truncated IP", ipFrame(GatewayIP, wire.ProtoUDP, nil)[:wire.EtherHeaderLen+10], "malformed"},
		{"IPv6", wire.BuildEthernet(wire.BroadcastMAC, guestMAC, 0x86DD, make([]byte, 40)), "unsupported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sent sendLog
			g := newGuest(t, Config{OnHostSend: sent.hook})
			g.n.FromGuest(tt.frame)
			assert.Equal(t, map[string]uint64{tt.why: 1}, g.n.Stats().Drops)
			assert.Empty(t, sent.all())
			assert.Contains(t, g.n.Stats().String(), tt.why+" 1")
		})
	}
}

func TestNATBoundedAndExpiring(t *testing.T) {
	// A host service that never answers, so no reply refreshes the flows.
	silent, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	defer silent.Close()
	port := silent.LocalAddr().(*net.UDPAddr).AddrPort().Port()
	g := newGuest(t, Config{NATLimit: 2, NATIdle: time.Millisecond})
	g.n.sweepEvery = 5 * time.Millisecond
	for guestPort := uint16(3000); guestPort < 3003; guestPort++ {
		g.n.FromGuest(udpFrame(guestPort, netip.AddrPortFrom(GatewayIP, port), []byte("x")))
	}
	assert.Equal(t, uint64(3), g.n.Stats().HostSent)
	assert.Equal(t, 2, g.n.NATFlows(), "the least recently used flow was evicted")
	// Expiry runs from Poll, which a board calls only when Wake fires.
	deadline := time.After(5 * time.Second)
	for g.n.NATFlows() > 0 {
		select {
		case <-g.n.Wake():
			g.n.Poll()
		case <-deadline:
			t.Fatal("idle flows never expired")
		}
	}
}

func TestCloseReleasesPorts(t *testing.T) {
	fwd, err := ParseHostFwd("udp::0-:2000")
	require.NoError(t, err)
	n, err := New(Config{HostFwd: []HostFwd{fwd}})
	require.NoError(t, err)
	bound := n.ForwardAddrs()[0]
	echo := echoServer(t)
	n.FromGuest(udpFrame(5, netip.AddrPortFrom(GatewayIP, echo.Port()), []byte("x")))
	require.NoError(t, n.Close())
	conn, err := net.ListenUDP("udp4", net.UDPAddrFromAddrPort(bound))
	require.NoError(t, err, "port free again after Close")
	conn.Close()
}

func TestParseHostFwd(t *testing.T) {
	tests := []struct {
		in   string
		want string
		err  string
	}{
		{"udp::25999-:2000", "udp:127.0.0.1:25999-10.0.2.15:2000", ""},
		{"hostfwd=udp::30999-:2001", "udp:127.0.0.1:30999-10.0.2.15:2001", ""},
		{"udp:127.0.0.2:5000-10.0.2.15:6000", "udp:127.0.0.2:5000-10.0.2.15:6000", ""},
		{"tcp::22-:22", "", "only udp"},
		{"udp::25999", "", "missing '-'"},
		{"udp::x-:1", "", "bad port"},
		{"udp::1-:0", "", "must not be 0"},
		{"udp:host:1-:2", "", "not an IPv4"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			h, err := ParseHostFwd(tt.in)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, h.String())
		})
	}
}

func TestDNSTableSources(t *testing.T) {
	table := DNSTable{}
	require.NoError(t, table.ParseDNSHost("Example.test=10.9.8.7"))
	table.LoadHosts(strings.NewReader("# comment\n127.0.0.1 localhost loop.test\n::1 ip6-localhost\n1.2.3.4 example.test # overridden\n"))
	assert.Equal(t, DNSTable{
		"example.test.": netip.MustParseAddr("10.9.8.7"),
		"localhost.":    netip.MustParseAddr("127.0.0.1"),
		"loop.test.":    netip.MustParseAddr("127.0.0.1"),
	}, table)
	for _, bad := range []string{"noequals", "=1.2.3.4", "x=::1", "x=300.1.1.1"} {
		assert.Error(t, table.ParseDNSHost(bad), bad)
	}
	_, err := ParseEgress("everything")
	assert.Error(t, err)
}
