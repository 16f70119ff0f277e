package main

import (
	"encoding/binary"
	"net"
	"net/netip"
	"strings"
	"sync/atomic"
)

// The benchmark's resolver: inside the sealed namespace QEMU's slirp sends
// the guest's query for 10.0.2.3 to the host's resolver, which the
// namespace's resolv.conf names as 127.0.0.1:53, served here from a local
// table. It never forwards anything anywhere.

// labDNS is the one name the lab's DNS test asks for.
var labDNS = map[string]netip.Addr{"pdos.csail.mit.edu": netip.MustParseAddr("128.52.129.126")}

const (
	dnsHeaderLen = 12
	dnsTypeA     = 1
	dnsClassIN   = 1
	rcodeFormErr = 1
	rcodeNXName  = 3
)

// answerDNS builds the reply to one query: an A record from table for the
// first question, NXDOMAIN for other names or types, FORMERR for a query it
// cannot parse. ok=false: not a query at all (no reply).
func answerDNS(q []byte, table map[string]netip.Addr) (reply []byte, ok bool) {
	if len(q) < dnsHeaderLen || q[2]&0x80 != 0 { // too short, or a response
		return nil, false
	}
	reply = make([]byte, dnsHeaderLen, 512)
	copy(reply, q[:4])          // id, flags
	reply[2] = 0x80 | q[2]&0x79 // QR, keep opcode and RD
	reply[3] = 0x80             // RA
	name, end, ok := dnsName(q, dnsHeaderLen)
	if binary.BigEndian.Uint16(q[4:]) == 0 || !ok || end+4 > len(q) {
		reply[3] |= rcodeFormErr
		return reply, true
	}
	qtype, qclass := binary.BigEndian.Uint16(q[end:]), binary.BigEndian.Uint16(q[end+2:])
	binary.BigEndian.PutUint16(reply[4:], 1) // the one question, echoed
	reply = append(reply, q[dnsHeaderLen:end+4]...)
	addr, known := table[strings.ToLower(name)]
	if !known || qtype != dnsTypeA || qclass != dnsClassIN || !addr.Is4() {
		reply[3] |= rcodeNXName
		return reply, true
	}
	binary.BigEndian.PutUint16(reply[6:], 1)                 // one answer
	reply = append(reply, 0xC0, dnsHeaderLen)                // name: pointer to the question's
	reply = binary.BigEndian.AppendUint16(reply, dnsTypeA)   // type
	reply = binary.BigEndian.AppendUint16(reply, dnsClassIN) // class
	reply = binary.BigEndian.AppendUint32(reply, 60)         // TTL
	reply = binary.BigEndian.AppendUint16(reply, 4)          // rdlength
	a := addr.As4()
	return append(reply, a[:]...), true
}

// dnsName reads the uncompressed name at off: the dotted name (no final
// dot) and the offset after it.
func dnsName(msg []byte, off int) (string, int, bool) {
	var labels []string
	for {
		if off >= len(msg) {
			return "", 0, false
		}
		n := int(msg[off])
		off++
		if n == 0 {
			return strings.Join(labels, "."), off, len(labels) > 0
		}
		if n > 63 || off+n > len(msg) { // compression pointers never start a query's name
			return "", 0, false
		}
		labels = append(labels, string(msg[off:off+n]))
		off += n
	}
}

// dnsServer answers on a loopback address from a table.
type dnsServer struct {
	conn    *net.UDPConn
	queries atomic.Int64
	done    chan struct{}
}

func startDNS(addr netip.AddrPort, table map[string]netip.Addr) (*dnsServer, error) {
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
			if reply, ok := answerDNS(buf[:n], table); ok {
				s.queries.Add(1)
				conn.WriteToUDPAddrPort(reply, from)
			}
		}
	}()
	return s, nil
}

func (s *dnsServer) Close() {
	s.conn.Close()
	<-s.done
}
