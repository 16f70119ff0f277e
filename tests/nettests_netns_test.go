package tests

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The end-to-end net tests boot our xv6 with the net lab and run
// `nettests echo` (the 2019 lab's test, against an echo server) and
// `nettests` (the 2020/2021 lab's, against a server answering "this is the
// host!" like the lab's server.py), then check the transcript, what the host
// servers got, and every frame of the capture.
//
// Network safety: the emulator and the servers run in a fresh network
// namespace holding only loopback, so nothing the guest sends (its DNS query
// goes to 8.8.8.8) can leave the machine: it never reaches a real network. The test binary re-executes itself
// under `unshare -n` for that; the parent builds the kernel and checks the
// child.

const (
	netnsChildEnv = "RVEMU_NETTESTS_NETNS_CHILD"
	netnsBuildEnv = "RVEMU_NETTESTS_BUILD"

	// The lab's ports for uid 0: 25099 + uid%5000 for the host server,
	// 25999 + uid%5000 forwarded to guest port 2000. Inside a fresh namespace
	// nothing else can hold them.
	labTestPort = 25099
	labFwdPort  = 25999
	labEchoPort = labTestPort + 1 // nettests' NET_ECHO_PORT default

	pingMessage = "a message from xv6!"
	hostReply   = "this is the host!"
	echoMessage = "hello world!\x00"

	// 1 + 100 single-process + 10 multi-process pings.
	wantPings = 111
)

