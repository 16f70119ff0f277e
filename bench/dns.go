//go:build linux

package main

import (
	"net"
	"net/netip"
	"sync/atomic"

	"github.com/rvemu/rvemu/usernet"
)

// The benchmark's resolver: inside the sealed namespace QEMU's slirp sends
// the guest's query for 10.0.2.3 to the host's resolver, which the
// namespace's resolv.conf names as 127.0.0.1:53, served here from a table
// with the resolver rvemu's own network uses (usernet.DNSTable). It never
// forwards anything anywhere.

// dnsServer answers on a loopback address from a table.
type dnsServer struct {
	conn    *net.UDPConn
	queries atomic.Int64
	done    chan struct{}
}

func startDNS(addr netip.AddrPort, table usernet.DNSTable) (*dnsServer, error) {
	conn, err := net.ListenUDP("udp4", net.UDPAddrFromAddrPort(addr))
	if err != nil {
		return nil, err
	}
	s := &dnsServer{conn: conn, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		buf := make([]byte, 1500)
		for {
			n, from, err := conn.ReadFromUDPAddrPort(buf)
			if err != nil {
				return // closed
			}
			if !from.Addr().Unmap().IsLoopback() {
				continue
			}
			if reply, ok := table.Answer(buf[:n]); ok {
				s.queries.Add(1)
				conn.WriteToUDPAddrPort(reply, from)
			}
		}
	}()
	return s, nil
}

func (s *dnsServer) addr() netip.AddrPort {
	return s.conn.LocalAddr().(*net.UDPAddr).AddrPort()
}

func (s *dnsServer) Close() {
	s.conn.Close()
	<-s.done
}
