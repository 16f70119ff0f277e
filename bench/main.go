// Command bench runs rvemu and, when installed, qemu-system-riscv64 on the
// same guest images, alternating A B A B, and reports medians and the
// rvemu/QEMU ratio of each workload. `make bench` runs it; the table goes to
// stdout and to bench/RESULTS.md together with the machine's description.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

func main() {
	runs := flag.Int("runs", 5, "runs of each workload on each emulator")
	rvemu := flag.String("rvemu", "bin/rvemu", "rvemu binary")
	qemu := flag.String("qemu", "qemu-system-riscv64", "reference emulator (skipped when not installed)")
	out := flag.String("out", "bench/RESULTS.md", "markdown report to write")
	only := flag.String("only", "", "comma-separated workload names to run (default: all)")
	flag.Parse()

	if _, err := os.Stat(*rvemu); err != nil {
		fmt.Fprintf(os.Stderr, "bench: %s not found: run `make build` first\n", *rvemu)
		os.Exit(2)
	}
	qemuPath, err := exec.LookPath(*qemu)
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench: %s not installed: measuring rvemu alone (apt-get install qemu-system-misc for the comparison)\n", *qemu)
		qemuPath = ""
	}

	env := &emulators{rvemu: *rvemu, qemu: qemuPath}
	var results []result
	for _, w := range workloads() {
		if *only != "" && !contains(strings.Split(*only, ","), w.name) {
			continue
		}
		if missing := w.missingInputs(); missing != "" {
			fmt.Fprintf(os.Stderr, "bench: %s: %s missing: run `make xv6 guests` first\n", w.name, missing)
			os.Exit(2)
		}
		r, err := measure(env, w, *runs)
		if err != nil {
			fmt.Fprintf(os.Stderr, "bench: %s: %v\n", w.name, err)
			os.Exit(1)
		}
		results = append(results, r)
		fmt.Println(r.line())
	}
	report := render(describeMachine(env), results, *runs)
	fmt.Print("\n" + report)
	if err := os.WriteFile(*out, []byte(report), 0o644); err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "bench: wrote %s\n", *out)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.TrimSpace(x) == s {
			return true
		}
	}
	return false
}
