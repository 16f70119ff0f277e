package usernet

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// HostFwd forwards datagrams arriving at a host UDP port to a guest port,
// QEMU's hostfwd=udp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT.
type HostFwd struct {
	HostAddr  netip.Addr // 127.0.0.1 unless given
	HostPort  uint16
	GuestAddr netip.Addr // parsed for QEMU compatibility; the guest is always GuestIP
	GuestPort uint16
}

func (h HostFwd) String() string {
	return fmt.Sprintf("udp:%s:%d-%s:%d", h.HostAddr, h.HostPort, h.GuestAddr, h.GuestPort)
}

// ParseHostFwd reads QEMU's hostfwd syntax, with or without the leading
// "hostfwd=". Only UDP is carried by this network.
func ParseHostFwd(s string) (HostFwd, error) {
	spec := strings.TrimPrefix(s, "hostfwd=")
	proto, rest, ok := strings.Cut(spec, ":")
	if !ok {
		return HostFwd{}, fmt.Errorf("hostfwd %q: want udp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT", s)
	}
	if proto != "udp" {
		return HostFwd{}, fmt.Errorf("hostfwd %q: only udp is supported", s)
	}
	hostPart, guestPart, ok := strings.Cut(rest, "-")
	if !ok {
		return HostFwd{}, fmt.Errorf("hostfwd %q: missing '-' between host and guest", s)
	}
	var h HostFwd
	var err error
	if h.HostAddr, h.HostPort, err = parseEndpoint(hostPart, Loopback); err != nil {
		return HostFwd{}, fmt.Errorf("hostfwd %q: host side: %w", s, err)
	}
	if h.GuestAddr, h.GuestPort, err = parseEndpoint(guestPart, GuestIP); err != nil {
		return HostFwd{}, fmt.Errorf("hostfwd %q: guest side: %w", s, err)
	}
	if h.GuestPort == 0 {
		return HostFwd{}, fmt.Errorf("hostfwd %q: guest port must not be 0", s)
	}
	return h, nil
}

// parseEndpoint reads "[ADDR]:PORT"; an empty address means def.
func parseEndpoint(s string, def netip.Addr) (netip.Addr, uint16, error) {
	i := strings.LastIndex(s, ":")
	if i < 0 {
		return netip.Addr{}, 0, fmt.Errorf("%q: want [ADDR]:PORT", s)
	}
	addr := def
	if a := s[:i]; a != "" {
		var err error
		if addr, err = netip.ParseAddr(a); err != nil || !addr.Is4() {
			return netip.Addr{}, 0, fmt.Errorf("%q: not an IPv4 address", a)
		}
	}
	port, err := strconv.ParseUint(s[i+1:], 10, 16)
	if err != nil {
		return netip.Addr{}, 0, fmt.Errorf("%q: bad port", s[i+1:])
	}
	return addr, uint16(port), nil
}
