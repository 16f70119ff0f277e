//go:build linux

package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The usertests comparison runs a real xv6-riscv tree (fetched and built
// outside the repo, never committed) for minutes: it is measured apart and
// its figures handed to bench in a small file the lead writes by hand:
//
//	# lines starting with # are comments
//	tree: xv6-riscv 2025 (commit abc1234), built locally
//	rvemu-smp3: 120.5      wall seconds, `usertests -q` typed to ALL TESTS PASSED
//	rvemu-smp1: 55.0
//	qemu-smp3: 136
//	qemu-smp1: 579
//	interp-smp1: 40.1      the same rvemu with --jit=off
//
// Any of them may be left out; the targets then say "not measured".
// `go run ./bench -measure-usertests DIR` (a built xv6-riscv tree) measures
// them and writes the file.
type usertests struct {
	tree    string
	seconds map[string]float64 // by key: rvemu-smp3, rvemu-smp1, qemu-smp3, qemu-smp1, interp-smp3, interp-smp1
}

var usertestsKeys = []string{"rvemu-smp3", "rvemu-smp1", "qemu-smp3", "qemu-smp1", "interp-smp3", "interp-smp1"}

// QEMU's figures from the issue, used when the file gives none.
var qemuUsertestsDefault = map[string]float64{"qemu-smp3": 136}

// loadUsertests reads path; a missing file is no error (nil, nil).
func loadUsertests(path string) (*usertests, error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	u, err := parseUsertests(string(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return u, nil
}

func parseUsertests(text string) (*usertests, error) {
	u := &usertests{seconds: map[string]float64{}}
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("line %d: want KEY: VALUE, got %q", n, line)
		}
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if key == "tree" {
			u.tree = value
			continue
		}
		if !contains(usertestsKeys, key) {
			return nil, fmt.Errorf("line %d: unknown key %q (want tree or one of %s)", n, key, strings.Join(usertestsKeys, ", "))
		}
		fields := strings.Fields(value)
		if len(fields) == 0 {
			return nil, fmt.Errorf("line %d: %s has no value", n, key)
		}
		s, err := strconv.ParseFloat(strings.TrimSuffix(fields[0], "s"), 64)
		if err != nil || s <= 0 {
			return nil, fmt.Errorf("line %d: %s: want wall seconds, got %q", n, key, fields[0])
		}
		u.seconds[key] = s
	}
	return u, sc.Err()
}

// usertestsLimit bounds one usertests run: QEMU at one hart has taken
// 579 s (ARCHITECTURE.md), the grader allows 300 s.
const usertestsLimit = 20 * time.Minute

// usertestsWorkloads time `usertests ARGS` typed to its verdict on a built
// xv6-riscv tree (DIR/kernel/kernel, DIR/fs.img), at each of harts (3
// then 1 by default), the tree's own QEMU flags (modern virtio, 128 MiB,
// no NIC) on both.
func usertestsWorkloads(dir, args string, harts ...int) []workload {
	kernel, disk := filepath.Join(dir, "kernel", "kernel"), filepath.Join(dir, "fs.img")
	if len(harts) == 0 {
		harts = []int{3, 1}
	}
	var out []workload
	for _, harts := range harts {
		out = append(out, workload{
			name:   fmt.Sprintf("smp%d", harts),
			what:   fmt.Sprintf("`usertests %s` typed to ALL TESTS PASSED, %d harts", args, harts),
			inputs: []string{kernel, disk}, kernel: kernel, disk: disk, harts: harts,
			typed:  strings.TrimSpace("usertests " + args),
			until:  regexp.MustCompile(`(?m)^(ALL TESTS PASSED|SOME TESTS FAILED|FAILED -- .*)\r?$`),
			failed: regexp.MustCompile(`SOME TESTS FAILED|FAILED -- `),
			limit:  usertestsLimit,
		})
	}
	return out
}

// usertestsFromResults turns the medians into the file's figures.
func usertestsFromResults(tree string, results []result) *usertests {
	u := &usertests{tree: tree, seconds: map[string]float64{}}
	for _, r := range results {
		if len(r.rvemu.samples) > 0 {
			u.seconds["rvemu-"+r.w.name] = r.rvemu.median(seconds)
		}
		if hasQEMU(r) {
			u.seconds["qemu-"+r.w.name] = r.qemu.median(seconds)
		}
		if hasInterp(r) {
			u.seconds["interp-"+r.w.name] = r.interp.median(seconds)
		}
	}
	return u
}

// formatUsertests writes u in the format parseUsertests reads, comment
// lines first.
func formatUsertests(u *usertests, comments ...string) string {
	var b strings.Builder
	for _, c := range comments {
		fmt.Fprintf(&b, "# %s\n", c)
	}
	if u.tree != "" {
		fmt.Fprintf(&b, "tree: %s\n", u.tree)
	}
	for _, k := range usertestsKeys {
		if s, ok := u.seconds[k]; ok {
			fmt.Fprintf(&b, "%s: %.1f\n", k, s)
		}
	}
	return b.String()
}
