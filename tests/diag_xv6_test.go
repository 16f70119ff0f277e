package tests

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/grade"
	"github.com/rvemu/rvemu/replay"
)

// startRvemu runs rvemu boot with args on our xv6 and a fresh disk; stdout
// is the console, stderr is kept apart (stats, replay notes).
func startRvemu(t *testing.T, rvemu, buildDir string, stderr io.Writer, args ...string) *xv6Console {
	t.Helper()
	args = append(append([]string{"boot", "--disk", copyImage(t, buildDir), "--timeout", "120s", "--stats"}, args...),
		filepath.Join(buildDir, "kernel.img"))
	cmd := exec.Command(rvemu, args...)
	return startConsole(t, cmd, stderr)
}

// finish stops rvemu the way a user does (a signal) and waits for it.
func (c *xv6Console) finish() {
	c.t.Helper()
	require.NoError(c.t, c.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case <-c.exited:
	case <-time.After(60 * time.Second):
		c.t.Fatal("rvemu did not stop on SIGTERM")
	}
	_ = c.cmd.Wait()
}

var statsInstructions = regexp.MustCompile(`stats: (\d+) instructions`)

func instructions(t *testing.T, stderr string) string {
	t.Helper()
	m := statsInstructions.FindStringSubmatch(stderr)
	require.NotNil(t, m, "no stats line in %q", stderr)
	return m[1]
}

// replayMatches replays log at harts and checks that the run repeats the
// recorded one: the same console output and instruction count, no
// divergence. It returns the replay's stderr.
func replayMatches(t *testing.T, rvemu, build string, harts int, log, recorded, recErr string, limit time.Duration) string {
	t.Helper()
	var repErr bytes.Buffer
	r := startRvemu(t, rvemu, build, &repErr, "--smp", fmt.Sprint(harts), "--replay", log)
	select {
	case <-r.exited:
	case <-time.After(limit):
		t.Fatal("replay did not stop at the end of the recording")
	}
	require.NoError(t, r.cmd.Wait(), repErr.String())
	assert.Equal(t, recorded, r.output(), "identical console output")
	assert.Equal(t, instructions(t, recErr), instructions(t, repErr.String()), "identical instruction count")
	assert.NotContains(t, repErr.String(), "diverged")
	return repErr.String()
}

// TestXv6RecordReplay types shell commands into our xv6 under --record,
// then replays the log without input: the console output and the number
// of instructions retired must be identical.
func TestXv6RecordReplay(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end boot: run without -short (make test-e2e)")
	}
	build := xv6Build(t)
	rvemu := buildRvemu(t)
	for _, harts := range []int{1, 3} {
		t.Run(fmt.Sprintf("%d harts", harts), func(t *testing.T) {
			log := filepath.Join(t.TempDir(), "run.rec")
			var recErr bytes.Buffer
			c := startRvemu(t, rvemu, build, &recErr, "--smp", fmt.Sprint(harts), "--record", log)
			c.waitFor(xv6Prompt, 0)
			assert.Contains(t, c.run("echo recorded run"), "recorded run")
			assert.NotEmpty(t, c.run("ls"))
			c.run("mkdir d; echo x > d/f; cat d/f")
			c.finish()
			recorded := c.output()

			f, err := os.Open(log)
			require.NoError(t, err)
			events, err := replay.Read(f)
			f.Close()
			require.NoError(t, err)
			var typed []byte
			for _, e := range events[:len(events)-1] {
				typed = append(typed, e.Data...)
			}
			// The UART's 16-byte FIFO takes a long line in several events.
			assert.Equal(t, "echo recorded run\nls\nmkdir d; echo x > d/f; cat d/f\n", string(typed))
			assert.Equal(t, replay.End, events[len(events)-1].Kind)

			repErr := replayMatches(t, rvemu, build, harts, log, recorded, recErr.String(), 90*time.Second)
			assert.Contains(t, repErr, "replay: end of the recording at "+instructions(t, recErr.String()))
		})
	}
}

