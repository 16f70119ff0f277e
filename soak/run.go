//go:build linux

package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

const (
	hostReply = "this is the host!" // what the lab's server.py answers
	loadPort  = 2999                // guest port of the load: no socket, the kernel drops it
)

// console collects the guest's output and lets the soak wait for text.
type console struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{}
}

func newConsole() *console { return &console{changed: make(chan struct{})} }

func (c *console) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.buf.Write(p)
	close(c.changed)
	c.changed = make(chan struct{})
	c.mu.Unlock()
	return len(p), nil
}

func (c *console) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.String()
}

// waitFor waits until re matches the output from byte from on, calling
// tick every few seconds; it returns the match and the offset past it.
func (c *console) waitFor(re *regexp.Regexp, from int, timeout time.Duration, exited <-chan struct{}, tick func()) ([]string, int, error) {
	deadline := time.After(timeout)
	ticker := time.NewTicker(5 * time.Second)
	defer ticker.Stop()
	for {
		c.mu.Lock()
		out := c.buf.Bytes()[from:]
		loc := re.FindSubmatchIndex(out)
		var m []string
		if loc != nil {
			for i := 0; i < len(loc); i += 2 {
				m = append(m, string(out[loc[i]:loc[i+1]]))
			}
		}
		changed := c.changed
		c.mu.Unlock()
		if m != nil {
			return m, from + loc[1], nil
		}
		select {
		case <-changed:
		case <-ticker.C:
			tick()
		case <-exited:
			return nil, 0, fmt.Errorf("rvemu exited while waiting for %q", re)
		case <-deadline:
			return nil, 0, fmt.Errorf("no %q within %v", re, timeout)
		}
	}
}

// labServer answers every datagram like the lab's server.py, on loopback.
type labServer struct {
	conn     *net.UDPConn
	received atomic.Int64
}

func startLabServer() (*labServer, error) {
	conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		return nil, err
	}
	s := &labServer{conn: conn}
	go func() {
		buf := make([]byte, 2048)
		for {
			_, from, err := conn.ReadFromUDP(buf)
			if err != nil {
				return
			}
			s.received.Add(1)
			conn.WriteToUDP([]byte(hostReply), from)
		}
	}()
	return s, nil
}

func (s *labServer) port() int { return s.conn.LocalAddr().(*net.UDPAddr).Port }

func freeUDPPort() (int, error) {
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		return 0, err
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port, nil
}

