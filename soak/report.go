//go:build linux

package main

import (
	"fmt"
	"strings"
	"time"
)

// report is one soak run's outcome.
type report struct {
	cfg                            config
	nettestsPassed, nettestsFailed int
	stressPassed, stressFailed     int
	nettestsTime, stressTime, wall time.Duration
	rssStart, rssEnd, rssMax       int // KiB
	loadSent, loadRefused          int
	labServerGot                   int64
	exitCode                       int
	stats                          exitStats
	stderr                         string
}

// rssFlat: the end within 10% of the start.
func (r *report) rssFlat() bool {
	return r.rssEnd <= r.rssStart+r.rssStart/10 && r.rssEnd >= r.rssStart-r.rssStart/10
}

func (r *report) failures() int {
	return r.nettestsFailed + r.stressFailed + (r.cfg.nettests - r.nettestsPassed) + (r.cfg.stress - r.stressPassed)
}

// framesAccounted: every frame the network handed the NIC was received
// or dropped under a counted reason.
func (r *report) framesAccounted() bool {
	s := r.stats
	return s.ToGuest == s.NICReceived+s.NICOverflow+s.NICOtherDrops
}

func (r *report) passed() bool {
	return r.failures() == 0 && r.rssFlat() && r.framesAccounted() &&
		r.stats.GoroutinesExit <= r.stats.GoroutinesStart && r.stats.NICOtherDrops == 0
}

func mark(ok bool) string {
	if ok {
		return "ok"
	}
	return "FAIL"
}

func (r *report) render() string {
	var b strings.Builder
	s := r.stats
	fmt.Fprintf(&b, "# Soak report\n\n")
	fmt.Fprintf(&b, "One rvemu process (--smp %d), our xv6: `repeat %d nettests`, then `repeat %d stress`, while a second host process sent UDP bursts of %d every %v (at most %d) to hostfwd 127.0.0.1 -> guest port %d.\n\n",
		r.cfg.harts, r.cfg.nettests, r.cfg.stress, r.cfg.load.Burst, r.cfg.load.Every, r.cfg.load.Count, loadPort)
	fmt.Fprintf(&b, "| check | value | |\n|---|---|---|\n")
	fmt.Fprintf(&b, "| nettests runs passed | %d of %d (repeat counted %d failed) in %v | %s |\n",
		r.nettestsPassed, r.cfg.nettests, r.nettestsFailed, r.nettestsTime.Round(time.Second), mark(r.nettestsPassed == r.cfg.nettests && r.nettestsFailed == 0))
	fmt.Fprintf(&b, "| stress runs passed | %d of %d (repeat counted %d failed) in %v | %s |\n",
		r.stressPassed, r.cfg.stress, r.stressFailed, r.stressTime.Round(time.Second), mark(r.stressPassed == r.cfg.stress && r.stressFailed == 0))
	fmt.Fprintf(&b, "| failures | %d | %s |\n", r.failures(), mark(r.failures() == 0))
	fmt.Fprintf(&b, "| RSS at start (after boot) / end / max | %d / %d / %d KiB (end %+.1f%%) | %s |\n",
		r.rssStart, r.rssEnd, r.rssMax, 100*float64(r.rssEnd-r.rssStart)/float64(r.rssStart), mark(r.rssFlat()))
	fmt.Fprintf(&b, "| goroutines before the board / at exit | %d / %d | %s |\n",
		s.GoroutinesStart, s.GoroutinesExit, mark(s.GoroutinesExit <= s.GoroutinesStart))
	fmt.Fprintf(&b, "| load datagrams sent by the load process | %d (%d refused by the host socket) | |\n", r.loadSent, r.loadRefused)
	fmt.Fprintf(&b, "| datagrams in through hostfwd (rvemu) | %d (%d dropped: machine loop queue full) | |\n", s.FwdIn, s.HostQueueDrops)
	fmt.Fprintf(&b, "| frames to the guest (usernet) / from it | %d / %d | |\n", s.ToGuest, s.FromGuest)
	fmt.Fprintf(&b, "| E1000 frames received / sent | %d / %d | |\n", s.NICReceived, s.NICSent)
	fmt.Fprintf(&b, "| E1000 frames dropped: ring and backlog full | %d | |\n", s.NICOverflow)
	fmt.Fprintf(&b, "| E1000 frames dropped otherwise (filter, RX off, size, TX) | %d | %s |\n", s.NICOtherDrops, mark(s.NICOtherDrops == 0))
	fmt.Fprintf(&b, "| frames to the guest = received + dropped | %d = %d + %d | %s |\n",
		s.ToGuest, s.NICReceived, s.NICOverflow+s.NICOtherDrops, mark(r.framesAccounted()))
	fmt.Fprintf(&b, "| lab server datagrams (pings) / datagrams rvemu sent to the host | %d / %d | |\n", r.labServerGot, s.HostSent)
	fmt.Fprintf(&b, "| instructions / wall | %d / %v | |\n", s.Instructions, r.wall.Round(time.Second))
	fmt.Fprintf(&b, "| rvemu exit status (SIGTERM) | %d | |\n", r.exitCode)
	fmt.Fprintf(&b, "\nrvemu's exit lines:\n\n```\n%s```\n", r.stderr)
	return b.String()
}
