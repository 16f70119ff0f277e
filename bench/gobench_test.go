//go:build linux

package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const goBenchOutput = `goos: linux
goarch: amd64
pkg: github.com/rvemu/rvemu/cpu
cpu: AMD EPYC
BenchmarkInterpreterLoop-2   	  300000	      3.10 ns/op	  320.0 MIPS	       0 B/op	       0 allocs/op
BenchmarkInterpreterLoop-2   	  300000	      2.90 ns/op	  340.0 MIPS	       0 B/op	       0 allocs/op
BenchmarkInterpreterLoop-2   	  300000	      3.00 ns/op	  330.0 MIPS	       0 B/op	       0 allocs/op
BenchmarkQuantum/q=256-2     	       7	  50310257 ns/op	       119.3 MIPS	 4301973 B/op	     266 allocs/op
BenchmarkTLBMissWalk-2       	   10000	     45.5 ns/op	      16 B/op	       1 allocs/op
PASS
ok  	github.com/rvemu/rvemu/cpu	3.1s
goos: linux
goarch: amd64
pkg: github.com/rvemu/rvemu/e1000
BenchmarkReceive-2           	 1000000	      1234 ns/op	    1.5 MB/s	     64 B/op	       2 allocs/op
BenchmarkNoMem               	     100	  20000000 ns/op
BenchmarkLoop-2              	     100	       500 ns/op	       412.0 MIPS
PASS
ok  	github.com/rvemu/rvemu/e1000	2.0s
`

func TestParseGoBench(t *testing.T) {
	rows := parseGoBench(goBenchOutput)
	want := []goBench{
		{pkg: "github.com/rvemu/rvemu/cpu", name: "BenchmarkInterpreterLoop", runs: 3, nsPerOp: 3.0, haveAllocStats: true,
			other: []metric{{"MIPS", 330}}},
		{pkg: "github.com/rvemu/rvemu/cpu", name: "BenchmarkQuantum/q=256", runs: 1, nsPerOp: 50310257, bytesPerOp: 4301973,
			allocsPerOp: 266, haveAllocStats: true, other: []metric{{"MIPS", 119.3}}},
		{pkg: "github.com/rvemu/rvemu/cpu", name: "BenchmarkTLBMissWalk", runs: 1, nsPerOp: 45.5, bytesPerOp: 16, allocsPerOp: 1, haveAllocStats: true},
		{pkg: "github.com/rvemu/rvemu/e1000", name: "BenchmarkReceive", runs: 1, nsPerOp: 1234, bytesPerOp: 64, allocsPerOp: 2, haveAllocStats: true,
			other: []metric{{"MB/s", 1.5}}},
		{pkg: "github.com/rvemu/rvemu/e1000", name: "BenchmarkNoMem", runs: 1, nsPerOp: 2e7},
		{pkg: "github.com/rvemu/rvemu/e1000", name: "BenchmarkLoop", runs: 1, nsPerOp: 500, other: []metric{{"MIPS", 412}}},
	}
	assert.Equal(t, want, rows)
	assert.Empty(t, parseGoBench("PASS\nok  \tx\t0.1s\n"), "no benchmark lines, no rows")
}

func TestRenderGoBench(t *testing.T) {
	var b strings.Builder
	renderGoBench(&b, parseGoBench(goBenchOutput), "go test -bench .")
	out := b.String()
	require.Contains(t, out, "`go test -bench .`")
	assert.Contains(t, out, "| cpu | BenchmarkInterpreterLoop | 3 | 3.00 | 0 | 0 | 330 MIPS |\n")
	assert.Contains(t, out, "| e1000 | BenchmarkReceive | 1 | 1234 | 64 | 2 | 1.50 MB/s |\n")
	assert.Contains(t, out, "| e1000 | BenchmarkNoMem | 1 | 20000000 | - | - | - |\n", "no -benchmem figures: dashes, not zeros")
}

func TestFormatFloat(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want string
	}{
		{0, "0"}, {0.001234, "0.00123"}, {1.5, "1.50"}, {12.34, "12.3"}, {1234.5, "1234"},
	} {
		assert.Equal(t, tc.want, formatFloat(tc.in), "%v", tc.in)
	}
}

func TestFormatCount(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want string
	}{
		{0, "0"}, {2, "2"}, {1.5, "1.5"}, {4096, "4096"},
	} {
		assert.Equal(t, tc.want, formatCount(tc.in), "%v", tc.in)
	}
}
