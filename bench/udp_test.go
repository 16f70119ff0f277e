//go:build linux

package main

import (
	"net"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// echoServer stands in for the guest's udpecho on 127.0.0.1 (a free port):
// it sends every datagram back unless drop says to lose it.
func echoServer(t *testing.T, drop func(n int) bool) *net.UDPAddr {
	conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	var wg sync.WaitGroup
	wg.Add(1)
	t.Cleanup(func() { conn.Close(); wg.Wait() })
	go func() {
		defer wg.Done()
		buf := make([]byte, 2048)
		for n := 0; ; n++ {
			size, from, err := conn.ReadFromUDP(buf)
			if err != nil {
				return
			}
			if !drop(n) {
				conn.WriteToUDP(buf[:size], from)
			}
		}
	}()
	return conn.LocalAddr().(*net.UDPAddr)
}

// dialEcho connects a client to server. timeout is when an echo counts
// lost: runs that lose nothing use a long one (never waited for), so a
// slow host cannot turn a late echo into a loss.
func dialEcho(t *testing.T, server *net.UDPAddr, timeout time.Duration) *udpClient {
	conn, err := net.DialUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)}, server)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return newUDPClient(conn, timeout)
}

func TestUDPClientCountsEchoesAndLosses(t *testing.T) {
	for _, tc := range []struct {
		name      string
		drop      func(n int) bool
		wantLost  int // serial phase of 20 then windowed phase of 40
		wantLostW int
	}{
		{name: "every echo back", drop: func(int) bool { return false }},
		// Datagrams 0..19 are the serial phase: 5 and 15 are lost.
		{name: "two lost one at a time", drop: func(n int) bool { return n == 5 || n == 15 }, wantLost: 2},
		// Datagram 30 is in the windowed phase: it and the rest of its
		// window, if their echoes come after the timeout, are counted lost
		// once, never twice, and late echoes are not counted as received.
		{name: "one lost in flight", drop: func(n int) bool { return n == 30 }, wantLostW: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			timeout := 5 * time.Second
			if tc.wantLost+tc.wantLostW > 0 {
				timeout = 300 * time.Millisecond
			}
			c := dialEcho(t, echoServer(t, tc.drop), timeout)
			rtts, lost, err := c.serial(20)
			require.NoError(t, err)
			if tc.wantLost+tc.wantLostW == 0 {
				assert.Zero(t, lost)
			} else {
				assert.GreaterOrEqual(t, lost, tc.wantLost, "a slow host may add a loss, never hide one")
			}
			assert.Len(t, rtts, 20-lost, "one round trip per echo")
			for _, r := range rtts {
				assert.Positive(t, r)
			}
			pps, lostW, err := c.windowed(40, 4)
			require.NoError(t, err)
			assert.Positive(t, pps)
			if tc.wantLost+tc.wantLostW == 0 {
				assert.Zero(t, lostW)
			} else if tc.wantLostW == 0 {
				assert.LessOrEqual(t, lostW, 4, "only what a slow host delays")
			} else {
				// The drop leaves the window waiting: what was in flight
				// at the timeout (the lost one, at most the window) is lost.
				assert.GreaterOrEqual(t, lostW, tc.wantLostW)
				assert.LessOrEqual(t, lostW, 4)
			}
		})
	}
}

func TestUDPClientWarmUpRetries(t *testing.T) {
	c := dialEcho(t, echoServer(t, func(n int) bool { return n < 2 }), 300*time.Millisecond) // the first two vanish
	require.NoError(t, c.warmUp(5*time.Second))
	rtts, _, err := c.serial(3)
	require.NoError(t, err)
	assert.NotEmpty(t, rtts, "echoes after the warm-up are measured")
}

func TestUDPClientNoEchoAtAll(t *testing.T) {
	c := dialEcho(t, echoServer(t, func(int) bool { return true }), 200*time.Millisecond)
	assert.Error(t, c.warmUp(500*time.Millisecond))
	_, lost, err := c.serial(2)
	assert.Error(t, err, "no datagram came back")
	assert.Equal(t, 2, lost)
}
