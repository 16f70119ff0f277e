//go:build linux

// Command bench runs rvemu and, when installed, qemu-system-riscv64 on the
// same guest images, alternating A B A B, and reports medians and the
// rvemu/QEMU ratio of each workload, the targets and the repo's Go
// benchmarks. `make bench` runs it (BENCH=compute,nettests RUNS=3 select);
// the table goes to stdout and to bench/RESULTS.md together with the
// machine's description.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

func main() {
	runs := flag.Int("runs", 5, "runs of each workload on each emulator")
	rvemu := flag.String("rvemu", "bin/rvemu", "rvemu binary")
	qemu := flag.String("qemu", "qemu-system-riscv64", "reference emulator (skipped when not installed)")
	out := flag.String("out", "bench/RESULTS.md", "markdown report to write")
	only := flag.String("only", "", "comma-separated workload names to run, "+goBenchName+" for the Go benchmarks, stress for every stress part (default: all)")
	goBenchTime := flag.String("benchtime", "300ms", "go test -benchtime for the Go benchmarks")
	goBenchCount := flag.Int("count", 3, "go test -count for the Go benchmarks")
	utPath := flag.String("usertests", "bench/usertests.txt", "optional file with the usertests -q figures of a separate run")
	checksPath := flag.String("checks", "bench/checks.md", "optional markdown file copied to the end of the report: how the translator was checked (lockstep, fuzz), figures of separate runs")
	measureUT := flag.String("measure-usertests", "", "instead of the workloads: time usertests on the built xv6-riscv tree `DIR` "+
		"(DIR/kernel/kernel, DIR/fs.img) at 3 and 1 harts on both emulators and write the -usertests file")
	utArgs := flag.String("usertests-args", "-q", "arguments typed after usertests (-measure-usertests)")
	utRuns := flag.Int("usertests-runs", 1, "runs per emulator and hart count (-measure-usertests)")
	utHarts := flag.String("usertests-harts", "3,1", "comma-separated hart counts to time usertests at (-measure-usertests)")
	interp := flag.Bool("interpreter", true, "also run every workload on rvemu's interpreter (--jit=off), the translator's no-regression baseline")
	parallel := flag.Bool("parallel", false, "instead of QEMU, compare rvemu's harts taking turns (--parallel=false) with its default board, a thread per hart (wall and CPU medians; no report written)")
	baseline := flag.String("baseline", "", "instead of QEMU, compare the default board of rvemu binary `BIN` (an older build) with -rvemu's (no report written)")
	flag.Parse()

	if *measureUT != "" && *parallel {
		// 3 harts only: one hart has nothing to run in parallel.
		os.Exit(compareParallel(*rvemu, usertestsWorkloads(*measureUT, *utArgs)[:1], *utRuns))
	}
	if *measureUT != "" {
		harts, err := parseHarts(*utHarts)
		if err != nil {
			fmt.Fprintf(os.Stderr, "bench: -usertests-harts: %v\n", err)
			os.Exit(2)
		}
		env := &emulators{rvemu: *rvemu, qemu: *qemu, interp: *interp}
		os.Exit(measureUsertests(env, *measureUT, *utArgs, harts, *utRuns, *utPath))
	}

	var names []string
	for _, n := range strings.Split(*only, ",") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	selected, unknown := selectWorkloads(workloads(), names)
	if len(unknown) > 0 {
		fmt.Fprintf(os.Stderr, "bench: unknown workload %s (have %s)\n", strings.Join(unknown, ", "), strings.Join(workloadNames(), ", "))
		os.Exit(2)
	}
	wantGoBench := len(names) == 0 || contains(names, goBenchName)

	needsNet := false
	for _, w := range selected {
		needsNet = needsNet || w.net
	}
	if needsNet && !inSealedNamespace() {
		code, err := reexecSealed()
		if err != nil {
			fmt.Fprintf(os.Stderr, "bench: %v\n", err)
			os.Exit(1)
		}
		os.Exit(code)
	}

	if _, err := os.Stat(*rvemu); err != nil && len(selected) > 0 {
		fmt.Fprintf(os.Stderr, "bench: %s not found: run `make build` first\n", *rvemu)
		os.Exit(2)
	}
	qemuPath, err := exec.LookPath(*qemu)
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench: %s not installed: measuring rvemu alone (apt-get install qemu-system-misc for the comparison)\n", *qemu)
		qemuPath = ""
	}
	// Checked now, read again at the end: a -measure-usertests run beside
	// this one may write it meanwhile.
	if _, err := loadUsertests(*utPath); err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		os.Exit(2)
	}

	env := &emulators{rvemu: *rvemu, qemu: qemuPath, interp: *interp}
	startLoad := loadNote()
	rep := report{command: commandLine(*runs, *only), runs: *runs, utPath: *utPath, dnsQueries: -1}

	var host *hostSide
	if needsNet {
		host, err = sealNamespace()
		if err != nil {
			fmt.Fprintf(os.Stderr, "bench: sealing the network namespace: %v\n", err)
			os.Exit(1)
		}
		defer host.Close()
	}
	if *parallel || *baseline != "" {
		var code int
		if *parallel {
			code = compareParallel(*rvemu, selected, *runs)
		} else {
			code = compareBaseline(*baseline, *rvemu, selected, *runs)
		}
		if host != nil {
			host.Close()
		}
		os.Exit(code)
	}
	for _, w := range selected {
		if missing := w.missingInputs(); missing != "" {
			fmt.Fprintf(os.Stderr, "bench: %s: %s missing: run `make bench` (it builds the images)\n", w.name, missing)
			os.Exit(2)
		}
		r, err := measure(env, w, *runs)
		if err != nil {
			fmt.Fprintf(os.Stderr, "bench: %s: %v\n", w.name, err)
			os.Exit(1)
		}
		rep.results = append(rep.results, r)
		fmt.Println(r.line())
	}
	if wantGoBench {
		fmt.Fprintln(os.Stderr, "bench: running the Go benchmarks")
		rep.goBench, rep.goCommand, err = runGoBenchmarks(*goBenchTime, *goBenchCount)
		if err != nil {
			fmt.Fprintf(os.Stderr, "bench: %v\n", err)
			os.Exit(1)
		}
	}
	if host != nil {
		rep.dnsQueries = host.dns.queries.Load()
	}
	rep.machine = describeMachine(env)
	if startLoad != "" {
		rep.machine += "- " + strings.TrimPrefix(startLoad, ", ") + " at the start\n"
	}
	// Read last: the figures of the runs beside this one may land meanwhile.
	if rep.usertests, err = loadUsertests(*utPath); err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
	}
	if data, err := os.ReadFile(*checksPath); err == nil {
		rep.checks, rep.checksPath = string(data), *checksPath
	} else if !os.IsNotExist(err) {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
	}
	text := rep.render()
	fmt.Print("\n" + text)
	if err := os.WriteFile(*out, []byte(text), 0o644); err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "bench: wrote %s\n", *out)
}

