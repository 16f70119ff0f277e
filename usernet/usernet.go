// Package usernet is the other end of the guest's network cable: a small
// user-mode network in the spirit of QEMU's slirp. The guest lives at
// 10.0.2.15 behind a gateway 10.0.2.2 that stands for the host's loopback;
// UDP is carried through host sockets (NAT), ICMP echo to the gateway and
// DNS are answered inside, and host ports can be forwarded to the guest.
//
// FromGuest and Poll run on the machine loop and are the only places that
// call ToGuest, so guest-visible state changes there only. Host sockets are
// read by goroutines that queue datagrams and signal Wake.
package usernet

import (
	"fmt"
	"log"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/rvemu/rvemu/internal/wire"
)

// The addresses of slirp's default network.
var (
	GuestIP   = netip.MustParseAddr("10.0.2.15")
	GatewayIP = netip.MustParseAddr("10.0.2.2")
	DNSIP     = netip.MustParseAddr("10.0.2.3")
	Loopback  = netip.MustParseAddr("127.0.0.1")
	// GatewayMAC answers for every service address.
	GatewayMAC = [6]byte{0x52, 0x55, 0x0a, 0x00, 0x02, 0x02}
	network    = netip.MustParsePrefix("10.0.2.0/24")
)

// Egress decides where guest traffic may go besides the gateway.
type Egress int

const (
	// EgressLoopback: only 10.0.2.2 (the host's loopback) is reachable;
	// everything else is dropped and counted, DNS is always answered inside.
	EgressLoopback Egress = iota
	// EgressAll: other addresses are reached through real host sockets.
	EgressAll
)

// ParseEgress reads the --net-egress value.
func ParseEgress(s string) (Egress, error) {
	switch s {
	case "loopback", "":
		return EgressLoopback, nil
	case "all":
		return EgressAll, nil
	}
	return 0, fmt.Errorf("egress %q: want loopback or all", s)
}

// Defaults for Config's zero values.
const (
	DefaultNATLimit = 128
	DefaultNATIdle  = 2 * time.Minute
	// DefaultNATRate: a lab's nettests opens a dozen flows per run; a
	// guest opening hundreds of host sockets a second is a runaway loop.
	DefaultNATRate = 64
	// DefaultMaxDatagram: one Ethernet frame's UDP payload. The network
	// never fragments, and no lab sends more.
	DefaultMaxDatagram = 1500 - wire.IPv4HeaderLen - wire.UDPHeaderLen
	hostQueue          = 256 // datagrams waiting for the machine loop
	arpQueue           = 64  // frames waiting for the guest's MAC
	arpRetry           = 500 * time.Millisecond
	arpTries           = 4
	maxDatagram        = 65535
	sweepEvery         = time.Second
	maxToGuest         = 1500 - wire.IPv4HeaderLen - wire.UDPHeaderLen // no fragmentation toward the guest
)

// Config sets up the network.
type Config struct {
	// ToGuest delivers a frame to the guest's NIC (on the machine loop).
	ToGuest func(frame []byte)
	HostFwd []HostFwd
	DNS     DNSTable
	Egress  Egress
	// NATLimit bounds concurrent UDP flows; NATIdle expires unused ones.
	NATLimit int
	NATIdle  time.Duration
	// NATRate bounds new flows (host sockets opened) per second, with a
	// burst of as many; a datagram that would open one beyond it is
	// dropped ("nat-rate"). MaxDatagram bounds the payload of a datagram
	// either way ("too-big"). Zero values take the defaults.
	NATRate     int
	MaxDatagram int
	Log         func(format string, args ...any)
	// OnHostSend runs just before a datagram is written to any host socket,
	// with its destination. It sees every datagram that leaves.
	OnHostSend func(dst netip.AddrPort)
}

