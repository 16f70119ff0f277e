//go:build linux

package main

import (
	"fmt"
	"regexp"
	"strconv"
)

// exitStats is what rvemu prints on stderr at exit with --stats and a
// guest that used the network.
type exitStats struct {
	FromGuest, ToGuest, HostSent    uint64 // usernet frames and datagrams
	HostQueueDrops                  uint64 // usernet: host datagrams the loop did not take in time
	FwdIn                           uint64 // usernet: datagrams in through hostfwd
	NICSent, NICReceived            uint64 // e1000
	NICOverflow                     uint64 // e1000: ring and backlog full
	NICOtherDrops                   uint64 // e1000: filtered, RX off, bad size, bad TX
	GoroutinesStart, GoroutinesExit int
	Instructions                    uint64
}

var (
	reUsernet   = regexp.MustCompile(`usernet: (\d+) frames from guest, (\d+) to guest, (\d+) datagrams to host`)
	reHostQueue = regexp.MustCompile(`host-queue (\d+)`)
	reFwdIn     = regexp.MustCompile(`hostfwd: (\d+) datagrams in`)
	reE1000     = regexp.MustCompile(`e1000: (\d+) frames sent, (\d+) received; dropped: (\d+) filtered, (\d+) while RX off, (\d+) bad size, (\d+) queue overflow, (\d+) bad TX`)
	reRoutines  = regexp.MustCompile(`goroutines: (\d+) at start, (\d+) at exit`)
	reInsns     = regexp.MustCompile(`stats: (\d+) instructions`)
)

func parseExitStats(log string) (exitStats, error) {
	var s exitStats
	num := func(m []string, i int) uint64 { v, _ := strconv.ParseUint(m[i], 10, 64); return v }
	m := reUsernet.FindStringSubmatch(log)
	e := reE1000.FindStringSubmatch(log)
	g := reRoutines.FindStringSubmatch(log)
	in := reInsns.FindStringSubmatch(log)
	if m == nil || e == nil || g == nil || in == nil {
		return s, fmt.Errorf("rvemu printed no complete exit statistics (network, e1000, limits and stats lines)")
	}
	s.FromGuest, s.ToGuest, s.HostSent = num(m, 1), num(m, 2), num(m, 3)
	if q := reHostQueue.FindStringSubmatch(log); q != nil {
		s.HostQueueDrops = num(q, 1)
	}
	if f := reFwdIn.FindStringSubmatch(log); f != nil {
		s.FwdIn = num(f, 1)
	}
	s.NICSent, s.NICReceived = num(e, 1), num(e, 2)
	s.NICOverflow = num(e, 6)
	s.NICOtherDrops = num(e, 3) + num(e, 4) + num(e, 5) + num(e, 7)
	s.GoroutinesStart, s.GoroutinesExit = int(num(g, 1)), int(num(g, 2))
	s.Instructions = num(in, 1)
	return s, nil
}
