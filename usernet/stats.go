package usernet

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Reasons a frame or datagram is dropped. Every drop is counted under one.
const (
	dropMalformed   dropReason = "malformed"
	dropIPChecksum  dropReason = "ip-checksum"
	dropUDPChecksum dropReason = "udp-checksum"
	dropFragment    dropReason = "fragment"
	dropEgress      dropReason = "egress"      // destination not allowed by policy
	dropNoService   dropReason = "no-service"  // 10.0.2.x address/port nobody serves
	dropUnsupported dropReason = "unsupported" // protocol this network does not carry
	dropHostQueue   dropReason = "host-queue"  // host datagrams arrived faster than the guest took them
	dropARPTimeout  dropReason = "arp-timeout" // the guest never answered who-has
	dropHostSend    dropReason = "host-send"   // the host socket refused the datagram
	dropNATRate     dropReason = "nat-rate"    // a new flow beyond NATRate a second
	dropTooBig      dropReason = "too-big"     // payload over MaxDatagram (we never fragment)
)

// Stats counts frames each way and drops by reason. Safe for concurrent use:
// socket readers count queue drops from their goroutines.
type Stats struct {
	mu        sync.Mutex
	fromGuest uint64
	toGuest   uint64
	hostSent  uint64
	drops     map[dropReason]uint64

	dnsAnswered uint64 // queries answered from the table (none ever leaves)
	natOpened   uint64 // host sockets opened for guest flows
	natEvicted  uint64 // flows closed because the table was full
	natExpired  uint64 // flows closed after NATIdle
	natPeak     uint64 // most flows open at once
	fwdReceived uint64 // datagrams read from hostfwd sockets
}

func (s *Stats) add(f func()) {
	s.mu.Lock()
	f()
	s.mu.Unlock()
}

func (s *Stats) drop(r dropReason) {
	s.add(func() {
		if s.drops == nil {
			s.drops = map[dropReason]uint64{}
		}
		s.drops[r]++
	})
}

// Snapshot is a copy of the counters.
type Snapshot struct {
	FromGuest, ToGuest uint64            // frames
	HostSent           uint64            // datagrams written to host sockets
	Drops              map[string]uint64 // by reason
	DNSAnswered        uint64            // DNS queries answered inside
	// The NAT table: flows opened, evicted (table full), expired (idle),
	// and the most open at once.
	NATOpened, NATEvicted, NATExpired, NATPeak uint64
	FwdReceived                                uint64 // datagrams in through hostfwd ports
}

func (s *Stats) snapshot() Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := Snapshot{FromGuest: s.fromGuest, ToGuest: s.toGuest, HostSent: s.hostSent, Drops: map[string]uint64{},
		DNSAnswered: s.dnsAnswered, NATOpened: s.natOpened, NATEvicted: s.natEvicted, NATExpired: s.natExpired, NATPeak: s.natPeak,
		FwdReceived: s.fwdReceived}
	for r, n := range s.drops {
		out.Drops[string(r)] = n
	}
	return out
}

// String is the one-line exit summary.
func (s Snapshot) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "usernet: %d frames from guest, %d to guest, %d datagrams to host", s.FromGuest, s.ToGuest, s.HostSent)
	reasons := make([]string, 0, len(s.Drops))
	for r := range s.Drops {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	for i, r := range reasons {
		sep := ", "
		if i == 0 {
			sep = "; dropped: "
		}
		fmt.Fprintf(&b, "%s%s %d", sep, r, s.Drops[r])
	}
	fmt.Fprintf(&b, "; dns: %d answered inside; nat: %d flows opened, %d evicted, %d expired, peak %d; hostfwd: %d datagrams in",
		s.DNSAnswered, s.NATOpened, s.NATEvicted, s.NATExpired, s.NATPeak, s.FwdReceived)
	return b.String()
}
