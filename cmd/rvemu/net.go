package main

import (
	"fmt"
	"net"

	"github.com/rvemu/rvemu/internal/cmdline"
	"github.com/rvemu/rvemu/machine"
)

// netOptions are boot's network options.
type netOptions struct {
	mode, pcap, mac, egress string
	hostFwd, dnsHost        []string
}

func netFlags(s *cmdline.Set, o *netOptions) {
	o.mode, o.mac, o.egress = "user", "52:54:00:12:34:56", "loopback"
	s.String(&o.mode, "net", "MODE", "user (an E1000 at PCI 00:01.0 on a slirp-like 10.0.2.0/24) or none")
	s.Strings(&o.hostFwd, "hostfwd", "RULE", "forward a host UDP port to the guest, QEMU's udp:[HOSTADDR]:HOSTPORT-:GUESTPORT (repeatable)")
	s.Strings(&o.dnsHost, "dns-host", "NAME=IP", "answer DNS queries for NAME inside the emulator (repeatable; also /etc/hosts and "+
		machine.LabDNS().String()+")")
	s.String(&o.pcap, "pcap", "FILE", "write every network frame to FILE (libpcap: tshark, wireshark)")
	s.String(&o.mac, "mac", "MAC", "the NIC's address")
	s.String(&o.egress, "net-egress", "WHERE", "where guest UDP may go: loopback (10.0.2.2 = the host's 127.0.0.1) or all")
}

// config reads the network options; its errors are usage errors.
func (o *netOptions) config() (machine.NetConfig, error) {
	var cfg machine.NetConfig
	switch o.mode {
	case "none":
		return cfg, nil
	case "user":
		cfg.Enabled = true
	default:
		return cfg, fmt.Errorf("--net %q: want user or none", o.mode)
	}
	for _, s := range o.hostFwd {
		h, err := machine.ParseHostFwd(s)
		if err != nil {
			return cfg, fmt.Errorf("--hostfwd: %v", err)
		}
		cfg.HostFwd = append(cfg.HostFwd, h)
	}
	// The lab's name is answered inside, so its DNS test stays offline (its
	// query must never leave); --dns-host may override it.
	cfg.DNS = machine.LabDNS()
	for _, s := range o.dnsHost {
		if err := cfg.DNS.ParseDNSHost(s); err != nil {
			return cfg, fmt.Errorf("--dns-host: %v", err)
		}
	}
	if err := cfg.DNS.LoadHostsFile(hostsFile); err != nil {
		return cfg, fmt.Errorf("%s: %v", hostsFile, err)
	}
	mac, err := net.ParseMAC(o.mac)
	if err != nil || len(mac) != 6 || mac[0]&1 != 0 {
		return cfg, fmt.Errorf("--mac %q: want a unicast MAC like 52:54:00:12:34:56", o.mac)
	}
	cfg.MAC = [6]byte(mac)
	if cfg.Egress, err = machine.ParseEgress(o.egress); err != nil {
		return cfg, fmt.Errorf("--net-egress: %v", err)
	}
	cfg.PCAP = o.pcap
	return cfg, nil
}
