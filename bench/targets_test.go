//go:build linux

package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runs makes a series of n identical samples.
func runs(n int, s sample) series {
	var out series
	for i := 0; i < n; i++ {
		out.samples = append(out.samples, s)
	}
	return out
}

func fakeResults() []result {
	byName := map[string]workload{}
	for _, w := range workloads() {
		byName[w.name] = w
	}
	mib := func(m int64) int64 { return m << 10 }
	return []result{
		// 900 M instructions: 2 s on rvemu (450 MIPS), 0.5 s on QEMU (0.25x).
		{w: byName["compute"], rvemu: runs(3, sample{seconds: 2, cpu: 2, rssKiB: mib(9), instret: 900_000_000}),
			qemu: runs(3, sample{seconds: 0.5, cpu: 0.5, rssKiB: mib(41)})},
		{w: byName["boot-smp1"], rvemu: runs(3, sample{seconds: 0.25, rssKiB: mib(137)}), qemu: runs(3, sample{seconds: 0.26, rssKiB: mib(162)}),
			interp: runs(3, sample{seconds: 0.24, rssKiB: mib(136)})},
		{w: byName["boot-smp3"], rvemu: runs(3, sample{seconds: 0.5, rssKiB: mib(137)}), qemu: runs(3, sample{seconds: 0.24, rssKiB: mib(165)})},
		{w: byName["nettests"], rvemu: runs(3, sample{seconds: 0.1, sinceStart: 0.7, rssKiB: mib(139)}),
			qemu: runs(3, sample{seconds: 1.2, sinceStart: 1.5, rssKiB: mib(166)})},
		{w: byName["stress-mem"], rvemu: runs(3, sample{seconds: 5, rssKiB: mib(200)}), qemu: runs(3, sample{seconds: 4, rssKiB: mib(170)}),
			interp: runs(3, sample{seconds: 6, rssKiB: mib(199)})},
		{w: byName["udp"],
			rvemu:  runs(3, sample{seconds: 1, rssKiB: mib(140), udp: &udpStats{p50: 100e-6, p99: 1e-3, pps: 12000}}),
			qemu:   runs(3, sample{seconds: 2, rssKiB: mib(165), udp: &udpStats{p50: 300e-6, p99: 1e-3, pps: 5000, lost: 1}}),
			interp: runs(3, sample{seconds: 1, rssKiB: mib(140), udp: &udpStats{p50: 90e-6, p99: 1e-3, pps: 11000}})},
	}
}

func TestEvaluateTargets(t *testing.T) {
	ut := &usertests{seconds: map[string]float64{"rvemu-smp3": 150, "rvemu-smp1": 55, "qemu-smp1": 100, "interp-smp1": 50}}
	got := map[string]target{}
	for _, tg := range evaluateTargets(fakeResults(), ut) {
		got[tg.goal] = tg
	}
	for _, tc := range []struct {
		goalPrefix string
		status     status
		figure     string
	}{
		{"(a) compute: >= 400 MIPS", met, "450 MIPS"},
		{"(a) compute: >= 0.25x", met, "0.25x (450 vs 1800 MIPS)"},
		{"(b) boot-smp1", met, "0.250 s"},
		{"(b) boot-smp3", notMet, "0.500 s"},
		{"(c) nettests", met, "0.100 s vs QEMU 1.200 s (0.08x)"},
		{"(d) stress mem", notMet, "5.000 s vs QEMU 4.000 s (1.25x)"},
		{"(d) stress fork", notMeasured, ""},
		{"(e) UDP round trip p50", met, "100 µs vs QEMU 300 µs (0.33x)"},
		{"(e) UDP round trip p99", notMet, "1000 µs vs QEMU 1000 µs (1.00x)"},
		{"(e) UDP windowed", met, "12000 vs QEMU 5000 packets/s (time 0.42x)"},
		{"(f) peak RSS", notMet, "over on stress-mem 200/170 MiB; 5 of 6 at or below QEMU"},
		{"usertests -q, --smp 3", notMet, "150.0 s vs QEMU 136.0 s"},
		{"usertests -q, --smp 1", met, "55.0 s"},
		{"(T) compute", notMet, "450 vs QEMU 1800 MIPS (0.25x"},
		{"(T) usertests -q, --smp 1", notMet, "55.0 s vs QEMU 100.0 s (0.55x)"},
		{"(T) usertests-smp1", notMet, "55.0 s vs 50.0 s (1.10x)"},
		{"(T) boot-smp1", met, "0.250 s vs 0.240 s (1.04x)"}, // within the 5% allowed
		{"(T) boot-smp3", notMeasured, ""},
		{"(T) stress-mem", met, "5.000 s vs 6.000 s (0.83x)"},
		{"(T) UDP p50", notMet, "100 µs vs 90 µs (1.11x)"},
		{"(T) UDP windowed", met, "12000 vs 11000 packets/s (time 0.92x)"},
	} {
		t.Run(tc.goalPrefix, func(t *testing.T) {
			var found *target
			for goal, tg := range got {
				if strings.HasPrefix(goal, tc.goalPrefix) {
					tg := tg
					found = &tg
				}
			}
			require.NotNil(t, found, "no target %q", tc.goalPrefix)
			assert.Equal(t, tc.status, found.status)
			if tc.figure == "" {
				assert.Empty(t, found.figure)
			} else {
				assert.Contains(t, found.figure, tc.figure)
			}
		})
	}
}

