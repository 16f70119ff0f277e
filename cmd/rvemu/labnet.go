package main

import (
	"fmt"
	"io"
	"net/netip"

	"github.com/rvemu/rvemu/machine"
	"github.com/rvemu/rvemu/usernet"
)

// labNet is the network a lab run asks the board for: an E1000 on PCIe
// behind the user-mode network, with host forwards (bound on 127.0.0.1),
// DNS answered inside the emulator, and an optional pcap of every frame.
type labNet struct {
	HostFwd []usernet.HostFwd
	DNS     usernet.DNSTable
	Pcap    string
}

func newLabNet(dns map[string]netip.Addr) *labNet {
	n := &labNet{DNS: usernet.DNSTable{}}
	for name, addr := range dns {
		n.DNS.Add(name, addr)
	}
	return n
}

// addForward adds hostfwd=udp::HOST-:GUEST on 127.0.0.1.
func (n *labNet) addForward(spec string) error {
	h, err := usernet.ParseHostFwd(spec)
	if err != nil {
		return err
	}
	if !h.HostAddr.IsLoopback() {
		return fmt.Errorf("hostfwd %s: host side must be on 127.0.0.0/8", spec)
	}
	n.HostFwd = append(n.HostFwd, h)
	return nil
}

// applyLabNet puts the network into the board's configuration. It is the
// one place that knows the board's network fields.
//
// The board (machine.Config) has no network fields yet: the E1000 and
// usernet are being wired into it on the netdev branch. Until then the
// guest finds no NIC; this says so once on log and the run goes on (the
// network tests then fail, visibly, in the score table).
func applyLabNet(cfg *machine.Config, n *labNet, log io.Writer) {
	if n == nil {
		return
	}
	fmt.Fprintf(log, "rvemu: this board has no E1000/usernet yet; the guest will find no NIC (forwards %v not opened)\n", n.HostFwd)
}