var (
	guestMAC     = [6]byte{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}
	broadcastMAC = [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	guestIP      = [4]byte{10, 0, 2, 15}
	hostIP       = [4]byte{10, 0, 2, 2}
	dnsIP        = [4]byte{8, 8, 8, 8}
)

// netGuest is a booted emulator as the net tests drive it.
type netGuest struct {
	console *consoleLog
	stdin   io.Writer
	pcap    string // the capture the emulator writes
	stop    func() // ends the emulator and waits for it; safe to call twice
	// hostSends lists the destination of every datagram the emulator wrote
	// to a host socket (rvemu's socket-level hook); nil when unknown.
	hostSends func() []netip.AddrPort
}

// netRun says how one emulator runs the net tests.
type netRun struct {
	name  string
	boot  func(t *testing.T, build string) *netGuest
	tools []string // host commands the parent and child need
	// dnsAnswered: the emulator answers the lab's DNS query itself, so
	// nettests runs to the end; otherwise (QEMU offline) it stops at the
	// query, which dies in the namespace.
	dnsAnswered bool
}

// runNetTest is the parent side: build, then run testName's child in a
// new network namespace.
func runNetTest(t *testing.T, testName string, r netRun) {
	if testing.Short() {
		t.Skipf("end-to-end boot on %s: run without -short (make test-e2e)", r.name)
	}
	for _, tool := range append([]string{"unshare", "ip", "make", "riscv64-unknown-elf-gcc"}, r.tools...) {
		_, err := exec.LookPath(tool)
		require.NoErrorf(t, err, "the %s net test needs %s", r.name, tool)
	}

	build := t.TempDir()
	buildXV6(t, build, labTestPort, labFwdPort)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args := []string{"-n"}
	if os.Geteuid() != 0 {
		args = []string{"-r", "-n"} // an unprivileged user namespace may create the net namespace
	}
	args = append(args, os.Args[0], "-test.run=^"+testName+"$", "-test.v", "-test.count=1")
	child := exec.CommandContext(ctx, "unshare", args...)
	child.Env = append(os.Environ(), netnsChildEnv+"=1", netnsBuildEnv+"="+build)
	out, err := child.CombinedOutput()
	t.Logf("inside the network namespace:\n%s", out)
	require.NoError(t, err, "nettests in the network namespace failed")
	require.Contains(t, string(out), "--- PASS: "+testName, "the child ran no test")
}

func inNetnsChild() bool { return os.Getenv(netnsChildEnv) != "" }

func buildXV6(t *testing.T, build string, port, fwdPort int) {
	t.Helper()
	make := exec.Command("make", "-j2", "-C", "../xv6", "B="+build,
		fmt.Sprintf("NET_TESTS_PORT=%d", port), fmt.Sprintf("NET_FWD_PORT=%d", fwdPort), "all")
	out, err := make.CombinedOutput()
	require.NoErrorf(t, err, "building xv6:\n%s", out)
}

// runNettestsInNetns is the child: it runs inside the new namespace.
func runNettestsInNetns(t *testing.T, r netRun) {
	build := os.Getenv(netnsBuildEnv)
	require.NotEmpty(t, build)

	out, err := exec.Command("ip", "link", "set", "lo", "up").CombinedOutput()
	require.NoErrorf(t, err, "ip link set lo up: %s", out)
	ifaces, err := net.Interfaces()
	require.NoError(t, err)
	for _, ifc := range ifaces {
		require.Equalf(t, "lo", ifc.Name, "the namespace must hold only loopback, found %s", ifc.Name)
	}

	host := startLabServer(t, labTestPort, func([]byte) []byte { return []byte(hostReply) })
	echo := startLabServer(t, labEchoPort, func(b []byte) []byte { return b })

	g := r.boot(t, build)
	t.Cleanup(g.stop)

	require.Truef(t, g.console.waitFor("$ ", 0, 60*time.Second), "no shell prompt; console:\n%s", g.console)
	mark := g.console.Len()
	_, err = g.stdin.Write([]byte("nettests echo\n"))
	require.NoError(t, err)
	require.Truef(t, g.console.waitFor("$ ", mark, 30*time.Second), "nettests echo did not finish; console:\n%s", g.console)
	mark = g.console.Len()
	_, err = g.stdin.Write([]byte("nettests\n"))
	require.NoError(t, err)
	started := time.Now()
	var ok bool
	if r.dnsAnswered {
		ok = g.console.waitFor("$ ", mark, 60*time.Second)
		t.Logf("nettests: typed to prompt in %v", time.Since(started))
	} else {
		// The run ends at the query: wait for the line that announces it,
		// then for the query itself on the wire (the line comes first).
		ok = g.console.waitFor("testing DNS\n", mark, 60*time.Second) && waitForDNSQuery(g.pcap, 10*time.Second)
		t.Logf("nettests: typed to DNS query in %v", time.Since(started))
	}
	g.stop()
	transcript := g.console.String()
	t.Logf("guest console:\n%s", transcript)
	require.Truef(t, ok, "nettests did not finish; console:\n%s", transcript)

	t.Run("transcript", func(t *testing.T) {
		want := []string{
			"testing one ping: OK",
			fmt.Sprintf("nettests running on port %d", labTestPort),
			"testing ping: OK",
			"testing single-process pings: OK",
			"testing multi-process pings: OK",
			"testing DNS",
		}
		if r.dnsAnswered {
			want = append(want,
				"DNS arecord for pdos.csail.mit.edu. is 128.52.129.126",
				"DNS OK",
				"all tests passed.")
		}
		assertLinesInOrder(t, transcript, want)
		assert.NotContains(t, transcript, "nettests: ", "a test reported a failure")
		assert.NotContains(t, transcript, "panic", "the kernel panicked")
	})

	t.Run("host servers", func(t *testing.T) {
		assert.Equal(t, int64(wantPings), host.received.Load(), "pings the host server got")
		assert.Zero(t, host.unexpected.Load(), "datagrams to the host server that were not pings")
		assert.Equal(t, int64(1), echo.received.Load(), "datagrams the echo server got")
	})

	t.Run("wire", func(t *testing.T) {
		frames, err := pcapFrames(g.pcap)
		require.NoError(t, err)
		checkWire(t, frames, r.dnsAnswered)
	})

	if g.hostSends != nil {
		// Network safety, seen at the socket: the guest's DNS query to
		// 8.8.8.8 was answered inside and never became a host datagram;
		// everything that left went to loopback (pings and the echo).
		t.Run("host sends", func(t *testing.T) {
			sends := g.hostSends()
			loopback := netip.MustParsePrefix("127.0.0.0/8")
			for _, dst := range sends {
				assert.Truef(t, loopback.Contains(dst.Addr()), "a datagram left for %v", dst)
				assert.NotEqual(t, "8.8.8.8", dst.Addr().String()) // the query must never leave
			}
			assert.Len(t, sends, wantPings+1, "the pings and the echo datagram, nothing else")
		})
	}
}

// checkWire looks at every frame the guest exchanged through the E1000.
func checkWire(t *testing.T, frames [][]byte, dnsAnswered bool) {
	var announcements, whoHas, arpReplies, pings, echoes, dnsQueries, hostAnswers, dnsAnswers int
	for _, raw := range frames {
		f, ok := parseEth(raw)
		if !ok {
			continue
		}
		switch {
		case f.src == guestMAC && f.etherType == 0x0806:
			a, ok := parseARP(f.payload)
			if !assert.True(t, ok, "malformed ARP from the guest") {
				continue
			}
			assert.Equal(t, guestMAC, a.sha, "ARP sender MAC")
			assert.Equal(t, guestIP, a.spa, "ARP sender IP")
			switch a.op {
			case 1:
				assert.Equal(t, guestIP, a.tpa, "the guest's only who-has announces itself")
				announcements++
			case 2:
				arpReplies++
			}
		case f.dst == broadcastMAC && f.etherType == 0x0806:
			if a, ok := parseARP(f.payload); ok && a.op == 1 && a.tpa == guestIP {
				whoHas++
			}
		case f.src == guestMAC && f.etherType == 0x0800:
			d, ok := parseUDP(f.payload)
			if !assert.True(t, ok, "the guest sent an IPv4 frame that is not well-formed UDP") {
				continue
			}
			assert.Equal(t, guestIP, d.src, "source address")
			assert.True(t, d.ipChecksumOK, "IPv4 header checksum of a guest frame")
			assert.True(t, d.udpChecksumGiven && d.udpChecksumOK, "UDP checksum of a guest frame")
			switch {
			case d.dst == hostIP && d.dport == labTestPort && string(d.payload) == pingMessage:
				pings++
			case d.dst == hostIP && d.dport == labEchoPort && string(d.payload) == echoMessage:
				echoes++
			case d.dst == dnsIP && d.dport == 53:
				dnsQueries++
			default:
				t.Errorf("unexpected datagram from the guest to %v:%d: %q", d.dst, d.dport, d.payload)
			}
		case f.dst == guestMAC && f.etherType == 0x0800:
			if d, ok := parseUDP(f.payload); ok && d.src == hostIP && d.sport == labTestPort {
				hostAnswers++
			} else if ok && d.src == dnsIP && d.sport == 53 {
				dnsAnswers++
			}
		}
	}
	// The guest announces its MAC once at start (a gratuitous ARP), so
	// neither network needs to ask; if one asks, the guest must answer.
	assert.Equal(t, 1, announcements, "the guest's gratuitous ARP")
	assert.GreaterOrEqual(t, arpReplies, whoHas, "the guest answered every who-has for it")
	assert.Equal(t, wantPings, pings, "pings on the wire")
	assert.Equal(t, wantPings, hostAnswers, "host answers on the wire")
	assert.Equal(t, 1, echoes, "echo datagrams on the wire")
	assert.Equal(t, 1, dnsQueries, "DNS queries on the wire")
	if dnsAnswered {
		assert.Equal(t, 1, dnsAnswers, "DNS answers on the wire")
	} else {
		assert.Zero(t, dnsAnswers, "DNS answers on the wire (the namespace has no Internet)")
	}
}

// waitForDNSQuery waits until the capture holds the guest's DNS query.
func waitForDNSQuery(pcap string, timeout time.Duration) bool {
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		frames, _ := pcapFrames(pcap) // may end mid-record while the emulator writes
		for _, raw := range frames {
			if f, ok := parseEth(raw); ok && f.src == guestMAC && f.etherType == 0x0800 {
				if d, ok := parseUDP(f.payload); ok && d.dst == dnsIP && d.dport == 53 {
					return true
				}
			}
		}
	}
	return false
}

