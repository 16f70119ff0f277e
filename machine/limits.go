package machine

import "net/netip"

// DecodeCacheBytes is the size of the harts' decoded-instruction cache, a
// bounded cache that grows with the code pages the guest has run (for
// --stats: a soak run's RSS growth is judged without it). Call it after Run.
func (m *Machine) DecodeCacheBytes() int { return m.sys.DecodeCacheBytes() }

// NetForwardAddrs returns the host addresses the hostfwd sockets are bound
// to, in order (nil without a user network).
func (m *Machine) NetForwardAddrs() []netip.AddrPort {
	if m.net == nil || m.net.user == nil {
		return nil
	}
	return m.net.user.ForwardAddrs()
}
