//go:build linux

package main

import (
	"net"
	"net/netip"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/dns/dnsmessage"

	"github.com/rvemu/rvemu/usernet"
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

// The namespace's resolver, on a loopback port of its own: the lab's
// name has its A record, other names are NXDOMAIN, and a message that is
// not a query gets no reply.
func TestDNSServerAnswersFromTheLabTable(t *testing.T) {
	s, err := startDNS(netip.MustParseAddrPort("127.0.0.1:0"), usernet.LabDNS())
	require.NoError(t, err)
	defer s.Close()
	conn, err := net.DialUDP("udp4", nil, net.UDPAddrFromAddrPort(s.addr()))
	require.NoError(t, err)
	defer conn.Close()
	ask := func(id uint16, name string, response bool) ([]byte, error) {
		b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: id, Response: response, RecursionDesired: true})
		require.NoError(t, b.StartQuestions())
		require.NoError(t, b.Question(dnsmessage.Question{Name: dnsmessage.MustNewName(name), Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET}))
		q, err := b.Finish()
		require.NoError(t, err)
		_, err = conn.Write(q)
		require.NoError(t, err)
		buf := make([]byte, 1500)
		n, err := conn.Read(buf)
		return buf[:n], err
	}
	for _, tc := range []struct {
		name   string
		query  string
		rcode  dnsmessage.RCode
		answer []netip.Addr
	}{
		{"the lab's name", "pdos.csail.mit.edu.", dnsmessage.RCodeSuccess, []netip.Addr{netip.MustParseAddr("128.52.129.126")}},
		{"case does not matter", "PDOS.csail.MIT.edu.", dnsmessage.RCodeSuccess, []netip.Addr{netip.MustParseAddr("128.52.129.126")}},
		{"another name: NXDOMAIN, never forwarded", "example.com.", dnsmessage.RCodeNameError, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, conn.SetReadDeadline(time.Now().Add(5*time.Second)))
			reply, err := ask(0x1234, tc.query, false)
			require.NoError(t, err)
			var m dnsmessage.Message
			require.NoError(t, m.Unpack(reply))
			assert.Equal(t, uint16(0x1234), m.Header.ID)
			assert.True(t, m.Header.Response)
			assert.Equal(t, tc.rcode, m.Header.RCode)
			var got []netip.Addr
			for _, a := range m.Answers {
				got = append(got, netip.AddrFrom4(a.Body.(*dnsmessage.AResource).A))
			}
			assert.Equal(t, tc.answer, got)
		})
	}
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(200*time.Millisecond)))
	_, err = ask(1, "pdos.csail.mit.edu.", true)
	assert.ErrorIs(t, err, os.ErrDeadlineExceeded, "a response is not answered")
	assert.Equal(t, int64(3), s.queries.Load())
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
		{w: ws[1], rvemu: runs(1, sample{seconds: 50}), interp: runs(1, sample{seconds: 70})}, // QEMU absent
	}
	u := usertestsFromResults("t", results)
	assert.Equal(t, map[string]float64{"rvemu-smp3": 100, "qemu-smp3": 136, "rvemu-smp1": 50, "interp-smp1": 70}, u.seconds)
}

func TestUsertestsWorkloadsHarts(t *testing.T) {
	ws := usertestsWorkloads("/tree", "-q", 1)
	require.Len(t, ws, 1)
	assert.Equal(t, "smp1", ws[0].name)
	harts, err := parseHarts("3, 1")
	require.NoError(t, err)
	assert.Equal(t, []int{3, 1}, harts)
	for _, bad := range []string{"", "0", "x", "3,"} {
		_, err := parseHarts(bad)
		assert.Error(t, err, bad)
	}
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
