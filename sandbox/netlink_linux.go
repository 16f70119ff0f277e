package sandbox

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The init's view of the network namespace: loopback brought up, an extra
// address on it when asked, and a check that nothing else is there. It
// speaks to the kernel directly (an ioctl and one netlink request), so the
// sandbox needs no iproute2.

// loopbackUp sets IFF_UP on lo.
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("socket: %w", err)
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return fmt.Errorf("lo: reading flags: %w", err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("lo: setting it up: %w", err)
	}
	return nil
}

// onlyLoopback fails unless lo is the namespace's one interface.
func onlyLoopback() error {
	ifs, err := net.Interfaces()
	if err != nil {
		return err
	}
	var names []string
	for _, i := range ifs {
		names = append(names, i.Name)
	}
	if len(names) != 1 || names[0] != "lo" {
		return fmt.Errorf("the network namespace holds %v, not only lo", names)
	}
	return nil
}

// addLoopbackAddress puts addr/32 on lo (RTM_NEWADDR), so that packets
// for addr stay on this namespace's loopback.
func addLoopbackAddress(addr netip.Addr) error {
	lo, err := net.InterfaceByName("lo")
	if err != nil {
		return err
	}
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		return fmt.Errorf("netlink socket: %w", err)
	}
	defer unix.Close(fd)
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return fmt.Errorf("netlink bind: %w", err)
	}
	a := addr.As4()
	msg := newAddrRequest(uint32(lo.Index), a)
	if err := unix.Sendto(fd, msg, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return fmt.Errorf("netlink send: %w", err)
	}
	buf := make([]byte, 4096)
	n, _, err := unix.Recvfrom(fd, buf, 0)
	if err != nil {
		return fmt.Errorf("netlink receive: %w", err)
	}
	return netlinkAck(buf[:n])
}

// newAddrRequest is an RTM_NEWADDR message: header, ifaddrmsg, then the
// IFA_LOCAL and IFA_ADDRESS attributes.
func newAddrRequest(index uint32, a [4]byte) []byte {
	const attrLen = unix.SizeofRtAttr + 4
	size := unix.SizeofNlMsghdr + unix.SizeofIfAddrmsg + 2*attrLen
	b := make([]byte, size)
	ne := binary.NativeEndian
	ne.PutUint32(b[0:], uint32(size))
	ne.PutUint16(b[4:], unix.RTM_NEWADDR)
	ne.PutUint16(b[6:], unix.NLM_F_REQUEST|unix.NLM_F_ACK|unix.NLM_F_CREATE|unix.NLM_F_REPLACE)
	ne.PutUint32(b[8:], 1) // sequence
	ifa := b[unix.SizeofNlMsghdr:]
	ifa[0] = unix.AF_INET
	ifa[1] = 32 // prefix length
	ifa[3] = unix.RT_SCOPE_HOST
	ne.PutUint32(ifa[4:], index)
	attr := ifa[unix.SizeofIfAddrmsg:]
	for _, typ := range []uint16{unix.IFA_LOCAL, unix.IFA_ADDRESS} {
		ne.PutUint16(attr[0:], attrLen)
		ne.PutUint16(attr[2:], typ)
		copy(attr[unix.SizeofRtAttr:], a[:])
		attr = attr[attrLen:]
	}
	return b
}

// netlinkAck reads the kernel's NLMSG_ERROR answer (error 0 is success).
func netlinkAck(b []byte) error {
	if len(b) < unix.SizeofNlMsghdr+4 {
		return fmt.Errorf("netlink: short answer (%d bytes)", len(b))
	}
	h := (*unix.NlMsghdr)(unsafe.Pointer(&b[0]))
	if h.Type != unix.NLMSG_ERROR {
		return fmt.Errorf("netlink: answer of type %d, want an acknowledgement", h.Type)
	}
	if errno := int32(binary.NativeEndian.Uint32(b[unix.SizeofNlMsghdr:])); errno != 0 {
		return fmt.Errorf("netlink: %w", unix.Errno(-errno))
	}
	return nil
}
