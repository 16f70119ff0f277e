// Package framefmt describes an Ethernet frame in one line for --trace net:
// ARP who-has/is-at/announce, IPv4 addresses and protocol, UDP ports and length,
// ICMP type, and DNS queries and answers (names and addresses), the way a
// lab student reads a capture. It never panics: every field is bounds-
// checked, and what cannot be decoded is shown as such ("truncated").
package framefmt

import (
	"fmt"
	"net"
	"net/netip"
	"strings"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/rvemu/rvemu/internal/wire"
)

// dnsPort marks the UDP datagrams decoded as DNS.
const dnsPort = 53

// Format describes frame (an Ethernet frame without FCS) in one line.
func Format(frame []byte) string {
	if len(frame) < wire.EtherHeaderLen {
		return fmt.Sprintf("runt frame of %d bytes", len(frame))
	}
	f := wire.Ethernet(frame)
	var b strings.Builder
	fmt.Fprintf(&b, "%v > %v ", net.HardwareAddr(frame[6:12]), net.HardwareAddr(frame[0:6]))
	switch t := f.Type(); t {
	case wire.EtherTypeARP:
		b.WriteString(formatARP(f.Payload()))
	case wire.EtherTypeIPv4:
		b.WriteString(formatIPv4(f.Payload()))
	case wire.EtherTypeIPv6:
		b.WriteString("IPv6")
	default:
		fmt.Fprintf(&b, "ethertype %#04x", t)
	}
	return b.String()
}

// formatARP: Ethernet/IPv4 ARP only (hardware type 1, protocol 0x0800).
func formatARP(p []byte) string {
	a, err := wire.ParseARP(p)
	switch err {
	case nil:
	case wire.ErrTruncated:
		return "ARP truncated"
	default:
		return "ARP (not Ethernet/IPv4)"
	}
	sha := net.HardwareAddr(a.SenderMAC[:])
	switch a.Op {
	case wire.ARPRequest:
		if a.SenderIP == a.TargetIP { // gratuitous: a host telling the link its own address
			return fmt.Sprintf("ARP announce %v is-at %v", a.SenderIP, sha)
		}
		return fmt.Sprintf("ARP who-has %v tell %v", a.TargetIP, a.SenderIP)
	case wire.ARPReply:
		return fmt.Sprintf("ARP %v is-at %v", a.SenderIP, sha)
	default:
		return fmt.Sprintf("ARP op %d", a.Op)
	}
}

func formatIPv4(b []byte) string {
	p := wire.IPv4(b)
	if len(p) < wire.IPv4HeaderLen || p.Version() != 4 {
		return "IPv4 truncated"
	}
	ihl, total := p.HeaderLen(), p.TotalLen()
	if ihl < wire.IPv4HeaderLen || total < ihl || len(p) < ihl {
		return fmt.Sprintf("IPv4 bad header (ihl %d, length %d)", ihl, total)
	}
	s := fmt.Sprintf("IPv4 %v -> %v", p.Src(), p.Dst())
	if p.IsFragment() {
		return s + fmt.Sprintf(" proto %d fragment offset %d", p.Protocol(), p.FragmentOffset())
	}
	body := p.Payload() // cut short when the frame is: shown as truncated below
	switch p.Protocol() {
	case wire.ProtoUDP:
		return s + " " + formatUDP(body)
	case wire.ProtoICMP:
		return s + " " + formatICMP(body)
	case wire.ProtoTCP:
		return s + " TCP"
	}
	return s + fmt.Sprintf(" proto %d", p.Protocol())
}

func formatUDP(b []byte) string {
	u := wire.UDP(b)
	if len(u) < wire.UDPHeaderLen {
		return "UDP truncated"
	}
	s := fmt.Sprintf("UDP %d -> %d len %d", u.SrcPort(), u.DstPort(), u.Length())
	if !u.Valid() {
		return s + " (truncated)"
	}
	if u.SrcPort() == dnsPort || u.DstPort() == dnsPort {
		s += " " + formatDNS(u.Payload())
	}
	return s
}