// soak builds the kernel for the soak's ports, boots it once, runs the
// repeats under load and collects the report.
func soak(c config) (*report, error) {
	r := &report{cfg: c}
	tmp, err := os.MkdirTemp("", "rvemu-soak-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)

	server, err := startLabServer()
	if err != nil {
		return nil, err
	}
	defer server.conn.Close()
	build := filepath.Join(tmp, "build")
	absBuild, _ := filepath.Abs(build)
	mk := exec.Command("make", "-s", "-C", c.xv6, "B="+absBuild,
		fmt.Sprintf("NET_TESTS_PORT=%d", server.port()), fmt.Sprintf("NET_FWD_PORT=%d", server.port()+1), "all")
	if out, err := mk.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building xv6: %v\n%s", err, out)
	}
	img, err := os.ReadFile(filepath.Join(build, "fs.img"))
	if err != nil {
		return nil, err
	}
	disk := filepath.Join(tmp, "fs.img")
	if err := os.WriteFile(disk, img, 0o644); err != nil {
		return nil, err
	}
	lport, err := freeUDPPort()
	if err != nil {
		return nil, err
	}

	con := newConsole()
	var stderr bytes.Buffer
	emu := exec.Command(c.rvemu, "boot", "--stats", "--smp", strconv.Itoa(c.harts), "--disk", disk,
		"--hostfwd", fmt.Sprintf("udp:127.0.0.1:%d-:%d", lport, loadPort), filepath.Join(build, "kernel.img"))
	emu.Stdout, emu.Stderr = con, &stderr
	emu.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdin, err := emu.StdinPipe()
	if err != nil {
		return nil, err
	}
	started := time.Now()
	if err := emu.Start(); err != nil {
		return nil, err
	}
	defer emu.Process.Kill()
	exited := make(chan struct{})
	go func() { emu.Wait(); close(exited) }()
	pid := emu.Process.Pid

	sampleRSS := func() {
		if kib, err := rssKiB(pid); err == nil {
			r.rssMax = max(r.rssMax, kib)
		}
	}
	progress := func(what string, re *regexp.Regexp) func() {
		return func() {
			sampleRSS()
			fmt.Fprintf(os.Stderr, "soak: %v in, %s: %d passed so far, RSS %d MiB\n",
				time.Since(started).Round(time.Second), what, len(re.FindAllStringIndex(con.String(), -1)), r.rssMax>>10)
		}
	}
	if _, _, err := con.waitFor(regexp.MustCompile(`\$ `), 0, c.bootWithin, exited, func() {}); err != nil {
		return nil, fmt.Errorf("boot: %v; console:\n%s", err, con.String())
	}
	if r.rssStart, err = rssKiB(pid); err != nil {
		return nil, err
	}
	r.rssMax = r.rssStart

	// The second host process: bounded UDP load on loopback.
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	var loadOut bytes.Buffer
	load := exec.Command(self, "-load-to", fmt.Sprintf("127.0.0.1:%d", lport),
		"-load-count", strconv.Itoa(c.load.Count), "-load-burst", strconv.Itoa(c.load.Burst), "-load-every", c.load.Every.String())
	load.Stdout, load.Stderr = &loadOut, os.Stderr
	load.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := load.Start(); err != nil {
		return nil, err
	}
	defer load.Process.Kill()

	mark := len(con.String())
	for _, step := range []struct {
		prog  string
		runs  int
		ok    *regexp.Regexp
		dest  *int
		took  *time.Duration
		fails *int
	}{
		{"nettests", c.nettests, reNettestsOK, &r.nettestsPassed, &r.nettestsTime, &r.nettestsFailed},
		{"stress", c.stress, reStressOK, &r.stressPassed, &r.stressTime, &r.stressFailed},
	} {
		t0 := time.Now()
		if _, err := io.WriteString(stdin, fmt.Sprintf("repeat %d %s\n", step.runs, step.prog)); err != nil {
			return nil, err
		}
		done := regexp.MustCompile(fmt.Sprintf(`repeat: %d runs of %s, (\d+) failed`, step.runs, step.prog))
		m, end, err := con.waitFor(done, mark, time.Duration(step.runs)*c.perRun+time.Minute, exited, progress(step.prog, step.ok))
		if err != nil {
			return nil, fmt.Errorf("%s: %v; console tail:\n%s", step.prog, err, tail(con.String(), 3000))
		}
		*step.took = time.Since(t0)
		*step.fails, _ = strconv.Atoi(m[1])
		*step.dest = len(step.ok.FindAllStringIndex(con.String()[mark:end], -1))
		mark = end
	}
	sampleRSS()
	if r.rssEnd, err = rssKiB(pid); err != nil {
		return nil, err
	}
	r.rssMax = max(r.rssMax, r.rssEnd)

	load.Process.Signal(syscall.SIGTERM)
	load.Wait()
	fmt.Sscanf(loadOut.String(), "load: sent %d datagrams, %d refused", &r.loadSent, &r.loadRefused)
	r.labServerGot = server.received.Load()

	// The host's stop: SIGTERM, and rvemu prints its statistics on the way out.
	emu.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(30 * time.Second):
		return nil, fmt.Errorf("rvemu did not exit after SIGTERM")
	}
	r.wall = time.Since(started)
	r.exitCode = emu.ProcessState.ExitCode()
	r.stats, err = parseExitStats(stderr.String())
	if err != nil {
		return nil, fmt.Errorf("%v; rvemu stderr:\n%s", err, stderr.String())
	}
	r.stderr = stderr.String()
	return r, nil
}

var (
	reNettestsOK = regexp.MustCompile(`all tests passed\.`)
	reStressOK   = regexp.MustCompile(`stress: all OK`)
)

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
