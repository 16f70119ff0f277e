//go:build linux

package main

import (
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
)

type series struct {
	samples []sample
	failed  []string // one line per failed run: its number and what went wrong
}

// add records one run's sample, or its failure.
func (s *series) add(x sample, err error) {
	if err != nil {
		// The error's first line says what went wrong, its last the
		// guest's last words (where it hung).
		lines := strings.Split(strings.TrimSpace(err.Error()), "\n")
		what := lines[0]
		if last := strings.TrimSpace(lines[len(lines)-1]); len(lines) > 1 && last != "" {
			what += " " + last
		}
		s.failed = append(s.failed, fmt.Sprintf("run %d: %s", len(s.samples)+len(s.failed)+1, what))
		fmt.Fprintf(os.Stderr, "bench: %s\n", s.failed[len(s.failed)-1])
		return
	}
	s.samples = append(s.samples, x)
}

func (s series) median(f func(sample) float64) float64 {
	v := make([]float64, len(s.samples))
	for i, x := range s.samples {
		v[i] = f(x)
	}
	return median(v)
}

// median of v (0 for none); v is not changed.
func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// percentile is the nearest-rank p-th percentile (0 < p <= 100) of v: the
// smallest value with at least p% of the values at or below it.
func percentile(v []float64, p float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	if rank < 1 {
		rank = 1
	}
	if rank > len(s) {
		rank = len(s)
	}
	return s[rank-1]
}

// ratio is a/b, or 0 when b is 0 (nothing to compare with).
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}