// Net is one user-mode network.
type Net struct {
	cfg    Config
	stats  Stats
	logf   func(string, ...any)
	logged map[string]bool

	events chan hostDatagram
	wake   chan struct{}
	wg     sync.WaitGroup
	closed bool

	// ARP: the guest's MAC once it answered, frames waiting for it.
	guestMAC   [6]byte
	macKnown   bool
	arpPending [][]byte
	arpTries   int
	arpLast    time.Time
	arpTimer   *time.Timer
	arpRetry   time.Duration

	ipID      uint16
	nat       map[uint16]*natEntry // by guest source port
	natTokens float64              // new flows allowed now (token bucket, NATRate a second)
	natRefill time.Time
	// sendUDP writes one datagram to a host socket; tests replace it to
	// see sends without reaching real ports.
	sendUDP    func(conn *net.UDPConn, payload []byte, dst netip.AddrPort) error
	fwds       []*forward
	lastSweep  time.Time
	sweepTimer *time.Timer
	sweepArmed bool
	sweepEvery time.Duration
}

// New opens the forwarded host ports and returns the network.
func New(cfg Config) (*Net, error) {
	if cfg.ToGuest == nil {
		cfg.ToGuest = func([]byte) {}
	}
	if cfg.DNS == nil {
		cfg.DNS = DNSTable{}
	}
	if cfg.NATLimit <= 0 {
		cfg.NATLimit = DefaultNATLimit
	}
	if cfg.NATIdle <= 0 {
		cfg.NATIdle = DefaultNATIdle
	}
	if cfg.NATRate <= 0 {
		cfg.NATRate = DefaultNATRate
	}
	if cfg.MaxDatagram <= 0 || cfg.MaxDatagram > maxDatagram {
		cfg.MaxDatagram = DefaultMaxDatagram
	}
	n := &Net{
		cfg: cfg, logf: cfg.Log, logged: map[string]bool{},
		events:     make(chan hostDatagram, hostQueue),
		wake:       make(chan struct{}, 1),
		nat:        map[uint16]*natEntry{},
		arpRetry:   arpRetry,
		sweepEvery: sweepEvery,
		natTokens:  float64(cfg.NATRate),
		natRefill:  time.Now(),
		sendUDP:    writeUDP,
	}
	if n.logf == nil {
		n.logf = log.Printf
	}
	for _, h := range cfg.HostFwd {
		if err := n.openForward(h); err != nil {
			n.Close()
			return nil, err
		}
	}
	return n, nil
}

// Wake is signalled (non-blocking, capacity 1) when host datagrams or a
// timer need Poll. The board selects on it while the guest is idle.
func (n *Net) Wake() <-chan struct{} { return n.wake }

func (n *Net) signal() {
	select {
	case n.wake <- struct{}{}:
	default:
	}
}

// Stats returns a copy of the counters.
func (n *Net) Stats() Snapshot { return n.stats.snapshot() }

func (n *Net) logOnce(cause, format string, args ...any) {
	if n.logged[cause] {
		return
	}
	n.logged[cause] = true
	n.logf("usernet: "+format, args...)
}

// Close closes every host socket and waits for their readers.
func (n *Net) Close() error {
	if n.closed {
		return nil
	}
	n.closed = true
	if n.arpTimer != nil {
		n.arpTimer.Stop()
	}
	if n.sweepTimer != nil {
		n.sweepTimer.Stop()
	}
	for _, e := range n.nat {
		e.conn.Close()
	}
	for _, f := range n.fwds {
		f.conn.Close()
	}
	n.wg.Wait()
	return nil
}

