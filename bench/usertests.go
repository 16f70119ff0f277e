package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
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
//
// Any of the four may be left out; the targets then say "not measured".
type usertests struct {
	tree    string
	seconds map[string]float64 // by key: rvemu-smp3, rvemu-smp1, qemu-smp3, qemu-smp1
}

var usertestsKeys = []string{"rvemu-smp3", "rvemu-smp1", "qemu-smp3", "qemu-smp1"}

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
