//go:build linux

package main

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// loadConfig is the host UDP load: bursts of Burst datagrams every Every,
// Count in all, to a loopback address only.
type loadConfig struct {
	To    netip.AddrPort
	Count int
	Burst int
	Every time.Duration
}

// checkLoopback refuses any destination but 127.0.0.0/8: the soak never
// sends a packet off the machine.
func (c loadConfig) checkLoopback() error {
	if !c.To.Addr().Is4() || !c.To.Addr().IsLoopback() {
		return fmt.Errorf("load: destination %v is not on 127.0.0.0/8", c.To)
	}
	return nil
}

// runLoad is the second host process: it sends the load and prints
// "load: sent N datagrams" when done or stopped by SIGTERM.
func runLoad(c loadConfig) int {
	if err := c.checkLoopback(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	conn, err := net.DialUDP("udp4", nil, net.UDPAddrFromAddrPort(c.To))
	if err != nil {
		fmt.Fprintf(os.Stderr, "load: %v\n", err)
		return 1
	}
	defer conn.Close()
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, os.Interrupt)
	tick := time.NewTicker(c.Every)
	defer tick.Stop()
	sent, refused := 0, 0
	payload := make([]byte, 64)
loop:
	for sent+refused < c.Count {
		for i := 0; i < c.Burst && sent+refused < c.Count; i++ {
			copy(payload, fmt.Sprintf("soak load %d", sent+refused))
			if _, err := conn.Write(payload); err != nil {
				refused++ // ECONNREFUSED before rvemu listens, or a full socket buffer
				continue
			}
			sent++
		}
		select {
		case <-tick.C:
		case <-stop:
			break loop
		}
	}
	fmt.Printf("load: sent %d datagrams, %d refused by the host\n", sent, refused)
	return 0
}
