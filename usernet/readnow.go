package usernet

// ReadNow delivers datagrams already waiting on the forwarded host sockets,
// reading them on the caller's thread (the machine loop) without blocking,
// and reports whether it delivered any. A board busy-polling for the next
// datagram calls it so that a datagram needs no thread wake at all: not
// the socket reader's, not the machine loop's. What the readers queued
// before goes first, so one reader's datagrams keep their order.
func (n *Net) ReadNow() bool {
	if n.closed {
		return false
	}
	got := len(n.events) > 0
	if got {
		n.Poll()
	}
	for _, f := range n.fwds {
		if f.direct == nil {
			continue
		}
		// Bounded like Poll: a flooding host cannot keep the loop here.
		for i := 0; i < hostQueue; i++ {
			payload, src, ok := f.direct.next()
			if !ok {
				break
			}
			got = true
			n.stats.add(func() { n.stats.fwdReceived++ })
			n.fromHost(hostDatagram{guestPort: f.spec.GuestPort, fwd: f, src: src, payload: payload})
		}
	}
	return got
}
