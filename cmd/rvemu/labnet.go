package main

import (
	"fmt"
	"net/netip"

	"github.com/rvemu/rvemu/machine"
)

// labNet is the network a lab run asks the board for: an E1000 on PCIe
// behind the user-mode network, with host forwards (bound on 127.0.0.1),
// DNS answered inside the emulator, and an optional pcap of every frame.
type labNet struct {
	HostFwd []machine.HostFwd
	DNS     machine.DNSTable
	Pcap    string
}

func newLabNet(dns map[string]netip.Addr) *labNet {
	n := &labNet{DNS: machine.DNSTable{}}
	for name, addr := range dns {
		n.DNS.Add(name, addr)
	}
	return n
}

// addForward adds hostfwd=udp::HOST-:GUEST on 127.0.0.1.
func (n *labNet) addForward(spec string) error {
	h, err := machine.ParseHostFwd(spec)
	if err != nil {
		return err
	}
	if !h.HostAddr.IsLoopback() {
		return fmt.Errorf("hostfwd %s: host side must be on 127.0.0.0/8", spec)
	}
	n.HostFwd = append(n.HostFwd, h)
	return nil
}

// applyLabNet puts the network into the board's configuration: the E1000
// at 00:01.0 behind usernet, whose egress stays on loopback (the DNS test's
// 8.8.8.8 is answered from the table, never sent).
func applyLabNet(cfg *machine.Config, n *labNet) {
	if n == nil {
		return
	}
	cfg.Net = machine.NetConfig{Enabled: true, HostFwd: n.HostFwd, DNS: n.DNS, PCAP: n.Pcap,
		Egress: machine.EgressLoopback}
}