// TestXv6Traces boots our xv6 with the readable traces on and checks one
// line of each kind against the kernel's own code.
func TestXv6Traces(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end boot: run without -short (make test-e2e)")
	}
	build := xv6Build(t)
	rvemu := buildRvemu(t)
	traceFile := filepath.Join(t.TempDir(), "trace.txt")
	var stderr bytes.Buffer
	c := startRvemu(t, rvemu, build, &stderr, "--trace", "trap,virtio,plic,insn:virtio_disk_intr", "--trace-file", traceFile)
	c.waitFor(xv6Prompt, 0)
	c.finish()
	data, err := os.ReadFile(traceFile)
	require.NoError(t, err)
	trace := string(data)
	for _, want := range []string{
		`(?m)^virtio: read sector \d+ len 1024 status 0 \(ok\) desc \d+$`,
		`(?m)^plic: hart 0 S claim -> 1 \(virtio\)$`,
		`(?m)^plic: hart 0 S complete 1 \(virtio\)$`,
		`(?m)^trap: hart 0 S->S cause 0x8000000000000009 \(S external interrupt\) epc 0x[0-9a-f]+ <\w+(\+0x[0-9a-f]+)?> tval 0x0$`,
		`(?m)^trap: hart 0 U->S cause 0x8 \(ecall from U\) epc 0x[0-9a-f]+ tval 0x0$`,
		`(?m)^insn: hart 0 S 0x[0-9a-f]+ <virtio_disk_intr> [0-9a-f ]{8} addi sp,sp,-\d+$`,
	} {
		assert.Regexp(t, want, trace)
	}
	assert.NotContains(t, stderr.String(), "insn:", "traces go to the file")
	assert.False(t, strings.Contains(trace, "e1000"), "no NIC on this board yet")
}

// TestXv6NettestsRecordReplay is the acceptance of deterministic runs on
// the net lab: nettests talks to the lab's server on 127.0.0.1 while
// recorded; the server is then closed, and the replay prints the same
// console output at the same instruction count with no host network.
func TestXv6NettestsRecordReplay(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end boot: run without -short (make test-e2e)")
	}
	lab := diagNetLab(t)
	xv6, rvemu := lab.xv6, lab.rvemu
	host, err := grade.StartHost(grade.HostReply, uint16(lab.server), 0)
	require.NoError(t, err)

	log := filepath.Join(t.TempDir(), "nettests.rec")
	var recErr bytes.Buffer
	c := startRvemu(t, rvemu, xv6, &recErr, "--smp", "3", "--record", log)
	c.waitFor(xv6Prompt, 0)
	lines := c.run("nettests")
	assert.Contains(t, lines, "all tests passed.")
	c.finish()
	host.Close()
	recorded := c.output()

	f, err := os.Open(log)
	require.NoError(t, err)
	events, err := replay.Read(f)
	f.Close()
	require.NoError(t, err)
	frames := 0
	for _, e := range events {
		if e.Kind == replay.Frame {
			frames++
		}
	}
	assert.Greater(t, frames, 111, "ARP, 111 ping replies and the DNS answer came from the host side")

	replayMatches(t, rvemu, xv6, 3, log, recorded, recErr.String(), 120*time.Second)
	t.Logf("nettests: %d events, %d frames; recorded %s", len(events), frames,
		statsInstructions.FindString(recErr.String()))
}

// netLab is our xv6 built with nettests aimed at a free loopback port,
// and rvemu built beside it.
type netLab struct {
	xv6, rvemu  string
	server, fwd int
}

var diagLab struct {
	once sync.Once
	lab  netLab
	err  error
}

// diagNetLab builds the net lab once for the diagnostics tests (record
// and replay, the driver checker): each starts its own host server on
// lab.server, one test at a time.
func diagNetLab(t *testing.T) netLab {
	t.Helper()
	diagLab.once.Do(func() { diagLab.lab, diagLab.err = buildNetLab(filepath.Join("build", "diag-net")) })
	require.NoError(t, diagLab.err)
	return diagLab.lab
}

func buildNetLab(rel string) (netLab, error) {
	dir, err := filepath.Abs(rel)
	if err != nil {
		return netLab{}, err
	}
	if err := os.RemoveAll(dir); err != nil { // nettests has the port compiled in
		return netLab{}, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return netLab{}, err
	}
	var ports [2]int
	for i := range ports {
		c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			return netLab{}, err
		}
		ports[i] = c.LocalAddr().(*net.UDPAddr).Port
		defer c.Close()
	}
	lab := netLab{xv6: filepath.Join(dir, "xv6"), rvemu: filepath.Join(dir, "rvemu"), server: ports[0], fwd: ports[1]}
	if out, err := exec.Command("make", "-j2", "-C", "../xv6", "B="+lab.xv6, fmt.Sprintf("NET_TESTS_PORT=%d", lab.server),
		fmt.Sprintf("NET_FWD_PORT=%d", lab.fwd), "all").CombinedOutput(); err != nil {
		return netLab{}, fmt.Errorf("building xv6: %v\n%s", err, out)
	}
	if out, err := exec.Command("go", "build", "-o", lab.rvemu, "../cmd/rvemu").CombinedOutput(); err != nil {
		return netLab{}, fmt.Errorf("building rvemu: %v\n%s", err, out)
	}
	return lab, nil
}