// Poll delivers what host sockets received and runs timers. Call it on the
// machine loop whenever Wake fires; calling it more often is harmless.
func (n *Net) Poll() {
	now := time.Now()
	// Bounded, so a flooding host cannot keep the machine loop here.
	for i := 0; i < hostQueue; i++ {
		select {
		case d := <-n.events:
			n.fromHost(d)
			continue
		default:
		}
		break
	}
	if len(n.events) > 0 {
		n.signal()
	}
	if len(n.arpPending) > 0 && !n.macKnown && now.Sub(n.arpLast) >= n.arpRetry {
		if n.arpTries >= arpTries {
			for range n.arpPending {
				n.stats.drop(dropARPTimeout)
			}
			n.logOnce("arp timeout", "guest never answered who-has %s: %d frames dropped", GuestIP, len(n.arpPending))
			n.arpPending, n.arpTries = nil, 0
		} else {
			n.sendWhoHas(now)
		}
	}
	if now.Sub(n.lastSweep) >= n.sweepEvery {
		n.lastSweep = now
		n.expireNAT(now)
		n.sweepArmed = false
		n.armSweep()
	}
}

// armSweep makes sure Poll runs again to expire idle flows while any exist
// (the board calls Poll only when Wake fires).
func (n *Net) armSweep() {
	if n.sweepArmed || len(n.nat) == 0 || n.closed {
		return
	}
	n.sweepArmed = true
	if n.sweepTimer == nil {
		n.sweepTimer = time.AfterFunc(n.sweepEvery, n.signal)
	} else {
		n.sweepTimer.Reset(n.sweepEvery)
	}
}

// FromGuest takes a frame the guest transmitted.
func (n *Net) FromGuest(frame []byte) {
	n.stats.add(func() { n.stats.fromGuest++ })
	if len(frame) < wire.EtherHeaderLen {
		n.stats.drop(dropMalformed)
		return
	}
	// Any destination MAC is accepted: old lab kernels send IP to broadcast.
	f := wire.Ethernet(frame)
	switch f.Type() {
	case wire.EtherTypeARP:
		n.arpFromGuest(f.Payload())
	case wire.EtherTypeIPv4:
		ip, why := checkIPv4(f.Payload())
		if why != "" {
			n.stats.drop(why)
			return
		}
		switch ip.Protocol() {
		case wire.ProtoUDP:
			n.udpFromGuest(ip)
		case wire.ProtoICMP:
			n.icmpFromGuest(ip)
		default:
			n.stats.drop(dropUnsupported)
		}
	default:
		n.stats.drop(dropUnsupported)
	}
}

// arpFromGuest answers who-has for the service addresses and learns the
// guest's MAC from anything it says about 10.0.2.15: its reply to our
// who-has, its own who-has for a service address, or a gratuitous ARP
// announcing itself (QEMU's slirp learns from all three, so a kernel that
// announces itself is never asked). The first learned MAC is kept: some lab
// kernels answer only the first request they see.
func (n *Net) arpFromGuest(b []byte) {
	a, err := wire.ParseARP(b)
	if err != nil {
		n.stats.drop(dropMalformed)
		return
	}
	switch a.Op {
	case wire.ARPRequest:
		if a.SenderIP == GuestIP {
			n.learnGuestMAC(a.SenderMAC)
		}
		if a.TargetIP != GatewayIP && a.TargetIP != DNSIP {
			return // not ours to answer (or the guest announcing itself)
		}
		reply := wire.ARP{Op: wire.ARPReply, SenderMAC: GatewayMAC, SenderIP: a.TargetIP, TargetMAC: a.SenderMAC, TargetIP: a.SenderIP}
		n.deliver(wire.BuildEthernet(a.SenderMAC, GatewayMAC, wire.EtherTypeARP, reply.Bytes()))
	case wire.ARPReply:
		if a.SenderIP == GuestIP {
			n.learnGuestMAC(a.SenderMAC)
		}
	}
}

// learnGuestMAC records the guest's MAC once and sends what waited for it.
func (n *Net) learnGuestMAC(mac [6]byte) {
	if n.macKnown {
		return
	}
	n.guestMAC, n.macKnown = mac, true
	if n.arpTimer != nil {
		n.arpTimer.Stop()
	}
	pending := n.arpPending
	n.arpPending = nil
	for _, p := range pending {
		n.deliver(wire.BuildEthernet(n.guestMAC, GatewayMAC, wire.EtherTypeIPv4, p))
	}
}

