//go:build linux

package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"time"
)

// The UDP round-trip workload: the guest runs our udpecho, the host client
// here sends datagrams to the forwarded port from udpClientPort and waits
// for each echo.
const (
	udpSerial   = 1000 // round trips one at a time: latency
	udpWindowed = 4000 // then this many with udpWindow in flight: throughput
	udpWindow   = 8    // well below the guest socket's 64-datagram queue and the 16-slot RX ring
	udpPayload  = 64   // bytes per datagram
	udpTimeout  = time.Second
)

// udpStats is one run's round-trip figures.
type udpStats struct {
	p50, p99 float64 // seconds per round trip, one at a time
	pps      float64 // echoes per second with udpWindow in flight
	lost     int     // datagrams whose echo never came (both phases)
}

var udpReady = regexp.MustCompile(`udpecho: ready`)

func driveUDPEcho(s *session) (driven, error) {
	ready := s.out.expect(udpReady)
	if _, err := io.WriteString(s.stdin, "udpecho\n"); err != nil {
		return driven{}, err
	}
	if err := s.wait(ready); err != nil {
		return driven{}, err
	}
	conn, err := net.DialUDP("udp4",
		&net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: udpClientPort},
		&net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: labFwdPort})
	if err != nil {
		return driven{}, err
	}
	defer conn.Close()
	c := newUDPClient(conn, udpTimeout)
	// The first echo may wait for the NIC (QEMU holds receive for a second
	// after the driver enables it): not part of the measurement.
	if err := c.warmUp(20 * time.Second); err != nil {
		return driven{}, err
	}
	t0 := time.Now()
	rtts, lost, err := c.serial(udpSerial)
	if err != nil {
		return driven{}, err
	}
	pps, lostW, err := c.windowed(udpWindowed, udpWindow)
	if err != nil {
		return driven{}, err
	}
	st := &udpStats{p50: percentile(rtts, 50), p99: percentile(rtts, 99), pps: pps, lost: lost + lostW}
	return driven{seconds: time.Since(t0).Seconds(), udp: st}, nil
}

type udpClient struct {
	conn    *net.UDPConn
	timeout time.Duration // an echo later than this is counted lost
	buf     []byte
	seq     uint64
}

func newUDPClient(conn *net.UDPConn, timeout time.Duration) *udpClient {
	return &udpClient{conn: conn, timeout: timeout, buf: make([]byte, 2048)}
}

// packet is a datagram carrying seq in its first 8 bytes.
func packet(seq uint64) []byte {
	p := make([]byte, udpPayload)
	binary.BigEndian.PutUint64(p, seq)
	for i := 8; i < len(p); i++ {
		p[i] = byte(seq) + byte(i)
	}
	return p
}

// echoSeq returns the sequence number of an echoed datagram, false when it
// is not one of ours unchanged.
func echoSeq(p []byte) (uint64, bool) {
	if len(p) != udpPayload {
		return 0, false
	}
	seq := binary.BigEndian.Uint64(p)
	for i := 8; i < len(p); i++ {
		if p[i] != byte(seq)+byte(i) {
			return 0, false
		}
	}
	return seq, true
}

func (c *udpClient) send() (uint64, error) {
	c.seq++
	_, err := c.conn.Write(packet(c.seq))
	return c.seq, err
}

// read returns the next echo's sequence number; timeout=true when none came
// within c.timeout.
func (c *udpClient) read() (seq uint64, timeout bool, err error) {
	for {
		c.conn.SetReadDeadline(time.Now().Add(c.timeout))
		n, err := c.conn.Read(c.buf)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return 0, true, nil
		}
		if err != nil {
			return 0, false, err
		}
		if seq, ok := echoSeq(c.buf[:n]); ok {
			return seq, false, nil
		}
		return 0, false, fmt.Errorf("the echo is not what was sent: %q", c.buf[:n])
	}
}

func (c *udpClient) warmUp(limit time.Duration) error {
	for end := time.Now().Add(limit); time.Now().Before(end); {
		seq, err := c.send()
		if err != nil {
			return err
		}
		for {
			got, timeout, err := c.read()
			if err != nil {
				return err
			}
			if timeout {
				break
			}
			if got == seq {
				return nil
			}
		}
	}
	return fmt.Errorf("no echo from the guest within %v", limit)
}

// serial sends n datagrams one at a time and returns each round trip.
func (c *udpClient) serial(n int) (rtts []float64, lost int, err error) {
	for i := 0; i < n; i++ {
		t0 := time.Now()
		seq, err := c.send()
		if err != nil {
			return nil, 0, err
		}
		for {
			got, timeout, err := c.read()
			if err != nil {
				return nil, 0, err
			}
			if timeout {
				lost++
				break
			}
			if got == seq {
				rtts = append(rtts, time.Since(t0).Seconds())
				break
			}
			// a late echo of an earlier datagram: keep waiting for ours
		}
	}
	if len(rtts) == 0 {
		return nil, lost, errors.New("no datagram came back")
	}
	return rtts, lost, nil
}

// windowed sends n datagrams keeping window of them in flight and returns
// echoes per second.
func (c *udpClient) windowed(n, window int) (pps float64, lost int, err error) {
	t0 := time.Now()
	sent, got := 0, 0
	inflight := map[uint64]bool{}
	for got+lost < n {
		for len(inflight) < window && sent < n {
			seq, err := c.send()
			if err != nil {
				return 0, 0, err
			}
			sent++
			inflight[seq] = true
		}
		seq, timeout, err := c.read()
		if err != nil {
			return 0, 0, err
		}
		if timeout { // the ones in flight are gone
			lost += len(inflight)
			clear(inflight)
			continue
		}
		if inflight[seq] { // not a late echo of one already counted lost
			delete(inflight, seq)
			got++
		}
	}
	if got == 0 {
		return 0, lost, errors.New("no datagram came back")
	}
	return float64(got) / time.Since(t0).Seconds(), lost, nil
}
