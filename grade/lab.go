// Package grade runs an xv6 network lab's grading session offline: it
// plays the lab's host side on 127.0.0.1, drives the guest console like the
// lab's grader (wait for the prompt, type the command, wait for the next
// prompt) and scores the transcript with the lab's patterns and points.
package grade

import (
	"fmt"
	"net/netip"
	"regexp"
	"sort"
	"strings"

	"github.com/rvemu/rvemu/usernet"
)

// Source says which transcript a test's pattern is matched against.
type Source int

const (
	// FromConsole: the guest's console output after the command was typed.
	FromConsole Source = iota
	// FromHost: what the host side reported (2024's "txone: OK" is seen
	// by the host script, not printed by the guest).
	FromHost
	// FromTimeFile: the lab's time.txt (hours spent, one integer).
	FromTimeFile
)

// Test is one graded line of a lab.
type Test struct {
	Name    string
	Points  int
	Pattern *regexp.Regexp
	Source  Source
}

// HostMode selects how the host-side UDP server answers.
type HostMode int

const (
	// HostReply answers every datagram with "this is the host!" (2020/21).
	HostReply HostMode = iota
	// HostEcho sends every datagram back unchanged (2019).
	HostEcho
	// HostTxOneThenEcho expects "txone" first, then sends "rxone" to the
	// second forwarded port and reflects everything else (2024 grade).
	HostTxOneThenEcho
	// HostAuto decides per datagram, for --lab auto: the 2020 ping message
	// gets the 2020 reply, a first "txone" starts the 2024 sequence, and
	// anything else is echoed (2019 and 2024 pings).
	HostAuto
)

// Lab is what differs between the lab generations.
type Lab struct {
	Name    string // "2019", "2020", "2024", "auto"
	Command string // typed at the first prompt
	Harts   int
	Legacy  bool // the kernel drives legacy virtio-mmio (before 2022)
	Host    HostMode
	// GuestPorts are the guest UDP ports the host forwards to, in order:
	// Ports.Forward[i] -> GuestPorts[i].
	GuestPorts []uint16
	// DNS answers the lab's DNS test offline, inside the emulator.
	DNS   map[string]netip.Addr
	Tests []Test
}

// Total is the lab's maximum score.
func (l *Lab) Total() int {
	n := 0
	for _, t := range l.Tests {
		n += t.Points
	}
	return n
}

// labDNS is what every lab generation's DNS test looks up (the table
// usernet defines).
func labDNS() map[string]netip.Addr { return usernet.LabDNS() }

// line matches a whole console line (the grader's '^...$' in multiline mode).
func line(s string) *regexp.Regexp { return regexp.MustCompile(`(?m)^` + s + `$`) }

// anywhere matches the text inside a line (the grader's unanchored match).
func anywhere(s string) *regexp.Regexp { return regexp.MustCompile(`(?m)` + s) }

var timePattern = regexp.MustCompile(`^\s*\d+\s*$`)

func timeTest() Test {
	return Test{Name: "time", Points: 1, Pattern: timePattern, Source: FromTimeFile}
}

// Lab2019 is the 2019 (6.828/6.S081 fall 2019) net lab: nettests pings an
// echo server with "hello world!".
func Lab2019() *Lab {
	return &Lab{
		Name: "2019", Command: "nettests", Harts: 1, Legacy: true, Host: HostEcho,
		GuestPorts: []uint16{2000}, DNS: labDNS(),
		Tests: []Test{
			{Name: "nettest: one ping", Points: 40, Pattern: line(`testing one ping: OK`)},
			{Name: "nettest: single process", Points: 30, Pattern: line(`testing single-process pings: OK`)},
			{Name: "nettest: multi-process", Points: 29, Pattern: line(`testing multi-process pings: OK`)},
			timeTest(),
		},
	}
}

// Lab2020 is the 2020/2021 net lab (and our own kernel): nettests pings the
// host server ("this is the host!"), then asks 8.8.8.8, which rvemu never forwards:
// it answers the query for pdos.csail.mit.edu itself.
func Lab2020() *Lab {
	return &Lab{
		Name: "2020", Command: "nettests", Harts: 3, Legacy: true, Host: HostReply,
		GuestPorts: []uint16{2000}, DNS: labDNS(),
		Tests: []Test{
			{Name: "nettest: ping", Points: 40, Pattern: line(`testing ping: OK`)},
			{Name: "nettest: single process", Points: 20, Pattern: line(`testing single-process pings: OK`)},
			{Name: "nettest: multi-process", Points: 20, Pattern: line(`testing multi-process pings: OK`)},
			{Name: "nettest: DNS", Points: 19, Pattern: line(`DNS OK`)},
			timeTest(),
		},
	}
}

// Lab2022 is the 2022/2023 net lab (6.1810): the 2020 tests, points and
// host server, on a kernel that drives the modern virtio-mmio interface
// (read from the public trees 9501sam/xv6-labs-2022 and
// OccupyMars2025/xv6-labs-2023, branch net: grade-lab-net, server.py,
// user/nettests.c and the Makefile's -global virtio-mmio.force-legacy=false).
func Lab2022() *Lab {
	l := Lab2020()
	l.Name, l.Legacy = "2022", false
	return l
}

// Lab2024 is the 2024/2025 net lab: "nettest grade" against the host
// script's txone / rxone / ping reflector sequence.
func Lab2024() *Lab {
	return &Lab{
		Name: "2024", Command: "nettest grade", Harts: 3, Legacy: false, Host: HostTxOneThenEcho,
		GuestPorts: []uint16{2000, 2001}, DNS: labDNS(),
		Tests: []Test{
			{Name: "nettest: txone", Points: 20, Pattern: line(`txone: OK`), Source: FromHost},
			{Name: "nettest: arp_rx", Points: 20, Pattern: anywhere(`arp_rx: received an ARP packet`)},
			{Name: "nettest: ip_rx", Points: 20, Pattern: anywhere(`ip_rx: received an IP packet`)},
			{Name: "nettest: ping0", Points: 20, Pattern: line(`ping0: OK`)},
			{Name: "nettest: ping1", Points: 20, Pattern: line(`ping1: OK`)},
			{Name: "nettest: ping2", Points: 20, Pattern: line(`ping2: OK`)},
			{Name: "nettest: ping3", Points: 30, Pattern: line(`ping3: OK`)},
			{Name: "nettest: dns", Points: 10, Pattern: line(`dns: OK`)},
			{Name: "nettest: free", Points: 10, Pattern: line(`free: OK`)},
			timeTest(),
		},
	}
}

// LabAuto boots with the union of the labs' host sides and picks the lab
// from what the guest prints (see Session).
func LabAuto() *Lab {
	l := Lab2020()
	l.Name, l.Host, l.GuestPorts = "auto", HostAuto, []uint16{2000, 2001}
	l.Tests = nil
	return l
}

var labs = map[string]func() *Lab{
	"2019": Lab2019, "2020": Lab2020, "2021": Lab2020, "2022": Lab2022, "2023": Lab2022,
	"2024": Lab2024, "2025": Lab2024, "auto": LabAuto,
}

// LabNames lists the accepted --lab values.
func LabNames() []string {
	names := make([]string, 0, len(labs))
	for n := range labs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// LabByName returns a fresh profile for a --lab value.
func LabByName(name string) (*Lab, error) {
	mk, ok := labs[name]
	if !ok {
		return nil, fmt.Errorf("lab %q: want one of %s", name, strings.Join(LabNames(), ", "))
	}
	return mk(), nil
}
