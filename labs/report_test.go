//go:build linux

package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/rvemu/rvemu/xv6lab"
)

func run(machine string, wall float64, score, possible int, tests ...xv6lab.Test) gradeRun {
	return gradeRun{
		Tree:    xv6lab.Tree{Name: "someone/xv6-labs@0123456789ab", Lab: "cow"},
		Machine: machine, Wall: wall,
		Report: xv6lab.Report{Tests: tests, Score: score, Possible: possible, Scored: true},
	}
}

func ok(title string, s float64) xv6lab.Test { return xv6lab.Test{Title: title, OK: true, Seconds: s} }
func bad(title string, s float64, why ...string) xv6lab.Test {
	return xv6lab.Test{Title: title, Seconds: s, Why: why}
}

func TestTableOneRunEach(t *testing.T) {
	runs := []gradeRun{
		run("rvemu", 49, 100, 110, ok("simple", 1), bad("three", 31.1, "...", "MISSING 'ALL COW TESTS PASSED'"), bad("time", 0, "Cannot read time.txt")),
		run("qemu", 44, 110, 110, ok("simple", 1.5), ok("three", 2), bad("time", 0, "Cannot read time.txt")),
	}
	var b strings.Builder
	writeTable(&b, runs)
	out := b.String()
	assert.Contains(t, out, "| someone/xv6-labs@0123456789ab | cow | 100/110 | 110/110 | 49 s | 44 s | 1.11 | `three`: rvemu FAIL (31.1 s), QEMU OK (2.0 s) |")
	assert.Contains(t, out, "- someone/xv6-labs@0123456789ab cow: `time` (Cannot read time.txt)")
	assert.NotContains(t, out, "`simple`")
}

func TestTableRepeated(t *testing.T) {
	var runs []gradeRun
	for i := 0; i < 10; i++ {
		three := ok("three", 2)
		score := 130
		if i < 3 {
			three, score = bad("three", 5, "panic: kalloc"), 90
		}
		runs = append(runs, run("rvemu", float64(100+i), score, 130, ok("simple", 1), three))
		runs = append(runs, run("qemu", float64(200+i), 130, 130, ok("simple", 1), ok("three", 3)))
	}
	var b strings.Builder
	writeTable(&b, runs)
	out := b.String()
	assert.Contains(t, out, "| 90/130 ×3, 130/130 ×7 | 130/130 ×10 | 104 s (100–109) | 204 s (200–209) |")
	assert.Contains(t, out, "`three`: rvemu 3/10 FAIL, QEMU 0/10 FAIL")
}

func TestScoreCellWithoutScore(t *testing.T) {
	r := gradeRun{Machine: "rvemu", Note: "no score: build failed"}
	assert.Equal(t, "no score", scoreCell([]gradeRun{r}))
	filtered := gradeRun{Machine: "qemu", Report: xv6lab.Report{Tests: []xv6lab.Test{ok("simple", 1), bad("three", 2)}}}
	assert.Equal(t, "1/2 tests OK", scoreCell([]gradeRun{filtered}))
	assert.Equal(t, "–", scoreCell(nil))
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
		assert.Equal(t, c.want, median(c.in))
	}
}
