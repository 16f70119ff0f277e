//go:build linux

package main

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const exitLines = `usernet: 2412 frames from guest, 5000 to guest, 2222 datagrams to host; dropped: host-queue 3; dns: 20 answered inside; nat: 200 flows opened, 0 evicted, 180 expired, peak 11; hostfwd: 2800 datagrams in; e1000: 2412 frames sent, 4900 received; dropped: 0 filtered, 0 while RX off, 1 bad size, 100 queue overflow, 0 bad TX
rvemu: stats: 123456 instructions (harts 1 2 3) in 10.00s = 1 MIPS; 5 turns, 1 idle sleeps, 0 spins recognised
rvemu: limits: console: not a terminal (input read as the guest takes it); goroutines: 3 at start, 4 at exit
rvemu: stopped by signal 15 (terminated)
`

func TestParseExitStats(t *testing.T) {
	tests := []struct {
		name string
		log  string
		want exitStats
		err  bool
	}{
		{"all lines", exitLines, exitStats{FromGuest: 2412, ToGuest: 5000, HostSent: 2222, HostQueueDrops: 3, FwdIn: 2800,
			NICSent: 2412, NICReceived: 4900, NICOverflow: 100, NICOtherDrops: 1, GoroutinesStart: 3, GoroutinesExit: 4, Instructions: 123456}, false},
		{"no network line", "rvemu: stats: 1 instructions\nrvemu: limits: goroutines: 1 at start, 1 at exit\n", exitStats{}, true},
		{"nothing", "", exitStats{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseExitStats(tt.log)
			if tt.err {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseVmRSS(t *testing.T) {
	tests := []struct {
		status string
		want   int
		err    bool
	}{
		{"Name:\trvemu\nVmPeak:\t  900 kB\nVmRSS:\t  181234 kB\nThreads: 9\n", 181234, false},
		{"Name:\trvemu\n", 0, true},
		{"VmRSS:\t 12 MB\n", 0, true},
	}
	for _, tt := range tests {
		got, err := parseVmRSS(tt.status)
		if tt.err {
			assert.Error(t, err)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, tt.want, got)
	}
}

func TestLoadOnlyToLoopback(t *testing.T) {
	tests := []struct {
		to string
		ok bool
	}{
		{"127.0.0.1:9", true},
		{"127.1.2.3:9", true},
		{"8.8.8.8:53", false}, // refused: never sent
		{"10.0.2.15:2000", false},
		{"[::1]:9", false},
	}
	for _, tt := range tests {
		err := loadConfig{To: netip.MustParseAddrPort(tt.to)}.checkLoopback()
		assert.Equal(t, tt.ok, err == nil, tt.to)
	}
}

func TestReportChecks(t *testing.T) {
	base := report{cfg: config{nettests: 200, stress: 20}, nettestsPassed: 200, stressPassed: 20,
		rssStart: 100000, rssEnd: 105000, stats: exitStats{GoroutinesStart: 3, GoroutinesExit: 3, ToGuest: 10, NICReceived: 10}}
	tests := []struct {
		name   string
		change func(r *report)
		pass   bool
	}{
		{"all good", func(*report) {}, true},
		{"a nettests run failed", func(r *report) { r.nettestsPassed = 199; r.nettestsFailed = 1 }, false},
		{"a stress run missing its OK line", func(r *report) { r.stressPassed = 19 }, false},
		{"RSS grew 11%", func(r *report) { r.rssEnd = 111000 }, false},
		{"RSS grew 10%", func(r *report) { r.rssEnd = 110000 }, true},
		{"a goroutine leaked", func(r *report) { r.stats.GoroutinesExit = 4 }, false},
		{"frames dropped for another reason than a full ring", func(r *report) { r.stats.NICOtherDrops = 1 }, false},
		{"overflow drops alone are fine", func(r *report) { r.stats.NICOverflow = 5; r.stats.NICReceived = 5 }, true},
		{"a frame to the guest neither received nor counted as dropped", func(r *report) { r.stats.NICReceived = 9 }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := base
			tt.change(&r)
			assert.Equal(t, tt.pass, r.passed())
			assert.Contains(t, r.render(), "| failures |")
		})
	}
}
