//go:build unix

package usernet

import (
	"net/netip"
	"syscall"
)

// direct reads a forwarded socket on the machine loop without blocking.
// The socket's reader goroutine stays parked in Go's poller meanwhile;
// Control, unlike RawConn.Read, does not wait for the read lock that
// goroutine holds.
type direct struct {
	raw  syscall.RawConn
	buf  []byte
	size int
	from syscall.Sockaddr
	err  error
	read func(fd uintptr) // made once: no allocation per call
}

func newDirect(f *forward) *direct {
	raw, err := f.conn.SyscallConn()
	if err != nil {
		return nil
	}
	d := &direct{raw: raw, buf: make([]byte, maxDatagram)}
	d.read = func(fd uintptr) {
		d.size, d.from, d.err = syscall.Recvfrom(int(fd), d.buf, syscall.MSG_DONTWAIT)
	}
	return d
}

// next returns a datagram waiting on the socket, if any.
func (d *direct) next() (payload []byte, src netip.AddrPort, ok bool) {
	if d.raw.Control(d.read) != nil || d.err != nil {
		return nil, netip.AddrPort{}, false
	}
	sa, is4 := d.from.(*syscall.SockaddrInet4)
	if !is4 {
		return nil, netip.AddrPort{}, false
	}
	src = netip.AddrPortFrom(netip.AddrFrom4(sa.Addr), uint16(sa.Port))
	return append([]byte(nil), d.buf[:d.size]...), src, true
}
