package main

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/internal/rvasm"
)

func TestNetFlags(t *testing.T) {
	kernel := rvasm.Build(t, guestPrintAndExit, rvasm.Options{})
	busy, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	defer busy.Close()
	busyPort := strconv.Itoa(busy.LocalAddr().(*net.UDPAddr).Port)
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"all network flags", []string{"--hostfwd", "udp::0-:2000", "--dns-host", "a.test=1.2.3.4", "--mac", "52:54:00:00:00:01", "--net-egress", "loopback"}, 3, ""},
		{"no network", []string{"--net", "none", "--hostfwd", "bogus"}, 3, ""},
		{"bad net", []string{"--net", "tap"}, 2, "user or none"},
		{"bad hostfwd", []string{"--hostfwd", "tcp::22-:22"}, 2, "only udp"},
		{"hostfwd port in use", []string{"--hostfwd", "udp::" + busyPort + "-:2000"}, 2, "net:"},
		{"bad dns host", []string{"--dns-host", "nameonly"}, 2, "NAME=IP"},
		{"bad mac", []string{"--mac", "01:00:5e:00:00:01"}, 2, "unicast MAC"},
		{"bad egress", []string{"--net-egress", "some"}, 2, "loopback or all"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, append(append([]string{"boot"}, tc.args...), kernel)...)
			assert.Equal(t, tc.wantCode, code, "stderr: %s", errOut)
			if tc.wantErr == "" {
				assert.Empty(t, errOut)
				return
			}
			assert.Contains(t, errOut, tc.wantErr)
			assert.Equal(t, 1, bytes.Count([]byte(errOut), []byte("\n")), "one line: %q", errOut)
		})
	}
}

func TestBootHelpListsNetFlags(t *testing.T) {
	_, out, _ := runCLI(t, "boot", "--help")
	for _, want := range []string{"--net ", "--hostfwd", "--dns-host", "--pcap", "--mac", "--net-egress"} {
		assert.Contains(t, out, want)
	}
}

// TestPcapFlagWritesCapture: the capture file exists and tshark reads it.
func TestPcapFlagWritesCapture(t *testing.T) {
	kernel := rvasm.Build(t, guestPrintAndExit, rvasm.Options{})
	capture := filepath.Join(t.TempDir(), "packets.pcap")
	code, _, errOut := runCLI(t, "boot", "--pcap", capture, kernel)
	require.Equal(t, 3, code, errOut)
	_, err := os.Stat(capture)
	require.NoError(t, err)
	out, err := exec.Command("tshark", "-r", capture).Output()
	require.NoError(t, err)
	assert.Empty(t, strings.TrimSpace(string(out)), "no frames from a guest without a driver")
}
