package grade

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/usernet"
)

// fakeGuest plays an xv6 shell whose net traffic goes to the host server
// over real loopback UDP, like the emulator's NAT would carry it.
type fakeGuest struct {
	kind   string // "2020", "2024", "legacy-only", "hang"
	server uint16

	mu    sync.Mutex
	boots []BootConfig
}

func (g *fakeGuest) boot(ctx context.Context, cfg BootConfig) error {
	g.mu.Lock()
	g.boots = append(g.boots, cfg)
	g.mu.Unlock()
	out := cfg.Out
	if g.kind == "no board" {
		return errors.New("net: hostfwd udp:127.0.0.1:1: address already in use")
	}
	if g.kind == "legacy-only" && !cfg.Legacy || g.kind == "modern-only" && cfg.Legacy {
		fmt.Fprint(out, "xv6 kernel is booting\npanic: could not find virtio disk\n")
		<-ctx.Done()
		return nil
	}
	fmt.Fprint(out, "xv6 kernel is booting\n\nhart 2 starting\ninit: starting sh\n$ ")
	if g.kind == "hang" {
		<-ctx.Done()
		return ctx.Err()
	}
	lines := bufio.NewScanner(cfg.In)
	for lines.Scan() {
		cmd := lines.Text()
		fmt.Fprintf(out, "%s\n", cmd) // the console echoes what is typed
		switch {
		case g.kind == "panic":
			fmt.Fprint(out, "nettests running on port 1\ntesting ping: panic: e1000_recv\npanic: kerneltrap\n")
			<-ctx.Done()
			return nil
		case cmd == "nettests" && g.kind != "2024":
			fmt.Fprintf(out, "nettests running on port %d\ntesting ping: ", g.server)
			fmt.Fprintf(out, "%s\n", g.ping("a message from xv6!", "this is the host!"))
			fmt.Fprint(out, "testing single-process pings: OK\ntesting multi-process pings: OK\n")
			fmt.Fprint(out, "testing DNS\nDNS arecord for pdos.csail.mit.edu. is 128.52.129.126\nDNS OK\nall tests passed.\n")
		case cmd == "nettest grade" && g.kind == "2024":
			g.send("txone")
			fmt.Fprint(out, "txone: sending one packet\narp_rx: received an ARP packet\nip_rx: received an IP packet\n")
			fmt.Fprintf(out, "ping0: starting\nping0: %s\n", g.ping("ping0", "ping0"))
			for _, n := range []string{"ping1", "ping2", "ping3", "dns", "free"} {
				fmt.Fprintf(out, "%s: OK\n", n)
			}
		default:
			fmt.Fprintf(out, "exec %s failed\n", strings.Fields(cmd)[0])
		}
		fmt.Fprint(out, "$ ")
	}
	<-ctx.Done()
	return nil
}

func (g *fakeGuest) send(msg string) *net.UDPConn {
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		return nil
	}
	c.WriteToUDPAddrPort([]byte(msg), netip.AddrPortFrom(loopback, g.server))
	return c
}

func (g *fakeGuest) ping(msg, want string) string {
	c := g.send(msg)
	if c == nil {
		return "socket failed"
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 128)
	n, _, err := c.ReadFromUDPAddrPort(buf)
	if err != nil || string(buf[:n]) != want {
		return "wrong reply"
	}
	return "OK"
}

// freePorts picks a free server port on 127.0.0.1 for a session.
func freePorts(t *testing.T) Ports {
	t.Helper()
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	p := uint16(c.LocalAddr().(*net.UDPAddr).Port)
	c.Close()
	return Ports{Server: p, Forward: []uint16{p + 1, p + 2}}
}

func TestSession(t *testing.T) {
	tests := []struct {
		name      string
		lab       string
		guest     string
		timeout   time.Duration
		wantLab   string
		points    int
		max       int
		boots     int
		legacy    bool
		noteMatch string
	}{
		{"2020 profile", "2020", "2020", 10 * time.Second, "2020", 99, 99, 1, true, ""},
		{"2024 profile", "2024", "2024", 10 * time.Second, "2024", 170, 170, 1, false, ""},
		{"auto picks 2020", "auto", "2020", 10 * time.Second, "2020", 99, 99, 1, false, ""},
		{"auto tries nettest grade", "auto", "2024", 10 * time.Second, "2024", 170, 170, 1, false, ""},
		{"auto reboots legacy", "auto", "legacy-only", 10 * time.Second, "2020", 99, 99, 2, true, ""},
		{"kernel panic ends the wait", "2020", "panic", 10 * time.Second, "2020", 0, 99, 1, true, "the kernel panicked before the prompt after nettests"},
		{"2020 profile reboots modern", "2020", "modern-only", 10 * time.Second, "2020", 99, 99, 2, false, ""},
		{"timeout at the command", "2020", "hang", 300 * time.Millisecond, "2020", 0, 99, 1, true, "timeout before the prompt after nettests"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lab, err := LabByName(tt.lab)
			require.NoError(t, err)
			ports := freePorts(t)
			g := &fakeGuest{kind: tt.guest, server: ports.Server}
			s := &Session{Lab: lab, Ports: ports, Timeout: tt.timeout, Live: io.Discard, Boot: g.boot}
			score, err := s.Run(context.Background())
			require.NoError(t, err)
			assert.Equal(t, tt.wantLab, score.Lab)
			assert.Equal(t, tt.points, score.Points)
			assert.Equal(t, tt.max, score.Max)
			assert.Equal(t, tt.noteMatch, score.Note)
			require.Len(t, g.boots, tt.boots)
			last := g.boots[len(g.boots)-1]
			assert.Equal(t, tt.legacy, last.Legacy)
			assert.Equal(t, map[string]netip.Addr(usernet.LabDNS()), last.Net.DNS)
			assert.Equal(t, ports.Forward[0], last.Net.Forwards[0].HostPort)
			assert.Equal(t, uint16(2000), last.Net.Forwards[0].GuestPort)
		})
	}
}

func TestSessionBoardFailsToStart(t *testing.T) {
	ports := freePorts(t)
	g := &fakeGuest{kind: "no board", server: ports.Server}
	s := &Session{Lab: Lab2020(), Ports: ports, Timeout: 5 * time.Second, Boot: g.boot}
	_, err := s.Run(context.Background())
	assert.ErrorContains(t, err, "boot: net: hostfwd udp:127.0.0.1:1: address already in use")
}
