package class

import (
	"encoding/binary"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/rvemu/rvemu/internal/wire"
	"github.com/rvemu/rvemu/pcap"
)

// The net lab's Makefile dumps every frame to a capture (packets.pcap).
// The gradebook lists where a guest tried to send outside the lab's
// network: any IPv4 packet to an address off 10.0.2.0/24, other than the
// DNS test's query to 8.8.8.8:53. None of it left the machine (the grade's
// namespace holds only loopback, and rvemu sends nothing off it anyway);
// the list says what the kernel tried.

var (
	labNetwork = netip.MustParsePrefix("10.0.2.0/24")
	labDNS     = netip.MustParseAddrPort("8.8.8.8:53")
)

// maxDestinations listed per submission.
const maxDestinations = 8

// offLabDestinations reads the captures under dir (two levels deep) and
// lists the destinations outside the lab's network, "UDP 1.2.3.4:9".
func offLabDestinations(dir string) []string {
	seen := map[string]bool{}
	for _, p := range captures(dir) {
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		pcap.ReadFrames(f, func(frame []byte) error {
			if d := offLab(frame); d != "" {
				seen[d] = true
			}
			return nil
		})
		f.Close()
	}
	var out []string
	for d := range seen {
		out = append(out, d)
	}
	sort.Strings(out)
	if len(out) > maxDestinations {
		out = append(out[:maxDestinations], fmt.Sprintf("and %d more", len(out)-maxDestinations))
	}
	return out
}

func captures(dir string) []string {
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && p != dir && strings.Count(strings.TrimPrefix(p, dir), string(filepath.Separator)) > 2 {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".pcap") {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// offLab describes frame's destination if it is an IPv4 packet leaving the
// lab's network, else "".
func offLab(frame []byte) string {
	if len(frame) < wire.EtherHeaderLen+wire.IPv4HeaderLen || wire.Ethernet(frame).Type() != wire.EtherTypeIPv4 {
		return ""
	}
	ip := wire.IPv4(wire.Ethernet(frame).Payload())
	if ip.Version() != 4 || ip.HeaderLen() < wire.IPv4HeaderLen || len(ip) < ip.HeaderLen() {
		return ""
	}
	dst := ip.Dst()
	if labNetwork.Contains(dst) || dst.IsMulticast() || dst == netip.AddrFrom4([4]byte{255, 255, 255, 255}) {
		return ""
	}
	l4 := []byte(ip)[ip.HeaderLen():]
	switch ip.Protocol() {
	case wire.ProtoUDP, wire.ProtoTCP:
		if len(l4) < 4 {
			return ""
		}
		port := binary.BigEndian.Uint16(l4[2:])
		ap := netip.AddrPortFrom(dst, port)
		if ip.Protocol() == wire.ProtoUDP && ap == labDNS {
			return ""
		}
		if ip.Protocol() == wire.ProtoTCP {
			return "TCP " + ap.String()
		}
		return "UDP " + ap.String()
	case wire.ProtoICMP:
		return "ICMP " + dst.String()
	}
	return fmt.Sprintf("IP protocol %d to %s", ip.Protocol(), dst)
}
