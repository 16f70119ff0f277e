package tests

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// freeUDPPort returns a loopback UDP port nobody holds right now.
func freeUDPPort(t *testing.T) int {
	t.Helper()
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

var netSummary = regexp.MustCompile(`usernet: (\d+) frames from guest, (\d+) to guest`)

// TestSIGTERMClosesEverything: rvemu running our xv6 with a disk and a
// capture is stopped by SIGTERM. It exits with 128+15, the file the guest
// wrote is in the image, and the capture is complete: tshark reads it
// without complaint and it holds exactly the frames the network counted
// (host datagrams forwarded in, the guest's ARP announcement before them).
func TestSIGTERMClosesEverything(t *testing.T) {
	if testing.Short() {
		t.Skip("boots xv6; the e2e pass runs it")
	}
	_, err := exec.LookPath("tshark")
	require.NoError(t, err, "the SIGTERM test reads the capture with tshark (make setup installs it)")
	build := xv6Build(t)
	rvemu := buildRvemu(t)
	disk := copyImage(t, build)
	capture := filepath.Join(t.TempDir(), "packets.pcap")
	port := freeUDPPort(t)

	stderr := newConsoleLog()
	cmd := exec.Command(rvemu, "boot", "--stats", "--disk", disk, "--pcap", capture, "--timeout", "120s",
		"--hostfwd", fmt.Sprintf("udp:127.0.0.1:%d-:2000", port), filepath.Join(build, "kernel.img"))
	c := startConsole(t, cmd, stderr)
	c.waitFor(xv6Prompt, 0)

	const text = "written-before-sigterm-7f3a"
	c.run("echo " + text + " > sigterm")

	// Host load through the forward: each datagram is a frame to the guest
	// (its kernel has no socket on port 2000 and drops it).
	host, err := net.DialUDP("udp4", nil, &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port})
	require.NoError(t, err)
	defer host.Close()
	const datagrams = 20
	for i := 0; i < datagrams; i++ {
		_, err := host.Write([]byte("datagram " + strconv.Itoa(i)))
		require.NoError(t, err)
	}
	// Let them cross (the capture is checked against rvemu's own counts,
	// so this wait only makes the test see traffic, it decides nothing).
	time.Sleep(500 * time.Millisecond)

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	select {
	case <-c.exited:
	case <-time.After(20 * time.Second):
		t.Fatal("rvemu did not exit after SIGTERM")
	}
	err = cmd.Wait()
	exit, ok := err.(*exec.ExitError)
	require.True(t, ok, "rvemu exited with %v", err)
	assert.Equal(t, 128+15, exit.ExitCode())
	log := stderr.String()
	t.Logf("rvemu stderr:\n%s", log)
	assert.Contains(t, log, "stopped by signal 15")
	assert.Contains(t, log, "rvemu: limits:", "--stats ran on the signal's way out")

	t.Run("disk", func(t *testing.T) {
		img, err := os.ReadFile(disk)
		require.NoError(t, err)
		assert.True(t, bytes.Contains(img, []byte(text+"\n")), "the file the guest wrote is in the image")
	})

	t.Run("capture", func(t *testing.T) {
		m := netSummary.FindStringSubmatch(log)
		require.NotNil(t, m, "no network summary at exit")
		fromGuest, _ := strconv.Atoi(m[1])
		toGuest, _ := strconv.Atoi(m[2])
		assert.GreaterOrEqual(t, toGuest, datagrams, "the forwarded datagrams reached the NIC")

		frames, err := pcapFrames(capture)
		require.NoError(t, err, "our reader: the capture ends on a whole record")
		assert.Len(t, frames, fromGuest+toGuest, "every frame that crossed the cable is in the capture")

		var tsharkErr bytes.Buffer
		tshark := exec.Command("tshark", "-r", capture, "-T", "fields", "-e", "frame.number")
		tshark.Stderr = &tsharkErr
		out, err := tshark.Output()
		require.NoError(t, err, "tshark: %s", tsharkErr.String())
		assert.Len(t, strings.Fields(string(out)), fromGuest+toGuest, "tshark reads every frame")
		assert.NotContains(t, tsharkErr.String(), "cut short", "tshark: capture cut short")
	})
}
