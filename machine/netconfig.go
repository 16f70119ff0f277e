package machine

import (
	"net/netip"
	"sort"
	"strings"

	"github.com/rvemu/rvemu/usernet"
)

// The network as a front end describes it. These are the board's own
// types, so that front ends need not know which package carries the
// guest's traffic; parsing and naming rules are usernet's, reached through
// the board.

// NetConfig describes the guest's network: an E1000 at 00:01.0 wired to a
// user-mode network like QEMU's "-netdev user" (10.0.2.0/24).
type NetConfig struct {
	Enabled bool
	MAC     [6]byte // zero: 52:54:00:12:34:56
	HostFwd []HostFwd
	DNS     DNSTable // names the network's resolver answers (nil: none)
	Egress  Egress
	PCAP    string // capture of every frame, "" for none
	// OnHostSend sees the destination of every datagram the network
	// writes to a host socket (tests check where guest traffic goes).
	OnHostSend HostSendHook
}

// HostSendHook sees the destination of every datagram the user network
// writes to a host socket (NetConfig.OnHostSend).
type HostSendHook = func(dst netip.AddrPort)

// HostFwd forwards datagrams arriving at a host UDP port to a guest port,
// QEMU's hostfwd=udp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT.
type HostFwd struct {
	HostAddr  netip.Addr // 127.0.0.1 unless given
	HostPort  uint16
	GuestAddr netip.Addr // QEMU's syntax has one; the guest is always 10.0.2.15
	GuestPort uint16
}

// ParseHostFwd reads QEMU's hostfwd syntax, with or without the leading
// "hostfwd="; only UDP is carried.
func ParseHostFwd(s string) (HostFwd, error) {
	h, err := usernet.ParseHostFwd(s)
	return HostFwd(h), err
}

// DNSTable maps names to the IPv4 addresses the guest's DNS queries get
// (A records); any other name is NXDOMAIN.
type DNSTable map[string]netip.Addr

// Add maps name to addr, replacing an earlier entry (names are
// case-insensitive).
func (t DNSTable) Add(name string, addr netip.Addr) { usernet.DNSTable(t).Add(name, addr) }

// ParseDNSHost reads a NAME=IP entry (the --dns-host flag) into t.
func (t DNSTable) ParseDNSHost(s string) error { return usernet.DNSTable(t).ParseDNSHost(s) }

// LoadHostsFile adds the IPv4 entries of a hosts(5) file; entries already
// in t win. A missing file adds nothing.
func (t DNSTable) LoadHostsFile(path string) error { return usernet.DNSTable(t).LoadHostsFile(path) }

// LabDNS returns the table the lab front ends start from: the one name
// the xv6 net lab's DNS test looks up (usernet.LabDNS defines it),
// answered inside so that the test's query never leaves.
func LabDNS() DNSTable { return DNSTable(usernet.LabDNS()) }

// String lists the entries as NAME=IP, sorted by name.
func (t DNSTable) String() string {
	entries := make([]string, 0, len(t))
	for name, addr := range t {
		entries = append(entries, strings.TrimSuffix(name, ".")+"="+addr.String())
	}
	sort.Strings(entries)
	return strings.Join(entries, ", ")
}

// Egress decides where guest traffic may go besides the gateway.
type Egress int

const (
	// EgressLoopback: only 10.0.2.2 (the host's loopback) is reachable;
	// everything else is dropped and counted; DNS is answered inside.
	EgressLoopback Egress = iota
	// EgressAll: other addresses are reached through host sockets.
	EgressAll
)

// ParseEgress reads the --net-egress value: loopback or all.
func ParseEgress(s string) (Egress, error) {
	e, err := usernet.ParseEgress(s)
	if e == usernet.EgressAll {
		return EgressAll, err
	}
	return EgressLoopback, err
}

func (e Egress) user() usernet.Egress {
	if e == EgressAll {
		return usernet.EgressAll
	}
	return usernet.EgressLoopback
}

func (c *NetConfig) userHostFwd() []usernet.HostFwd {
	var out []usernet.HostFwd
	for _, h := range c.HostFwd {
		out = append(out, usernet.HostFwd(h))
	}
	return out
}

// userDNS is the table as usernet keeps it (names canonical whatever way
// the front end filled the map).
func (c *NetConfig) userDNS() usernet.DNSTable {
	if c.DNS == nil {
		return nil
	}
	t := usernet.DNSTable{}
	for name, addr := range c.DNS {
		t.Add(name, addr)
	}
	return t
}