// commandLine is how the report says it was made.
func commandLine(runs int, only string) string {
	c := "make bench"
	if only != "" {
		c += " BENCH=" + only
	}
	if runs != 5 {
		c += fmt.Sprintf(" RUNS=%d", runs)
	}
	return c
}

func workloadNames() []string {
	var names []string
	for _, w := range workloads() {
		names = append(names, w.name)
	}
	return append(names, "stress", goBenchName)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.TrimSpace(x) == s {
			return true
		}
	}
	return false
}

// measureUsertests is the -measure-usertests mode: the long usertests runs,
// apart from `make bench`, written where the next `make bench` reads them.
func measureUsertests(env *emulators, dir, args string, harts []int, runs int, path string) int {
	qemuPath, err := exec.LookPath(env.qemu)
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench: %s not installed: measuring rvemu alone\n", env.qemu)
		qemuPath = ""
	}
	env.qemu = qemuPath
	startLoad := loadNote()
	var results []result
	for _, w := range usertestsWorkloads(dir, args, harts...) {
		if missing := w.missingInputs(); missing != "" {
			fmt.Fprintf(os.Stderr, "bench: %s missing: build the xv6-riscv tree (make kernel/kernel fs.img)\n", missing)
			return 2
		}
		r, err := measure(env, w, runs)
		if err != nil {
			fmt.Fprintf(os.Stderr, "bench: usertests %s: %v\n", w.name, err)
			return 1
		}
		results = append(results, r)
		fmt.Println(r.line())
	}
	tree := fmt.Sprintf("%s, `usertests %s`, median of %d run(s) per emulator, interleaved", dir, args, runs)
	text := formatUsertests(usertestsFromResults(tree, results),
		"written by `go run ./bench -measure-usertests` on "+time.Now().UTC().Format("2006-01-02 15:04 UTC")+
			"; at the start"+startLoad+"; at the end"+loadNote(),
		"wall seconds from typing the command to ALL TESTS PASSED")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		return 1
	}
	fmt.Print(text)
	fmt.Fprintf(os.Stderr, "bench: wrote %s\n", path)
	return 0
}

// parseHarts reads a comma-separated list of hart counts ("3,1").
func parseHarts(list string) ([]int, error) {
	var harts []int
	for _, f := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("want hart counts such as 3,1, got %q", list)
		}
		harts = append(harts, n)
	}
	return harts, nil
}

// loadNote is ", load average A B C" when the system tells.
func loadNote() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return ""
	}
	return ", load average " + strings.Join(f[:3], " ")
}