// sendWhoHas asks for the guest's MAC and arms a retry.
func (n *Net) sendWhoHas(now time.Time) {
	n.arpTries++
	n.arpLast = now
	req := wire.ARP{Op: wire.ARPRequest, SenderMAC: GatewayMAC, SenderIP: GatewayIP, TargetIP: GuestIP}
	n.deliver(wire.BuildEthernet(wire.BroadcastMAC, GatewayMAC, wire.EtherTypeARP, req.Bytes()))
	if n.arpTimer != nil {
		n.arpTimer.Stop()
	}
	n.arpTimer = time.AfterFunc(n.arpRetry, n.signal)
}

// toGuest sends an IP packet to the guest, resolving its MAC first.
func (n *Net) toGuest(src netip.Addr, proto byte, payload []byte) {
	n.ipID++
	p := wire.BuildIPv4(n.ipID, src, GuestIP, proto, payload)
	if n.macKnown {
		n.deliver(wire.BuildEthernet(n.guestMAC, GatewayMAC, wire.EtherTypeIPv4, p))
		return
	}
	if len(n.arpPending) >= arpQueue {
		n.stats.drop(dropARPTimeout)
		return
	}
	n.arpPending = append(n.arpPending, p)
	if len(n.arpPending) == 1 {
		n.arpTries = 0
		n.sendWhoHas(time.Now())
	}
}

// deliver hands a finished frame to the NIC.
func (n *Net) deliver(frame []byte) {
	n.stats.add(func() { n.stats.toGuest++ })
	n.cfg.ToGuest(frame)
}

// icmpFromGuest answers echo requests to the service addresses.
func (n *Net) icmpFromGuest(ip wire.IPv4) {
	m := wire.ICMP(ip.Payload())
	if len(m) < wire.ICMPHeaderLen || !m.ChecksumOK() {
		n.stats.drop(dropMalformed)
		return
	}
	if dst := ip.Dst(); dst != GatewayIP && dst != DNSIP {
		if network.Contains(dst) || n.cfg.Egress == EgressLoopback {
			n.stats.drop(dropEgress)
		} else {
			n.stats.drop(dropUnsupported) // no raw sockets for real pings
		}
		return
	}
	if m.Type() != wire.ICMPEchoRequest {
		n.stats.drop(dropUnsupported)
		return
	}
	reply := append(wire.ICMP(nil), m...)
	reply[0] = wire.ICMPEchoReply
	reply.SetChecksum()
	n.toGuest(ip.Dst(), wire.ProtoICMP, reply)
}

// udpFromGuest routes a guest datagram: DNS inside, the gateway to the
// host's loopback, other addresses by the egress policy.
func (n *Net) udpFromGuest(ip wire.IPv4) {
	u, why := checkUDP(ip)
	if why != "" {
		n.stats.drop(why)
		return
	}
	guest := netip.AddrPortFrom(ip.Src(), u.SrcPort())
	dst := netip.AddrPortFrom(ip.Dst(), u.DstPort())
	switch {
	case dst.Port() == 53 && (dst.Addr() == DNSIP || n.cfg.Egress == EgressLoopback):
		resp, ok := n.cfg.DNS.Answer(u.Payload())
		if !ok {
			n.stats.drop(dropMalformed)
			return
		}
		n.stats.add(func() { n.stats.dnsAnswered++ })
		n.toGuest(dst.Addr(), wire.ProtoUDP, wire.BuildUDP(dst, guest, resp))
	case dst.Addr() == GatewayIP:
		if n.replyThroughForward(u) {
			return
		}
		n.natSend(guest.Port(), netip.AddrPortFrom(Loopback, dst.Port()), u.Payload())
	case network.Contains(dst.Addr()):
		n.stats.drop(dropNoService)
	case n.cfg.Egress == EgressAll && dst.Addr().IsGlobalUnicast():
		n.natSend(guest.Port(), dst, u.Payload())
	default:
		n.stats.drop(dropEgress)
	}
}
