package framefmt

import (
	"encoding/hex"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/dns/dnsmessage"

	"github.com/rvemu/rvemu/internal/wire"
)

// Frames captured (--pcap) from our xv6 running nettests on rvemu.
var (
	udpPing     = "ffffffffffff52540012345608004500002f00000000401162ae0a00020f0a00020207d0620b001be7bc61206d6573736167652066726f6d2078763621"
	arpWhoHas   = "ffffffffffff52550a0002020806000108000604000152550a0002020a0002020000000000000a00020f"
	arpAnnounce = "ffffffffffff525400123456080600010800060400015254001234560a00020f0000000000000a00020f"
	arpIsAt     = "52550a000202525400123456080600010800060400025254001234560a00020f52550a0002020a000202000000000000000000000000000000000000"
	udpReply    = "52540012345652550a00020208004500002d00010000401162af0a0002020a00020f620b07d0001935fe746869732069732074686520686f737421"
	dnsQuery    = "ffffffffffff525400123456080045000040006f000040115e200a00020f0808080827100035002cd7ec1aac010000010000000000000470646f7305637361696c036d6974036564750000010001"
	dnsAnswer   = "52540012345652550a0002020800450000500070000040115e0f080808080a00020f00352710003c95491aac818000010001000000000470646f7305637361696c036d6974036564750000010001c00c000100010000003c00048034817e"
)

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

func TestFormatRealFrames(t *testing.T) {
	tests := []struct {
		name, frame, want string
	}{
		{"UDP ping to the host", udpPing,
			"52:54:00:12:34:56 > ff:ff:ff:ff:ff:ff IPv4 10.0.2.15 -> 10.0.2.2 UDP 2000 -> 25099 len 27"},
		{"ARP request from usernet", arpWhoHas,
			"52:55:0a:00:02:02 > ff:ff:ff:ff:ff:ff ARP who-has 10.0.2.15 tell 10.0.2.2"},
		{"gratuitous ARP from the guest", arpAnnounce,
			"52:54:00:12:34:56 > ff:ff:ff:ff:ff:ff ARP announce 10.0.2.15 is-at 52:54:00:12:34:56"},
		{"ARP reply from the guest", arpIsAt,
			"52:54:00:12:34:56 > 52:55:0a:00:02:02 ARP 10.0.2.15 is-at 52:54:00:12:34:56"},
		{"UDP reply from the host", udpReply,
			"52:55:0a:00:02:02 > 52:54:00:12:34:56 IPv4 10.0.2.2 -> 10.0.2.15 UDP 25099 -> 2000 len 25"},
		{"DNS query", dnsQuery,
			"52:54:00:12:34:56 > ff:ff:ff:ff:ff:ff IPv4 10.0.2.15 -> 8.8.8.8 UDP 10000 -> 53 len 44 DNS query id 0x1aac A pdos.csail.mit.edu.?"}, // decoded text only: never sent
		{"DNS answer", dnsAnswer,
			"52:55:0a:00:02:02 > 52:54:00:12:34:56 IPv4 8.8.8.8 -> 10.0.2.15 UDP 53 -> 10000 len 60 DNS answer id 0x1aac rcode 0 A pdos.csail.mit.edu.? pdos.csail.mit.edu. A 128.52.129.126"}, // decoded text only: never sent
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Format(unhex(t, tt.frame)))
		})
	}
}

func TestFormatDamagedFrames(t *testing.T) {
	pointerLoop := unhex(t, dnsAnswer)
	pointerLoop[len(pointerLoop)-16] = 0x0c + 0x30 // the answer's name points forward at itself
	tests := []struct {
		name  string
		frame []byte
		want  string
	}{
		{"empty", nil, "runt frame of 0 bytes"},
		{"header only", unhex(t, udpPing)[:14], "52:54:00:12:34:56 > ff:ff:ff:ff:ff:ff IPv4 truncated"},
		{"ARP cut short", unhex(t, arpWhoHas)[:30], "52:55:0a:00:02:02 > ff:ff:ff:ff:ff:ff ARP truncated"},
		{"UDP cut short", unhex(t, udpPing)[:46], "52:54:00:12:34:56 > ff:ff:ff:ff:ff:ff IPv4 10.0.2.15 -> 10.0.2.2 UDP 2000 -> 25099 len 27 (truncated)"},
		{"DNS name cut", unhex(t, dnsQuery)[:60], "52:54:00:12:34:56 > ff:ff:ff:ff:ff:ff IPv4 10.0.2.15 -> 8.8.8.8 UDP 10000 -> 53 len 44 (truncated)"},                                             // decoded text only: never sent
		{"DNS pointer loop", pointerLoop, "52:55:0a:00:02:02 > 52:54:00:12:34:56 IPv4 8.8.8.8 -> 10.0.2.15 UDP 53 -> 10000 len 60 DNS answer id 0x1aac rcode 0 A pdos.csail.mit.edu.? (truncated)"}, // decoded text only: never sent
		{"other ethertype", append(unhex(t, udpPing)[:12], 0x88, 0xcc), "52:54:00:12:34:56 > ff:ff:ff:ff:ff:ff ethertype 0x88cc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Format(tt.frame))
		})
	}
}