var icmpNames = map[uint8]string{
	wire.ICMPEchoReply: "echo reply", wire.ICMPUnreachable: "unreachable",
	wire.ICMPEchoRequest: "echo request", wire.ICMPTimeExceeded: "time exceeded",
}

func formatICMP(b []byte) string {
	if len(b) < 4 {
		return "ICMP truncated"
	}
	m := wire.ICMP(b)
	name := icmpNames[m.Type()]
	if name == "" {
		name = "type " + fmt.Sprint(m.Type())
	}
	return fmt.Sprintf("ICMP %s code %d", name, m.Code())
}

// DNS record types shown by name.
var dnsTypes = map[dnsmessage.Type]string{
	dnsmessage.TypeA: "A", dnsmessage.TypeNS: "NS", dnsmessage.TypeCNAME: "CNAME", dnsmessage.TypePTR: "PTR",
	dnsmessage.TypeMX: "MX", dnsmessage.TypeTXT: "TXT", dnsmessage.TypeAAAA: "AAAA",
}

func dnsType(t dnsmessage.Type) string {
	if n, ok := dnsTypes[t]; ok {
		return n
	}
	return fmt.Sprintf("type%d", t)
}

// maxRecords bounds the questions and answers one line shows.
const maxRecords = 4

// formatDNS shows the header, the questions and the answers; a message
// that stops making sense ends the line with "(truncated)".
func formatDNS(msg []byte) string {
	var p dnsmessage.Parser
	h, err := p.Start(msg)
	if err != nil {
		return "DNS truncated"
	}
	var b strings.Builder
	if !h.Response {
		fmt.Fprintf(&b, "DNS query id %#04x", h.ID)
	} else {
		fmt.Fprintf(&b, "DNS answer id %#04x rcode %d", h.ID, int(h.RCode))
	}
	for i := 0; ; i++ {
		q, err := p.Question()
		if err == dnsmessage.ErrSectionDone {
			break
		}
		if i == maxRecords {
			return b.String() + " ..."
		}
		if err != nil {
			return b.String() + " (truncated)"
		}
		fmt.Fprintf(&b, " %s %s?", dnsType(q.Type), printable(q.Name))
	}
	for i := 0; ; i++ {
		r, err := p.AnswerHeader()
		if err == dnsmessage.ErrSectionDone {
			break
		}
		if i == maxRecords {
			b.WriteString(" ...")
			break
		}
		if err != nil {
			return b.String() + " (truncated)"
		}
		s, err := formatAnswer(&p, r)
		if err != nil {
			return b.String() + " (truncated)"
		}
		b.WriteString(s)
	}
	return b.String()
}

// formatAnswer shows one answer whose header p has just read, and moves
// past its data.
func formatAnswer(p *dnsmessage.Parser, r dnsmessage.ResourceHeader) (string, error) {
	name := printable(r.Name)
	switch {
	case r.Type == dnsmessage.TypeA && r.Length == 4:
		a, err := p.AResource()
		return fmt.Sprintf(" %s A %v", name, netip.AddrFrom4(a.A)), err
	case r.Type == dnsmessage.TypeAAAA && r.Length == 16:
		a, err := p.AAAAResource()
		return fmt.Sprintf(" %s AAAA %v", name, netip.AddrFrom16(a.AAAA)), err
	case r.Type == dnsmessage.TypeCNAME:
		target := "?"
		if c, err := p.CNAMEResource(); err == nil {
			target = printable(c.CNAME)
		} else if err := p.SkipAnswer(); err != nil {
			return "", err
		}
		return fmt.Sprintf(" %s CNAME %s", name, target), nil
	}
	return fmt.Sprintf(" %s %s (%d bytes)", name, dnsType(r.Type), r.Length), p.SkipAnswer()
}

// printable is a name as text, bytes outside printable ASCII escaped as
// \DDD: a trace line must not carry control characters.
func printable(n dnsmessage.Name) string {
	var b strings.Builder
	for _, c := range []byte(n.String()) {
		if c > ' ' && c < 0x7F {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "\\%03d", c)
		}
	}
	return b.String()
}
