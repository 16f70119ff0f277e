// Package framefmt describes an Ethernet frame in one line for --trace net:
// ARP who-has/is-at/announce, IPv4 addresses and protocol, UDP ports and length,
// ICMP type, and DNS queries and answers (names and addresses), the way a
// lab student reads a capture. It never panics: every field is bounds-
// checked, and what cannot be decoded is shown as such ("truncated").
package framefmt

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// EtherTypes and IP protocols decoded here.
const (
	etherIPv4 = 0x0800
	etherARP  = 0x0806
	etherIPv6 = 0x86DD
	protoICMP = 1
	protoTCP  = 6
	protoUDP  = 17
	dnsPort   = 53
)

// Format describes frame (an Ethernet frame without FCS) in one line.
func Format(frame []byte) string {
	if len(frame) < 14 {
		return fmt.Sprintf("runt frame of %d bytes", len(frame))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%v > %v ", net.HardwareAddr(frame[6:12]), net.HardwareAddr(frame[0:6]))
	payload := frame[14:]
	switch t := binary.BigEndian.Uint16(frame[12:]); t {
	case etherARP:
		b.WriteString(formatARP(payload))
	case etherIPv4:
		b.WriteString(formatIPv4(payload))
	case etherIPv6:
		b.WriteString("IPv6")
	default:
		fmt.Fprintf(&b, "ethertype %#04x", t)
	}
	return b.String()
}

func ip4(b []byte) netip.Addr { return netip.AddrFrom4([4]byte(b[:4])) }

// formatARP: Ethernet/IPv4 ARP only (hardware type 1, protocol 0x0800).
func formatARP(p []byte) string {
	if len(p) < 28 {
		return "ARP truncated"
	}
	if binary.BigEndian.Uint16(p[0:]) != 1 || binary.BigEndian.Uint16(p[2:]) != etherIPv4 || p[4] != 6 || p[5] != 4 {
		return "ARP (not Ethernet/IPv4)"
	}
	sha, spa, tpa := net.HardwareAddr(p[8:14]), ip4(p[14:18]), ip4(p[24:28])
	switch op := binary.BigEndian.Uint16(p[6:]); op {
	case 1:
		if spa == tpa { // gratuitous: a host telling the link its own address
			return fmt.Sprintf("ARP announce %v is-at %v", spa, sha)
		}
		return fmt.Sprintf("ARP who-has %v tell %v", tpa, spa)
	case 2:
		return fmt.Sprintf("ARP %v is-at %v", spa, sha)
	default:
		return fmt.Sprintf("ARP op %d", op)
	}
}

func formatIPv4(p []byte) string {
	if len(p) < 20 || p[0]>>4 != 4 {
		return "IPv4 truncated"
	}
	ihl := int(p[0]&0xF) * 4
	total := int(binary.BigEndian.Uint16(p[2:]))
	if ihl < 20 || total < ihl || len(p) < ihl {
		return fmt.Sprintf("IPv4 bad header (ihl %d, length %d)", ihl, total)
	}
	if total > len(p) {
		total = len(p) // shown as truncated below
	}
	src, dst, proto := ip4(p[12:16]), ip4(p[16:20]), p[9]
	s := fmt.Sprintf("IPv4 %v -> %v", src, dst)
	if frag := binary.BigEndian.Uint16(p[6:]); frag&0x3FFF != 0 {
		return s + fmt.Sprintf(" proto %d fragment offset %d", proto, int(frag&0x1FFF)*8)
	}
	body := p[ihl:total]
	switch proto {
	case protoUDP:
		return s + " " + formatUDP(body)
	case protoICMP:
		return s + " " + formatICMP(body)
	case protoTCP:
		return s + " TCP"
	}
	return s + fmt.Sprintf(" proto %d", proto)
}

func formatUDP(p []byte) string {
	if len(p) < 8 {
		return "UDP truncated"
	}
	sport, dport := binary.BigEndian.Uint16(p[0:]), binary.BigEndian.Uint16(p[2:])
	length := int(binary.BigEndian.Uint16(p[4:]))
	s := fmt.Sprintf("UDP %d -> %d len %d", sport, dport, length)
	if length < 8 || length > len(p) {
		return s + " (truncated)"
	}
	if sport == dnsPort || dport == dnsPort {
		s += " " + formatDNS(p[8:length])
	}
	return s
}

var icmpNames = map[uint8]string{0: "echo reply", 3: "unreachable", 8: "echo request", 11: "time exceeded"}

func formatICMP(p []byte) string {
	if len(p) < 4 {
		return "ICMP truncated"
	}
	name := icmpNames[p[0]]
	if name == "" {
		name = "type " + fmt.Sprint(p[0])
	}
	return fmt.Sprintf("ICMP %s code %d", name, p[1])
}

// DNS record types shown by name.
var dnsTypes = map[uint16]string{1: "A", 2: "NS", 5: "CNAME", 12: "PTR", 15: "MX", 16: "TXT", 28: "AAAA"}

func dnsType(t uint16) string {
	if n, ok := dnsTypes[t]; ok {
		return n
	}
	return fmt.Sprintf("type%d", t)
}

// maxRecords bounds the answers one line shows.
const maxRecords = 4

func formatDNS(p []byte) string {
	if len(p) < 12 {
		return "DNS truncated"
	}
	id, flags := binary.BigEndian.Uint16(p[0:]), binary.BigEndian.Uint16(p[2:])
	qd, an := int(binary.BigEndian.Uint16(p[4:])), int(binary.BigEndian.Uint16(p[6:]))
	var b strings.Builder
	if flags&0x8000 == 0 {
		fmt.Fprintf(&b, "DNS query id %#04x", id)
	} else {
		fmt.Fprintf(&b, "DNS answer id %#04x rcode %d", id, flags&0xF)
	}
	off := 12
	for i := 0; i < qd && i < maxRecords; i++ {
		name, next, ok := readName(p, off)
		if !ok || next+4 > len(p) {
			return b.String() + " (truncated)"
		}
		fmt.Fprintf(&b, " %s %s?", dnsType(binary.BigEndian.Uint16(p[next:])), name)
		off = next + 4
	}
	if qd > maxRecords {
		return b.String() + " ..."
	}
	for i := 0; i < an; i++ {
		if i == maxRecords {
			b.WriteString(" ...")
			break
		}
		name, next, ok := readName(p, off)
		if !ok || next+10 > len(p) {
			return b.String() + " (truncated)"
		}
		typ := binary.BigEndian.Uint16(p[next:])
		rdlen := int(binary.BigEndian.Uint16(p[next+8:]))
		data := next + 10
		if data+rdlen > len(p) {
			return b.String() + " (truncated)"
		}
		rdata := p[data : data+rdlen]
		switch {
		case typ == 1 && rdlen == 4:
			fmt.Fprintf(&b, " %s A %v", name, ip4(rdata))
		case typ == 28 && rdlen == 16:
			fmt.Fprintf(&b, " %s AAAA %v", name, netip.AddrFrom16([16]byte(rdata)))
		case typ == 5:
			target, _, ok := readName(p, data)
			if !ok {
				target = "?"
			}
			fmt.Fprintf(&b, " %s CNAME %s", name, target)
		default:
			fmt.Fprintf(&b, " %s %s (%d bytes)", name, dnsType(typ), rdlen)
		}
		off = data + rdlen
	}
	return b.String()
}

// readName reads a (possibly compressed) domain name at off and returns it
// with a trailing dot and the offset after it in the message. Pointers
// may only point backwards, so a loop cannot run forever; names are
// bounded at 255 bytes as DNS says.
func readName(msg []byte, off int) (string, int, bool) {
	var b strings.Builder
	next := -1 // where the name ends in the message, after the first pointer
	for jumps := 0; ; {
		if off >= len(msg) {
			return "", 0, false
		}
		l := int(msg[off])
		switch {
		case l == 0:
			if next < 0 {
				next = off + 1
			}
			if b.Len() == 0 {
				b.WriteByte('.')
			}
			return b.String(), next, true
		case l&0xC0 == 0xC0:
			if off+1 >= len(msg) {
				return "", 0, false
			}
			ptr := (l&0x3F)<<8 | int(msg[off+1])
			if next < 0 {
				next = off + 2
			}
			if ptr >= off || jumps > 64 {
				return "", 0, false
			}
			jumps++
			off = ptr
		case l&0xC0 != 0:
			return "", 0, false
		default:
			if off+1+l > len(msg) || b.Len()+l+1 > 255 {
				return "", 0, false
			}
			for _, c := range msg[off+1 : off+1+l] {
				if c > ' ' && c < 0x7F {
					b.WriteByte(c)
				} else {
					fmt.Fprintf(&b, "\\%03d", c)
				}
			}
			b.WriteByte('.')
			off += 1 + l
		}
	}
}
