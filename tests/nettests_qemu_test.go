package tests

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestNettestsQEMU runs the net lab on QEMU, the reference machine. Offline,
// slirp cannot answer the DNS query: the run is checked up to the query.
func TestNettestsQEMU(t *testing.T) {
	r := netRun{name: "QEMU", boot: bootQEMUNet, tools: []string{"qemu-system-riscv64"}}
	if inNetnsChild() {
		runNettestsInNetns(t, r)
		return
	}
	runNetTest(t, "TestNettestsQEMU", r)
}

// bootQEMUNet boots the build with the Makefile's `qemu-net` target, so the
// test runs the board exactly as students do: 3 harts, the E1000 on pcie.0
// behind user-mode networking, every frame dumped to $(B)/packets.pcap.
func bootQEMUNet(t *testing.T, build string) *netGuest {
	cmd := exec.Command("make", "-s", "-C", "../xv6", "B="+build,
		fmt.Sprintf("NET_TESTS_PORT=%d", labTestPort), fmt.Sprintf("NET_FWD_PORT=%d", labFwdPort),
		"qemu-net")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // make and QEMU: one group to end
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	console := newConsoleLog()
	cmd.Stdout = console
	cmd.Stderr = console
	require.NoError(t, cmd.Start())
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			// QEMU's console escape Ctrl-A x quits cleanly, closing the pcap.
			_, _ = stdin.Write([]byte("\x01x"))
			select {
			case <-exited:
			case <-time.After(10 * time.Second):
				_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
				<-exited
			}
		})
	}
	return &netGuest{console: console, stdin: stdin, pcap: filepath.Join(build, "packets.pcap"), stop: stop}
}
