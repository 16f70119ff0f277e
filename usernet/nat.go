package usernet

import (
	"net"
	"net/netip"
	"time"

	"github.com/rvemu/rvemu/internal/wire"
)

// hostDatagram is what a socket reader hands to the machine loop.
type hostDatagram struct {
	guestPort uint16         // where it goes in the guest
	fwd       *forward       // set when it arrived on a forwarded port
	src       netip.AddrPort // host-side sender
	payload   []byte
}

// natEntry is one guest UDP port's host socket.
type natEntry struct {
	conn     *net.UDPConn
	lastUsed time.Time
}

// forward is an open hostfwd socket and the host clients that used it, so
// the guest's replies to 10.0.2.2:CLIENTPORT return through it.
type forward struct {
	spec    HostFwd
	conn    *net.UDPConn
	clients map[uint16]netip.AddrPort // by client port
	direct  *direct                   // non-blocking reads for ReadNow (nil: none)
}

const forwardClients = 64

// readLoop hands every datagram of conn to the machine loop until conn is
// closed. It never touches guest-visible state.
func (n *Net) readLoop(conn *net.UDPConn, guestPort uint16, fwd *forward) {
	defer n.wg.Done()
	buf := make([]byte, maxDatagram)
	for {
		size, src, err := conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				continue
			}
			return
		}
		if fwd != nil {
			n.stats.add(func() { n.stats.fwdReceived++ })
		}
		d := hostDatagram{guestPort: guestPort, fwd: fwd, src: src, payload: append([]byte(nil), buf[:size]...)}
		select {
		case n.events <- d:
			n.signal()
		default:
			n.stats.drop(dropHostQueue)
		}
	}
}

// bindAddr is where NAT sockets listen: only loopback unless the policy
// lets the guest reach real addresses.
func (n *Net) bindAddr() netip.AddrPort {
	if n.cfg.Egress == EgressAll {
		return netip.AddrPortFrom(netip.IPv4Unspecified(), 0)
	}
	return netip.AddrPortFrom(Loopback, 0)
}

// natSend writes a guest datagram from guestPort to dst through the port's
// host socket, opening it (and evicting the least recently used flow when
// the table is full) if needed.
func (n *Net) natSend(guestPort uint16, dst netip.AddrPort, payload []byte) {
	if len(payload) > n.cfg.MaxDatagram {
		n.stats.drop(dropTooBig)
		return
	}
	e := n.nat[guestPort]
	if e == nil {
		if !n.takeFlowToken(time.Now()) {
			n.logOnce("nat rate", "guest opens more than %d flows a second: datagrams dropped", n.cfg.NATRate)
			n.stats.drop(dropNATRate)
			return
		}
		if len(n.nat) >= n.cfg.NATLimit {
			n.evictOldest()
		}
		conn, err := net.ListenUDP("udp4", net.UDPAddrFromAddrPort(n.bindAddr()))
		if err != nil {
			n.logOnce("nat listen", "cannot open a host UDP socket: %v", err)
			n.stats.drop(dropHostSend)
			return
		}
		e = &natEntry{conn: conn}
		n.nat[guestPort] = e
		n.stats.add(func() {
			n.stats.natOpened++
			n.stats.natPeak = max(n.stats.natPeak, uint64(len(n.nat)))
		})
		n.wg.Add(1)
		go n.readLoop(conn, guestPort, nil)
		n.armSweep()
	}
	e.lastUsed = time.Now()
	n.hostSend(e.conn, dst, payload)
}

// hostSend is the single place where datagrams leave for the host.
func (n *Net) hostSend(conn *net.UDPConn, dst netip.AddrPort, payload []byte) {
	if n.cfg.OnHostSend != nil {
		n.cfg.OnHostSend(dst)
	}
	if len(payload) > n.cfg.MaxDatagram {
		n.stats.drop(dropTooBig)
		return
	}
	if err := n.sendUDP(conn, payload, dst); err != nil {
		// One line for all destinations: a guest spraying ports must not
		// grow the log (or the table of causes logged) without bound.
		n.logOnce("host send", "send to %s: %v (later send failures are only counted)", dst, err)
		n.stats.drop(dropHostSend)
		return
	}
	n.stats.add(func() { n.stats.hostSent++ })
}

