package tests

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/grade"
)

// freeLoopbackUDPPort is a UDP port on 127.0.0.1 that nothing uses now.
// The lab's uid-derived ports are shared by everyone working under one
// uid on this machine, so tests pick their own.
func freeLoopbackUDPPort(t *testing.T) int {
	t.Helper()
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

// buildRvemuIn builds the command under test into dir.
func buildRvemuIn(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "rvemu")
	out, err := exec.Command("go", "build", "-o", bin, "../cmd/rvemu").CombinedOutput()
	require.NoErrorf(t, err, "building rvemu:\n%s", out)
	return bin
}

// TestGradeOurKernel runs `rvemu grade` (what `make run` runs) on our xv6
// with the net lab: rvemu starts the host server on 127.0.0.1, boots the
// kernel with the E1000 and usernet, types nettests and scores it. The DNS
// query to 8.8.8.8 is answered inside rvemu and never leaves loopback.
func TestGradeOurKernel(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end boot: run without -short (make test-e2e)")
	}
	dir, err := filepath.Abs(filepath.Join("build", "grade"))
	require.NoError(t, err)
	// A fresh tree each time: nettests has the port compiled in, and the
	// xv6 Makefile's port stamp does not force the rebuild in a reused B=.
	require.NoError(t, os.RemoveAll(dir))
	require.NoError(t, os.MkdirAll(dir, 0o755))
	server, fwd1, fwd2 := freeLoopbackUDPPort(t), freeLoopbackUDPPort(t), freeLoopbackUDPPort(t)
	xv6 := filepath.Join(dir, "xv6")
	buildXV6(t, xv6, server, fwd1)
	rvemu := buildRvemuIn(t, dir)

	tests := []struct {
		name string
		args []string
	}{
		{"auto, as make run", nil},
		{"lab 2020 pinned", []string{"--lab", "2020"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			disk := filepath.Join(t.TempDir(), "fs.img")
			img, err := os.ReadFile(filepath.Join(xv6, "fs.img"))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(disk, img, 0o644))
			scoreFile := filepath.Join(t.TempDir(), "score.json")

			args := append([]string{"grade", "-v", "--server-port", fmt.Sprint(server),
				"--forward-ports", fmt.Sprintf("%d,%d", fwd1, fwd2), "--json", scoreFile, "--disk", disk}, tt.args...)
			cmd := exec.Command(rvemu, append(args, filepath.Join(xv6, "kernel.img"))...)
			t.Logf("ports: server %d, forwards %d,%d", server, fwd1, fwd2)
			out, err := cmd.CombinedOutput()
			require.NoErrorf(t, err, "rvemu grade:\n%s", out)

			text := string(out)
			assert.Contains(t, text, fmt.Sprintf("nettests running on port %d", server))
			assert.Contains(t, text, "DNS arecord for pdos.csail.mit.edu. is 128.52.129.126")
			assert.True(t, strings.HasSuffix(text, "Score: 99/99\n"), "last line:\n%s", text)
			assert.NotContains(t, text, "e1000 check", "the driver checker (on in grade) finds nothing wrong")

			var score struct {
				Lab    string `json:"lab"`
				Points int    `json:"points"`
				Max    int    `json:"max"`
				Tests  []struct {
					Name    string `json:"name"`
					OK      bool   `json:"ok"`
					Counted bool   `json:"counted"`
				} `json:"tests"`
			}
			b, err := os.ReadFile(scoreFile)
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal(b, &score))
			assert.Equal(t, "2020", score.Lab)
			assert.Equal(t, 99, score.Points)
			assert.Equal(t, 99, score.Max)
			for _, r := range score.Tests {
				assert.Equal(t, r.Counted, r.OK, r.Name) // all pass but time (n/a: no time.txt)
			}
		})
	}
}

// TestQEMUFrontEndRunsNetLab runs our xv6 Makefile's qemu-net target with
// rvemu standing in for QEMU (a qemu-system-riscv64 symlink first in PATH),
// so rvemu gets exactly the command line the Makefile passes. The test plays
// the lab's server (package grade's host side) on 127.0.0.1, types nettests
// on the console and checks the guest's verdicts and the pcap it asked for.
func TestQEMUFrontEndRunsNetLab(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end boot: run without -short (make test-e2e)")
	}
	dir, err := filepath.Abs(filepath.Join("build", "qemu-front"))
	require.NoError(t, err)
	require.NoError(t, os.RemoveAll(dir))
	require.NoError(t, os.MkdirAll(dir, 0o755))
	server, fwd := freeLoopbackUDPPort(t), freeLoopbackUDPPort(t)
	xv6 := filepath.Join(dir, "xv6")
	buildXV6(t, xv6, server, fwd)
	require.NoError(t, os.Symlink(buildRvemuIn(t, dir), filepath.Join(dir, "qemu-system-riscv64")))

	host, err := grade.StartHost(grade.HostReply, uint16(server), 0)
	require.NoError(t, err)
	defer host.Close()

	pcapFile := filepath.Join(xv6, "packets.pcap")
	cmd := exec.Command("make", "-s", "-C", "../xv6", "B="+xv6,
		fmt.Sprintf("NET_TESTS_PORT=%d", server), fmt.Sprintf("NET_FWD_PORT=%d", fwd), "qemu-net")
	cmd.Env = append(os.Environ(), "PATH="+dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // make and rvemu: one group to end
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	con := grade.NewConsole(nil)
	cmd.Stdout, cmd.Stderr = con, con
	require.NoError(t, cmd.Start())
	defer func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
	}()

	waitPrompts := func(n int) bool {
		deadline := time.After(60 * time.Second)
		for {
			got, _, changed := con.State()
			if got >= n {
				return true
			}
			select {
			case <-changed:
			case <-deadline:
				return false
			}
		}
	}
	require.True(t, waitPrompts(1), "no shell prompt:\n%s", con.Text(0))
	_, err = io.WriteString(stdin, "nettests\n")
	require.NoError(t, err)
	require.True(t, waitPrompts(2), "nettests did not finish:\n%s", con.Text(0))

	text := con.Text(0)
	for _, want := range []string{"testing ping: OK", "testing single-process pings: OK",
		"testing multi-process pings: OK", "DNS OK", "all tests passed."} {
		assert.Contains(t, text, want)
	}
	assert.GreaterOrEqual(t, host.Received(), 111, "1 + 100 + 10 pings reached the server")
	st, err := os.Stat(pcapFile)
	if assert.NoError(t, err, "the pcap the command line asked for") {
		assert.Greater(t, st.Size(), int64(24), "more than the pcap header")
	}
}