func assertLinesInOrder(t *testing.T, transcript string, want []string) {
	t.Helper()
	lines := strings.Split(strings.ReplaceAll(transcript, "\r", ""), "\n")
	i := 0
	for _, line := range lines {
		if i < len(want) && strings.TrimSpace(line) == want[i] {
			i++
		}
	}
	if i < len(want) {
		t.Errorf("missing line %q (after %d in order); console:\n%s", want[i], i, transcript)
	}
}

// labServer is a UDP server on 127.0.0.1 like the lab's server.py.
type labServer struct {
	received   atomic.Int64
	unexpected atomic.Int64
}

func startLabServer(t *testing.T, port int, answer func([]byte) []byte) *labServer {
	conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port})
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	s := &labServer{}
	go func() {
		buf := make([]byte, 2048)
		for {
			n, from, err := conn.ReadFromUDP(buf)
			if err != nil {
				return // closed
			}
			if port == labTestPort && string(buf[:n]) != pingMessage {
				s.unexpected.Add(1)
			}
			s.received.Add(1)
			if _, err := conn.WriteToUDP(answer(buf[:n]), from); err != nil {
				return
			}
		}
	}()
	return s
}

// consoleLog collects the guest console and lets the test wait for text.
type consoleLog struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	notify chan struct{}
}

func newConsoleLog() *consoleLog { return &consoleLog{notify: make(chan struct{}, 1)} }

func (c *consoleLog) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.buf.Write(p)
	c.mu.Unlock()
	select {
	case c.notify <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (c *consoleLog) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.String()
}

func (c *consoleLog) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.Len()
}

// contains reports whether s is in the console output from byte from on.
func (c *consoleLog) contains(s string, from int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return bytes.Contains(c.buf.Bytes()[from:], []byte(s))
}

// waitFor reports whether s appeared on the console, from byte from on,
// within timeout.
func (c *consoleLog) waitFor(s string, from int, timeout time.Duration) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		if c.contains(s, from) {
			return true
		}
		select {
		case <-c.notify:
		case <-deadline.C:
			return c.contains(s, from)
		}
	}
}
