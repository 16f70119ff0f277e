package usernet

import (
	"bufio"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"

	"golang.org/x/net/dns/dnsmessage"
)

// DNSTable answers A queries from names the user configured; anything else
// is NXDOMAIN. Names are kept lower-case with the trailing dot.
type DNSTable map[string]netip.Addr

// The lab's DNS test, in every course year, asks for LabDNSName and
// checks the answer is LabDNSAddr. It sends the query to 8.8.8.8, and it
// must never leave: the front ends answer it from LabDNS.
const LabDNSName = "pdos.csail.mit.edu"

var LabDNSAddr = netip.MustParseAddr("128.52.129.126")

// LabDNS returns a table holding the lab's name only.
func LabDNS() DNSTable {
	t := DNSTable{}
	t.Add(LabDNSName, LabDNSAddr)
	return t
}

func canonicalName(name string) string {
	name = strings.ToLower(name)
	if !strings.HasSuffix(name, ".") {
		name += "."
	}
	return name
}

// Add maps name to an IPv4 address, replacing an earlier entry.
func (t DNSTable) Add(name string, addr netip.Addr) { t[canonicalName(name)] = addr }

// ParseDNSHost reads a NAME=IP entry (the --dns-host flag) into t.
func (t DNSTable) ParseDNSHost(s string) error {
	name, ip, ok := strings.Cut(s, "=")
	if !ok || name == "" {
		return fmt.Errorf("dns host %q: want NAME=IP", s)
	}
	addr, err := netip.ParseAddr(ip)
	if err != nil || !addr.Is4() {
		return fmt.Errorf("dns host %q: %q is not an IPv4 address", s, ip)
	}
	t.Add(name, addr)
	return nil
}

// LoadHosts adds the IPv4 entries of a hosts(5) file. Entries already in
// the table win, so explicit --dns-host settings override the file.
func (t DNSTable) LoadHosts(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue
		}
		addr, err := netip.ParseAddr(fields[0])
		if err != nil || !addr.Is4() {
			continue
		}
		for _, name := range fields[1:] {
			if _, taken := t[canonicalName(name)]; !taken {
				t.Add(name, addr)
			}
		}
	}
}

// LoadHostsFile is LoadHosts on a path; a missing file adds nothing.
func (t DNSTable) LoadHostsFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return err
	}
	defer f.Close()
	t.LoadHosts(f)
	return nil
}

// Answer builds the response to a DNS query from the table, or ok=false
// for a message that is not a well-formed query (dropped, as a resolver
// would). A known name asked for another type than A has no answers
// (NOERROR); an unknown one is NXDOMAIN.
func (t DNSTable) Answer(query []byte) (resp []byte, ok bool) {
	var p dnsmessage.Parser
	h, err := p.Start(query)
	if err != nil || h.Response {
		return nil, false
	}
	questions, err := p.AllQuestions()
	if err != nil {
		return nil, false
	}
	rh := dnsmessage.Header{
		ID: h.ID, Response: true, OpCode: h.OpCode,
		RecursionDesired: h.RecursionDesired, RecursionAvailable: true,
	}
	var answers []dnsmessage.Resource
	switch {
	case h.OpCode != 0:
		rh.RCode = dnsmessage.RCodeNotImplemented
	case len(questions) != 1:
		rh.RCode = dnsmessage.RCodeFormatError
	default:
		q := questions[0]
		addr, known := t[canonicalName(q.Name.String())]
		switch {
		case !known:
			rh.RCode = dnsmessage.RCodeNameError
		case q.Type == dnsmessage.TypeA && (q.Class == dnsmessage.ClassINET || q.Class == dnsmessage.ClassANY):
			answers = append(answers, dnsmessage.Resource{
				Header: dnsmessage.ResourceHeader{Name: q.Name, Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET, TTL: 60},
				Body:   &dnsmessage.AResource{A: addr.As4()},
			})
		}
		// A known name asked for another type: NOERROR with no answers.
	}
	b := dnsmessage.NewBuilder(make([]byte, 0, 512), rh)
	b.EnableCompression()
	if err := b.StartQuestions(); err != nil {
		return nil, false
	}
	for _, q := range questions {
		if err := b.Question(q); err != nil {
			return nil, false
		}
	}
	if err := b.StartAnswers(); err != nil {
		return nil, false
	}
	for _, a := range answers {
		if err := b.AResource(a.Header, *a.Body.(*dnsmessage.AResource)); err != nil {
			return nil, false
		}
	}
	resp, err = b.Finish()
	return resp, err == nil
}
