//go:build linux

package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// The repo's Go benchmarks (interpreter loop, TLB, devices, the net path),
// run with `go test -bench` and summarised in RESULTS.md so a change to the
// hot path shows in numbers. ./tests is left out: its benchmarks boot QEMU.

const goBenchName = "gobench" // its name for -only

var goBenchPackages = []string{"./cpu", "./mmu", "./machine", "./e1000", "./virtio", "./plic", "./netpath"}

// goBench is one benchmark's medians over its -count runs.
type goBench struct {
	pkg, name      string
	runs           int
	nsPerOp        float64
	bytesPerOp     float64
	allocsPerOp    float64
	haveAllocStats bool
	// other: the benchmark's own units (b.ReportMetric: MIPS, MB/s,
	// ticks...), medians, in the order it reports them.
	other []metric
}

type metric struct {
	unit  string
	value float64
}

func runGoBenchmarks(benchtime string, count int) ([]goBench, string, error) {
	args := append([]string{"test", "-run", "^$", "-bench", ".", "-benchmem",
		"-benchtime", benchtime, "-count", strconv.Itoa(count)}, goBenchPackages...)
	cmd := exec.Command("go", args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	command := "go " + strings.Join(args, " ")
	if err != nil {
		return nil, command, fmt.Errorf("%s: %v\n%s", command, err, tail(string(out)))
	}
	return parseGoBench(string(out)), command, nil
}

// benchLine is `BenchmarkName-P  N  123.4 ns/op  [X B/op  Y allocs/op] [more units]`.
var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+(\d+)\s+(.*)$`)

// parseGoBench reads `go test -bench` output (several packages, -count
// repeats) into one row per benchmark with median figures, in order of
// first appearance.
func parseGoBench(out string) []goBench {
	type key struct{ pkg, name string }
	type values struct {
		ns, bytes, allocs []float64
		other             map[string][]float64
		units             []string
	}
	var order []key
	seen := map[key]*values{}
	pkg := ""
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = p
			continue
		}
		m := benchLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		k := key{pkg, m[1]}
		v := seen[k]
		if v == nil {
			v = &values{}
			seen[k] = v
			order = append(order, k)
		}
		f := strings.Fields(m[3])
		for i := 0; i+1 < len(f); i += 2 {
			x, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			switch f[i+1] {
			case "ns/op":
				v.ns = append(v.ns, x)
			case "B/op":
				v.bytes = append(v.bytes, x)
			case "allocs/op":
				v.allocs = append(v.allocs, x)
			default:
				if v.other == nil {
					v.other = map[string][]float64{}
				}
				if _, ok := v.other[f[i+1]]; !ok {
					v.units = append(v.units, f[i+1])
				}
				v.other[f[i+1]] = append(v.other[f[i+1]], x)
			}
		}
	}
	var rows []goBench
	for _, k := range order {
		v := seen[k]
		if len(v.ns) == 0 {
			continue
		}
		row := goBench{pkg: k.pkg, name: k.name, runs: len(v.ns), nsPerOp: median(v.ns),
			bytesPerOp: median(v.bytes), allocsPerOp: median(v.allocs), haveAllocStats: len(v.allocs) > 0}
		for _, u := range v.units {
			row.other = append(row.other, metric{u, median(v.other[u])})
		}
		rows = append(rows, row)
	}
	return rows
}

// shortPkg drops the module path: github.com/rvemu/rvemu/cpu -> cpu.
func shortPkg(p string) string {
	return strings.TrimPrefix(p, "github.com/rvemu/rvemu/")
}

func renderGoBench(b *strings.Builder, rows []goBench, command string) {
	fmt.Fprintf(b, "## Go benchmarks (hot paths)\n\n`%s` — medians over the runs.\n\n", command)
	b.WriteString("| package | benchmark | runs | ns/op | B/op | allocs/op | its own figures |\n|---|---|---|---|---|---|---|\n")
	sorted := append([]goBench(nil), rows...)
	sort.SliceStable(sorted, func(i, j int) bool { return shortPkg(sorted[i].pkg) < shortPkg(sorted[j].pkg) })
	for _, r := range sorted {
		bytes, allocs := "-", "-"
		if r.haveAllocStats {
			bytes, allocs = formatCount(r.bytesPerOp), formatCount(r.allocsPerOp)
		}
		var other []string
		for _, m := range r.other {
			other = append(other, formatFloat(m.value)+" "+m.unit)
		}
		if len(other) == 0 {
			other = []string{"-"}
		}
		fmt.Fprintf(b, "| %s | %s | %d | %s | %s | %s | %s |\n", shortPkg(r.pkg), r.name, r.runs, formatFloat(r.nsPerOp), bytes, allocs, strings.Join(other, ", "))
	}
	b.WriteString("\n")
}

// formatFloat prints with about three significant digits, no exponent.
func formatFloat(x float64) string {
	switch {
	case x == 0:
		return "0"
	case x >= 100:
		return strconv.FormatFloat(x, 'f', 0, 64)
	case x >= 10:
		return strconv.FormatFloat(x, 'f', 1, 64)
	case x >= 1:
		return strconv.FormatFloat(x, 'f', 2, 64)
	default:
		return strconv.FormatFloat(x, 'g', 3, 64)
	}
}

// formatCount prints a per-op count: whole numbers as such, a median between
// two counts with its half.
func formatCount(x float64) string {
	if x == float64(int64(x)) {
		return strconv.FormatInt(int64(x), 10)
	}
	return strconv.FormatFloat(x, 'f', 1, 64)
}
