package main

import (
	"encoding/binary"
	"net/netip"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseUsertests(t *testing.T) {
	for _, tc := range []struct {
		name    string
		text    string
		want    *usertests
		wantErr string
	}{
		{
			name: "all figures",
			text: "# a separate run\ntree: xv6-riscv 2025, built locally\nrvemu-smp3: 120.5\nrvemu-smp1: 55s\n\nqemu-smp3: 136 (issue)\nqemu-smp1: 579\n",
			want: &usertests{tree: "xv6-riscv 2025, built locally",
				seconds: map[string]float64{"rvemu-smp3": 120.5, "rvemu-smp1": 55, "qemu-smp3": 136, "qemu-smp1": 579}},
		},
		{name: "empty", text: "", want: &usertests{seconds: map[string]float64{}}},
		{name: "unknown key", text: "rvemu-smp2: 3\n", wantErr: `line 1: unknown key "rvemu-smp2"`},
		{name: "no colon", text: "rvemu-smp3 120\n", wantErr: "line 1: want KEY: VALUE"},
		{name: "not a number", text: "tree: x\nrvemu-smp1: fast\n", wantErr: "line 2: rvemu-smp1: want wall seconds"},
		{name: "no value", text: "qemu-smp1:\n", wantErr: "line 1: qemu-smp1 has no value"},
		{name: "zero is no measurement", text: "qemu-smp1: 0\n", wantErr: "want wall seconds"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseUsertests(tc.text)
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestLoadUsertestsMissingFile(t *testing.T) {
	u, err := loadUsertests(t.TempDir() + "/none.txt")
	require.NoError(t, err, "the file is optional")
	assert.Nil(t, u)
}

// dnsQuery builds a query for name with the given type.
func dnsQuery(id uint16, name string, qtype uint16) []byte {
	q := binary.BigEndian.AppendUint16(nil, id)
	q = append(q, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0) // RD, one question
	for _, label := range strings.Split(name, ".") {
		q = append(q, byte(len(label)))
		q = append(q, label...)
	}
	q = append(q, 0)
	q = binary.BigEndian.AppendUint16(q, qtype)
	return binary.BigEndian.AppendUint16(q, dnsClassIN)
}

func TestAnswerDNS(t *testing.T) {
	lab := dnsQuery(0x1234, "pdos.csail.mit.edu", dnsTypeA)
	for _, tc := range []struct {
		name      string
		query     []byte
		wantReply bool
		rcode     byte
		answer    []byte // the A record's address, nil for none
	}{
		{name: "the lab's name", query: lab, wantReply: true, answer: []byte{128, 52, 129, 126}},
		{name: "case does not matter", query: dnsQuery(7, "PDOS.csail.MIT.edu", dnsTypeA), wantReply: true, answer: []byte{128, 52, 129, 126}},
		{name: "another name: NXDOMAIN, never forwarded", query: dnsQuery(7, "example.com", dnsTypeA), wantReply: true, rcode: rcodeNXName},
		{name: "AAAA of the lab's name: none", query: dnsQuery(7, "pdos.csail.mit.edu", 28), wantReply: true, rcode: rcodeNXName},
		{name: "truncated question", query: lab[:20], wantReply: true, rcode: rcodeFormErr},
		{name: "no question", query: append(append([]byte{0, 1, 1, 0}, 0, 0), make([]byte, 6)...), wantReply: true, rcode: rcodeFormErr},
		{name: "shorter than a header", query: lab[:5]},
		{name: "a response is not answered", query: append([]byte{0, 1, 0x81, 0x80}, lab[4:]...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reply, ok := answerDNS(tc.query, labDNS)
			require.Equal(t, tc.wantReply, ok)
			if !ok {
				return
			}
			require.GreaterOrEqual(t, len(reply), dnsHeaderLen)
			assert.Equal(t, tc.query[:2], reply[:2], "id")
			assert.NotZero(t, reply[2]&0x80, "QR set")
			assert.Equal(t, tc.query[2]&0x01, reply[2]&0x01, "RD copied")
			assert.Equal(t, tc.rcode, reply[3]&0x0F, "rcode")
			ancount := binary.BigEndian.Uint16(reply[6:])
			if tc.answer == nil {
				assert.Zero(t, ancount)
				return
			}
			require.Equal(t, uint16(1), ancount)
			// The answer follows the echoed question: pointer to offset 12,
			// type A, class IN, TTL, rdlength 4, the address.
			qlen := len(tc.query) - dnsHeaderLen
			ans := reply[dnsHeaderLen+qlen:]
			require.Len(t, ans, 16)
			assert.Equal(t, []byte{0xC0, 12, 0, 1, 0, 1}, ans[:6])
			assert.Equal(t, uint16(4), binary.BigEndian.Uint16(ans[10:]))
			assert.Equal(t, tc.answer, ans[12:])
			assert.Equal(t, tc.query[dnsHeaderLen:], reply[dnsHeaderLen:dnsHeaderLen+qlen], "question echoed")
		})
	}
}

func TestDNSNameRejectsPointersAndOverruns(t *testing.T) {
	for _, tc := range []struct {
		name string
		msg  []byte
	}{
		{"compression pointer", []byte{0xC0, 0x0C}},
		{"label past the end", []byte{5, 'a', 'b'}},
		{"no terminating zero", []byte{1, 'a'}},
		{"root name only", []byte{0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, ok := dnsName(tc.msg, 0)
			assert.False(t, ok)
		})
	}
	name, end, ok := dnsName([]byte{1, 'a', 2, 'b', 'c', 0, 9}, 0)
	require.True(t, ok)
	assert.Equal(t, "a.bc", name)
	assert.Equal(t, 6, end)
}

func TestEchoSeq(t *testing.T) {
	for _, seq := range []uint64{0, 1, 255, 1 << 40} {
		got, ok := echoSeq(packet(seq))
		require.True(t, ok, "seq %d", seq)
		assert.Equal(t, seq, got)
	}
	bad := packet(9)
	bad[20] ^= 1
	_, ok := echoSeq(bad)
	assert.False(t, ok, "a changed payload is not an echo")
	_, ok = echoSeq(packet(9)[:udpPayload-1])
	assert.False(t, ok, "a short datagram is not an echo")
}

func TestWatcherSeesOnlyOutputAfterExpect(t *testing.T) {
	w := &watcher{}
	w.Write([]byte("$ old line\n"))
	hit := w.expect(regexp.MustCompile(`(?m)^\$ `))
	select {
	case <-hit:
		t.Fatal("matched output written before expect")
	default:
	}
	w.Write([]byte("some "))
	w.Write([]byte("text\n$ "))
	select {
	case <-hit:
	default:
		t.Fatal("no match for the new prompt")
	}
	assert.Equal(t, "text\n$ ", w.since(len("$ old line\nsome ")))
}

func TestSelectWorkloads(t *testing.T) {
	all := workloads()
	names := func(ws []workload) []string {
		var out []string
		for _, w := range ws {
			out = append(out, w.name)
		}
		return out
	}
	for _, tc := range []struct {
		name        string
		only        []string
		want        []string
		wantUnknown []string
	}{
		{name: "all by default", only: nil, want: names(all)},
		{name: "in the order given", only: []string{"nettests", "compute"}, want: []string{"nettests", "compute"}},
		{name: "stress is every part", only: []string{"stress"}, want: []string{"stress-mem", "stress-fork", "stress-exec", "stress-pipe"}},
		{name: "no duplicates", only: []string{"stress-mem", "stress"}, want: []string{"stress-mem", "stress-fork", "stress-exec", "stress-pipe"}},
		{name: "gobench alone selects no workload", only: []string{"gobench"}, want: nil},
		{name: "unknown names reported", only: []string{"compute", "bogus"}, want: []string{"compute"}, wantUnknown: []string{"bogus"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, unknown := selectWorkloads(all, tc.only)
			assert.Equal(t, tc.want, names(got))
			assert.Equal(t, tc.wantUnknown, unknown)
		})
	}
}

// Network safety: the forwarded port listens on loopback only, on both
// emulators, and boards without a workload's need for a NIC get none.
func TestEmulatorArgs(t *testing.T) {
	for _, w := range workloads() {
		t.Run(w.name, func(t *testing.T) {
			rv := strings.Join(w.rvemuArgs("disk.img"), " ")
			q := strings.Join(w.qemuArgs("disk.img"), " ")
			assert.Contains(t, q, "-smp "+map[bool]string{true: "1", false: "3"}[w.harts == 1])
			assert.Contains(t, rv, "--smp "+map[bool]string{true: "1", false: "3"}[w.harts == 1])
			if w.net {
				assert.Contains(t, rv, "--hostfwd udp:127.0.0.1:25999-:2000")
				assert.Contains(t, q, "hostfwd=udp:127.0.0.1:25999-:2000")
				assert.Contains(t, q, "-device e1000,netdev=net0,bus=pcie.0")
			} else {
				assert.Contains(t, rv, "--net none")
				assert.Contains(t, q, "-nic none")
			}
			if w.disk != "" {
				assert.Contains(t, rv, "--disk disk.img")
				assert.Contains(t, q, "file=disk.img,")
			}
		})
	}
}

func TestWorkloadPatterns(t *testing.T) {
	byName := map[string]workload{}
	for _, w := range workloads() {
		byName[w.name] = w
	}
	for _, tc := range []struct {
		workload, line string
		ends, failed   bool
	}{
		{"nettests", "all tests passed.\n", true, false},
		{"nettests", "all tests passed.\r\n", true, false},
		{"nettests", "nettests: ping: recv() failed\n", true, true},
		{"nettests", "testing DNS\n", false, false},
		{"stress-mem", "stress mem: OK 32479 pages 20 ticks\n", true, false},
		{"stress-mem", "stress mem: FAIL 12 pages 3 ticks\n", true, true},
		{"stress-mem", "stress fork: OK 200 procs 2 ticks\n", false, false},
		{"stress-pipe", "stress pipe: OK 4194304 bytes 21 ticks\n", true, false},
	} {
		t.Run(tc.workload+" "+strings.TrimSpace(tc.line), func(t *testing.T) {
			w := byName[tc.workload]
			require.NotNil(t, w.until)
			assert.Equal(t, tc.ends, w.until.MatchString(tc.line), "until")
			assert.Equal(t, tc.failed, w.failed.MatchString(tc.line), "failed")
		})
	}
	m := byName["compute"].instret.FindStringSubmatch("compute: iterations 3000\ncompute: instret 889112879\n")
	require.Len(t, m, 2)
	assert.Equal(t, "889112879", m[1])
}

func TestLabDNSTable(t *testing.T) {
	assert.Equal(t, netip.MustParseAddr("128.52.129.126"), labDNS["pdos.csail.mit.edu"])
}

func TestFormatUsertestsRoundTrip(t *testing.T) {
	u := &usertests{tree: "xv6-riscv, `usertests -q`",
		seconds: map[string]float64{"rvemu-smp3": 120.46, "qemu-smp3": 136, "rvemu-smp1": 55}}
	text := formatUsertests(u, "a comment")
	assert.Equal(t, "# a comment\ntree: xv6-riscv, `usertests -q`\nrvemu-smp3: 120.5\nrvemu-smp1: 55.0\nqemu-smp3: 136.0\n", text)
	back, err := parseUsertests(text)
	require.NoError(t, err)
	assert.Equal(t, u.tree, back.tree)
	assert.InDelta(t, 120.46, back.seconds["rvemu-smp3"], 0.05)
	assert.Len(t, back.seconds, 3)
}

func TestUsertestsFromResults(t *testing.T) {
	ws := usertestsWorkloads("/tree", "-q")
	require.Len(t, ws, 2)
	results := []result{
		{w: ws[0], rvemu: runs(1, sample{seconds: 100}), qemu: runs(1, sample{seconds: 136})},
		{w: ws[1], rvemu: runs(1, sample{seconds: 50})}, // QEMU absent
	}
	u := usertestsFromResults("t", results)
	assert.Equal(t, map[string]float64{"rvemu-smp3": 100, "qemu-smp3": 136, "rvemu-smp1": 50}, u.seconds)
}

func TestUsertestsWorkloads(t *testing.T) {
	ws := usertestsWorkloads("/tree", "-q")
	for i, harts := range []int{3, 1} {
		w := ws[i]
		assert.Equal(t, harts, w.harts)
		assert.Equal(t, "usertests -q", w.typed)
		assert.Equal(t, "/tree/kernel/kernel", w.kernel)
		assert.Equal(t, "/tree/fs.img", w.disk)
		assert.False(t, w.net, "xv6-riscv has no NIC")
		assert.Equal(t, usertestsLimit, w.limit)
	}
	w := ws[0]
	for _, tc := range []struct {
		line         string
		ends, failed bool
	}{
		{"ALL TESTS PASSED\n", true, false},
		{"SOME TESTS FAILED\n", true, true},
		{"FAILED -- lost some free pages 10 (out of 20)\n", true, true},
		{"test sbrkbasic: OK\n", false, false},
	} {
		assert.Equal(t, tc.ends, w.until.MatchString(tc.line), "until %q", tc.line)
		assert.Equal(t, tc.failed, w.failed.MatchString(tc.line), "failed %q", tc.line)
	}
}
