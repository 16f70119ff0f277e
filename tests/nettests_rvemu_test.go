package tests

import (
	"context"
	"errors"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/machine"
)

// TestNettestsRvemu runs the net lab on our board, in process: E1000 at
// 00:01.0, user-mode network with the lab's DNS name answered inside, so
// nettests runs to "all tests passed.".
func TestNettestsRvemu(t *testing.T) {
	r := netRun{name: "rvemu", boot: bootRvemuNet, dnsAnswered: true}
	if inNetnsChild() {
		runNettestsInNetns(t, r)
		return
	}
	runNetTest(t, "TestNettestsRvemu", r)
}

func bootRvemuNet(t *testing.T, build string) *netGuest {
	return bootRvemuNetOn(t, build, machine.ThreadsAuto)
}

// bootRvemuNetOn boots the net lab with the harts on goroutines of their
// own (the default) or taking turns on one (ThreadsSingle).
func bootRvemuNetOn(t *testing.T, build string, threads machine.Threads) *netGuest {
	dir := t.TempDir()
	disk := filepath.Join(dir, "fs.img") // the board writes the disk back in place
	img, err := os.ReadFile(filepath.Join(build, "fs.img"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(disk, img, 0o644))

	fwd, err := machine.ParseHostFwd("udp::25999-:2000")
	require.NoError(t, err)
	dns := machine.LabDNS() // the lab's query to 8.8.8.8 is answered inside, never sent

	var sendsMu sync.Mutex
	var sends []netip.AddrPort
	hostSends := func() []netip.AddrPort {
		sendsMu.Lock()
		defer sendsMu.Unlock()
		return append([]netip.AddrPort(nil), sends...)
	}
	in, typed := io.Pipe()
	console := newConsoleLog()
	pcap := filepath.Join(dir, "packets.pcap")
	m, err := machine.New(machine.Config{
		Kernel:  filepath.Join(build, "kernel.img"),
		Disk:    disk,
		Virtio:  machine.VirtioModern,
		Harts:   3,
		Threads: threads,
		Net: machine.NetConfig{Enabled: true, HostFwd: []machine.HostFwd{fwd}, DNS: dns, PCAP: pcap,
			OnHostSend: func(dst netip.AddrPort) { sendsMu.Lock(); sends = append(sends, dst); sendsMu.Unlock() }},
		ConsoleIn:  in,
		ConsoleOut: console,
		Log:        console,
	})
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	exited := make(chan error, 1)
	go func() {
		_, err := m.Run(ctx)
		exited <- err
	}()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			typed.Close()
			select {
			case err := <-exited:
				if !errors.Is(err, context.Canceled) {
					t.Errorf("the board stopped with %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Error("the board did not stop")
			}
		})
	}
	return &netGuest{console: console, stdin: typed, pcap: pcap, stop: stop, hostSends: hostSends}
}