func TestEvaluateTargetsWithoutQEMUOrUsertests(t *testing.T) {
	results := fakeResults()
	for i := range results {
		results[i].qemu = series{}
	}
	for _, tg := range evaluateTargets(results, nil) {
		switch {
		case strings.HasPrefix(tg.goal, "(a) compute: >= 400"), strings.HasPrefix(tg.goal, "(b)"),
			strings.Contains(tg.goal, "no worse than the interpreter") && !strings.Contains(tg.goal, "boot-smp3") &&
				!strings.Contains(tg.goal, "nettests") && !strings.Contains(tg.goal, "stress-fork") &&
				!strings.Contains(tg.goal, "stress-exec") && !strings.Contains(tg.goal, "stress-pipe") &&
				!strings.Contains(tg.goal, "usertests"):
			assert.NotEqual(t, notMeasured, tg.status, "%s needs no QEMU", tg.goal)
		default:
			assert.Equal(t, notMeasured, tg.status, "%s compares with QEMU or a separate run", tg.goal)
		}
	}
}

func TestRenderReport(t *testing.T) {
	rep := report{command: "make bench RUNS=3", runs: 3, results: fakeResults(), machine: "- host: test\n",
		utPath: "bench/usertests.txt", dnsQueries: 3,
		goBench:   []goBench{{pkg: "github.com/rvemu/rvemu/mmu", name: "BenchmarkTLBLookup", runs: 3, nsPerOp: 2.5, haveAllocStats: true}},
		goCommand: "go test -bench . ./mmu", checks: "## Checks\n\nlockstep: 3 runs\n", checksPath: "bench/checks.md"}
	out := rep.render()
	for _, want := range []string{
		"Written by `make bench RUNS=3`",
		"alternating A B A B, 3 runs each",
		"- host: test\n- DNS queries answered by the namespace's table: 3\n",
		"| compute | bare-metal integer mix",
		"| 2.000 | 0.500 | 4.00 | - | 450 (450) | 1800 (1800) | - | 9 | 41 |\n",
		"| 0.250 | 0.260 | 0.96 | 0.240 | - | - | - | 137 | 162 |\n", // boot-smp1, with the interpreter
		"| nettests | 0.700 | 1.500 | 0.47 |\n",                      // the lab-like table
		"| p50 round trip, one at a time (1000), µs | 100 | 300 | 0.33 | 90 |\n",
		"| echoes per second, 8 in flight (4000) | 12000 | 5000 | 2.40 | 11000 |\n",
		"| datagrams lost (median of runs) | 0 | 1 | 0.00 | 0 |\n",
		"## Targets",
		"| (b) boot-smp3: our kernel boots in <= 0.3 s | 0.500 s | **not met** |\n",
		"Not part of this run",
		"| mmu | BenchmarkTLBLookup | 3 | 2.50 | 0 | 0 | - |\n",
		"<!-- copied from bench/checks.md -->\n## Checks\n\nlockstep: 3 runs\n\n## Go benchmarks",
	} {
		assert.Contains(t, out, want)
	}
	// Every table row has as many cells as its header.
	header := regexp.MustCompile(`^\|.*\|$`)
	cols := 0
	for _, line := range strings.Split(out, "\n") {
		if !header.MatchString(line) {
			cols = 0
			continue
		}
		n := strings.Count(line, "|")
		if cols == 0 {
			cols = n
		}
		assert.Equal(t, cols, n, "row %q", line)
	}
}

func TestRenderUsertestsFromFile(t *testing.T) {
	rep := report{utPath: "u.txt", dnsQueries: -1,
		usertests: &usertests{tree: "xv6-riscv 2025", seconds: map[string]float64{"rvemu-smp1": 55, "qemu-smp3": 136}}}
	out := rep.render()
	assert.Contains(t, out, "From `u.txt` (a separate run, not timed by this program): xv6-riscv 2025.")
	assert.Contains(t, out, "| rvemu-smp1 | 55.0 |\n| qemu-smp3 | 136.0 |\n")
	assert.NotContains(t, out, "DNS queries", "no network workload ran")
}

func TestFailedRunsAreReportedNotAveraged(t *testing.T) {
	var s series
	s.add(sample{seconds: 1}, nil)
	s.add(sample{}, fmt.Errorf("no expected output within 5m0s; output:\nrvemu xv6: booting"))
	s.add(sample{seconds: 3}, nil)
	assert.Equal(t, 2.0, s.median(seconds), "the failed run is not a sample")
	assert.Equal(t, []string{"run 2: no expected output within 5m0s; output: rvemu xv6: booting"}, s.failed)

	rs := fakeResults()
	rs[0].qemu.failed = s.failed
	out := report{results: rs, machine: "- host: test\n", dnsQueries: -1}.render()
	assert.Contains(t, out, "## Failed runs (left out of the medians)\n\n- compute, QEMU run 2: no expected output within 5m0s; output: rvemu xv6: booting\n")
	assert.NotContains(t, report{results: fakeResults(), dnsQueries: -1}.render(), "Failed runs")
}
