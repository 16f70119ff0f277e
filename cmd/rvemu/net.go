package main

import (
	"net"

	"github.com/urfave/cli/v2"

	"github.com/rvemu/rvemu/machine"
)

func netFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "net", Value: "user", Usage: "network: user (E1000 at 00:01.0 on a slirp-like 10.0.2.0/24) or none"},
		&cli.StringSliceFlag{Name: "hostfwd", Usage: "forward a host UDP port to the guest, QEMU syntax `udp:[HOSTADDR]:HOSTPORT-:GUESTPORT` (repeatable)"},
		&cli.StringSliceFlag{Name: "dns-host", Usage: "answer DNS A queries for `NAME=IP` inside the emulator (repeatable; also /etc/hosts and " +
			machine.LabDNS().String() + ")"},
		&cli.StringFlag{Name: "pcap", Usage: "write every network frame to `FILE` (libpcap, for tshark/wireshark)"},
		&cli.StringFlag{Name: "mac", Value: "52:54:00:12:34:56", Usage: "the NIC's `MAC` address"},
		&cli.StringFlag{Name: "net-egress", Value: "loopback", Usage: "where guest UDP may go: loopback (10.0.2.2 = host 127.0.0.1 only) or all"},
	}
}

// netConfigFromFlags reads the network flags.
func netConfigFromFlags(c *cli.Context) (machine.NetConfig, error) {
	var cfg machine.NetConfig
	switch c.String("net") {
	case "none":
		return cfg, nil
	case "user":
		cfg.Enabled = true
	default:
		return cfg, usageError("--net %q: want user or none", c.String("net"))
	}
	for _, s := range c.StringSlice("hostfwd") {
		h, err := machine.ParseHostFwd(s)
		if err != nil {
			return cfg, usageError("--hostfwd: %v", err)
		}
		cfg.HostFwd = append(cfg.HostFwd, h)
	}
	// The lab's name is answered inside, so its DNS test stays offline (its
	// query must never leave); --dns-host may override it.
	cfg.DNS = machine.LabDNS()
	for _, s := range c.StringSlice("dns-host") {
		if err := cfg.DNS.ParseDNSHost(s); err != nil {
			return cfg, usageError("--dns-host: %v", err)
		}
	}
	if err := cfg.DNS.LoadHostsFile("/etc/hosts"); err != nil {
		return cfg, usageError("/etc/hosts: %v", err)
	}
	mac, err := net.ParseMAC(c.String("mac"))
	if err != nil || len(mac) != 6 || mac[0]&1 != 0 {
		return cfg, usageError("--mac %q: want a unicast MAC like 52:54:00:12:34:56", c.String("mac"))
	}
	cfg.MAC = [6]byte(mac)
	if cfg.Egress, err = machine.ParseEgress(c.String("net-egress")); err != nil {
		return cfg, usageError("--net-egress: %v", err)
	}
	cfg.PCAP = c.String("pcap")
	return cfg, nil
}