func (n *Net) evictOldest() {
	var oldest uint16
	var when time.Time
	first := true
	for port, e := range n.nat {
		if first || e.lastUsed.Before(when) {
			oldest, when, first = port, e.lastUsed, false
		}
	}
	if !first {
		n.nat[oldest].conn.Close()
		delete(n.nat, oldest)
		n.stats.add(func() { n.stats.natEvicted++ })
	}
}

// takeFlowToken reports whether a new flow may open now: a token bucket
// of NATRate tokens refilled at NATRate a second.
func (n *Net) takeFlowToken(now time.Time) bool {
	rate := float64(n.cfg.NATRate)
	n.natTokens = min(rate, n.natTokens+now.Sub(n.natRefill).Seconds()*rate)
	n.natRefill = now
	if n.natTokens < 1 {
		return false
	}
	n.natTokens--
	return true
}

func writeUDP(conn *net.UDPConn, payload []byte, dst netip.AddrPort) error {
	_, err := conn.WriteToUDPAddrPort(payload, dst)
	return err
}

// expireNAT closes flows idle for longer than NATIdle.
func (n *Net) expireNAT(now time.Time) {
	for port, e := range n.nat {
		if now.Sub(e.lastUsed) > n.cfg.NATIdle {
			e.conn.Close()
			delete(n.nat, port)
			n.stats.add(func() { n.stats.natExpired++ })
		}
	}
}

// NATFlows reports how many guest ports have host sockets open.
func (n *Net) NATFlows() int { return len(n.nat) }

// openForward binds a hostfwd socket.
func (n *Net) openForward(h HostFwd) error {
	conn, err := net.ListenUDP("udp4", net.UDPAddrFromAddrPort(netip.AddrPortFrom(h.HostAddr, h.HostPort)))
	if err != nil {
		return err
	}
	f := &forward{spec: h, conn: conn, clients: map[uint16]netip.AddrPort{}}
	f.direct = newDirect(f)
	n.fwds = append(n.fwds, f)
	n.wg.Add(1)
	go n.readLoop(conn, h.GuestPort, f)
	return nil
}

// ForwardAddrs returns the bound host address of each hostfwd, in order
// (useful when a port was given as 0).
func (n *Net) ForwardAddrs() []netip.AddrPort {
	out := make([]netip.AddrPort, len(n.fwds))
	for i, f := range n.fwds {
		out[i] = f.conn.LocalAddr().(*net.UDPAddr).AddrPort()
	}
	return out
}

// replyThroughForward sends a guest datagram back to a hostfwd client when
// it answers one (guest port is the forward's, destination port a known
// client's). The client then sees the reply come from the port it used.
func (n *Net) replyThroughForward(u wire.UDP) bool {
	for _, f := range n.fwds {
		if f.spec.GuestPort != u.SrcPort() {
			continue
		}
		if client, ok := f.clients[u.DstPort()]; ok {
			n.hostSend(f.conn, client, u.Payload())
			return true
		}
	}
	return false
}

// fromHost delivers one host datagram to the guest. Host loopback senders
// appear as the gateway, like slirp does.
func (n *Net) fromHost(d hostDatagram) {
	src := d.src
	if src.Addr().Is4In6() {
		src = netip.AddrPortFrom(src.Addr().Unmap(), src.Port())
	}
	if src.Addr().IsLoopback() {
		src = netip.AddrPortFrom(GatewayIP, src.Port())
	}
	if d.fwd != nil {
		if len(d.fwd.clients) >= forwardClients {
			clear(d.fwd.clients)
		}
		d.fwd.clients[d.src.Port()] = d.src
		src = netip.AddrPortFrom(GatewayIP, d.src.Port())
	} else if e := n.nat[d.guestPort]; e != nil {
		e.lastUsed = time.Now()
	}
	if len(d.payload) > min(maxToGuest, n.cfg.MaxDatagram) {
		n.stats.drop(dropTooBig) // would need fragmenting
		return
	}
	n.toGuest(src.Addr(), wire.ProtoUDP, wire.BuildUDP(src, netip.AddrPortFrom(GuestIP, d.guestPort), d.payload))
}
