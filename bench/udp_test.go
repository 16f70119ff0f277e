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

func dialEcho(t *testing.T, server *net.UDPAddr) *udpClient {
	conn, err := net.DialUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)}, server)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return newUDPClient(conn, 200*time.Millisecond)
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
			c := dialEcho(t, echoServer(t, tc.drop))
			rtts, lost, err := c.serial(20)
			require.NoError(t, err)
			assert.Equal(t, tc.wantLost, lost)
			assert.Len(t, rtts, 20-tc.wantLost, "one round trip per echo")
			for _, r := range rtts {
				assert.Positive(t, r)
			}
			pps, lostW, err := c.windowed(40, 4)
			require.NoError(t, err)
			assert.Positive(t, pps)
			if tc.wantLostW == 0 {
				assert.Zero(t, lostW)
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
	c := dialEcho(t, echoServer(t, func(n int) bool { return n < 2 })) // the first two vanish
	require.NoError(t, c.warmUp(5*time.Second))
	_, lost, err := c.serial(3)
	require.NoError(t, err)
	assert.Zero(t, lost, "no stale echo is taken for a new one")
}

func TestUDPClientNoEchoAtAll(t *testing.T) {
	c := dialEcho(t, echoServer(t, func(int) bool { return true }))
	assert.Error(t, c.warmUp(500*time.Millisecond))
	_, lost, err := c.serial(2)
	assert.Error(t, err, "no datagram came back")
	assert.Equal(t, 2, lost)
}