// FuzzFormat: any bytes at all give a line, never a panic or a hang.
func FuzzFormat(f *testing.F) {
	for _, s := range []string{udpPing, arpWhoHas, arpIsAt, udpReply, dnsQuery, dnsAnswer} {
		b, _ := hex.DecodeString(s)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, frame []byte) {
		if Format(frame) == "" {
			t.Fatal("empty description")
		}
	})
}

// dnsFrame wraps a DNS message in a frame from slirp's resolver to the
// guest (decoded text only: nothing is sent).
func dnsFrame(t *testing.T, build func(b *dnsmessage.Builder)) []byte {
	t.Helper()
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: 7, Response: true})
	build(&b)
	msg, err := b.Finish()
	require.NoError(t, err)
	src, dst := netip.MustParseAddrPort("10.0.2.3:53"), netip.MustParseAddrPort("10.0.2.15:10000")
	ip := wire.BuildIPv4(1, src.Addr(), dst.Addr(), wire.ProtoUDP, wire.BuildUDP(src, dst, msg))
	return wire.BuildEthernet([6]byte{0x52, 0x54, 0, 0x12, 0x34, 0x56}, [6]byte{0x52, 0x55, 0x0a, 0, 2, 2}, wire.EtherTypeIPv4, ip)
}

func TestFormatDNSRecords(t *testing.T) {
	name := dnsmessage.MustNewName("lab.test.")
	hdr := func(typ dnsmessage.Type) dnsmessage.ResourceHeader {
		return dnsmessage.ResourceHeader{Name: name, Type: typ, Class: dnsmessage.ClassINET}
	}
	tests := []struct {
		name  string
		build func(b *dnsmessage.Builder)
		want  string
	}{
		{"AAAA", func(b *dnsmessage.Builder) {
			b.StartAnswers()
			b.AAAAResource(hdr(dnsmessage.TypeAAAA), dnsmessage.AAAAResource{AAAA: netip.MustParseAddr("fe80::1").As16()})
		}, "DNS answer id 0x0007 rcode 0 lab.test. AAAA fe80::1"},
		{"CNAME", func(b *dnsmessage.Builder) {
			b.StartAnswers()
			b.CNAMEResource(hdr(dnsmessage.TypeCNAME), dnsmessage.CNAMEResource{CNAME: dnsmessage.MustNewName("other.test.")})
		}, "DNS answer id 0x0007 rcode 0 lab.test. CNAME other.test."},
		{"another type by its size", func(b *dnsmessage.Builder) {
			b.StartAnswers()
			b.MXResource(hdr(dnsmessage.TypeMX), dnsmessage.MXResource{Pref: 1, MX: dnsmessage.MustNewName("mx.")})
		}, "DNS answer id 0x0007 rcode 0 lab.test. MX (6 bytes)"},
		{"at most four answers", func(b *dnsmessage.Builder) {
			b.StartAnswers()
			for i := byte(1); i <= 5; i++ {
				b.AResource(hdr(dnsmessage.TypeA), dnsmessage.AResource{A: [4]byte{10, 0, 0, i}})
			}
		}, "DNS answer id 0x0007 rcode 0 lab.test. A 10.0.0.1 lab.test. A 10.0.0.2 lab.test. A 10.0.0.3 lab.test. A 10.0.0.4 ..."},
		{"control characters escaped", func(b *dnsmessage.Builder) {
			b.StartQuestions()
			b.Question(dnsmessage.Question{Name: dnsmessage.MustNewName("a\x1bb."), Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET})
		}, `DNS answer id 0x0007 rcode 0 A a\027b.?`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Format(dnsFrame(t, tt.build))
			_, dns, ok := strings.Cut(got, " len ")
			require.True(t, ok, got)
			_, dns, _ = strings.Cut(dns, " ")
			assert.Equal(t, tt.want, dns)
		})
	}
}
