//go:build linux

package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []float64
		want float64
	}{
		{"none", nil, 0},
		{"one", []float64{3}, 3},
		{"odd, unsorted", []float64{5, 1, 3}, 3},
		{"even: mean of the middle two", []float64{4, 1, 3, 2}, 2.5},
		{"outlier ignored", []float64{1, 1, 100, 1, 2}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := append([]float64(nil), tc.in...)
			assert.Equal(t, tc.want, median(tc.in))
			assert.Equal(t, in, tc.in, "median must not reorder its input")
		})
	}
}

func TestPercentile(t *testing.T) {
	hundred := make([]float64, 100)
	for i := range hundred {
		hundred[i] = float64(100 - i) // 100..1, unsorted
	}
	for _, tc := range []struct {
		name string
		in   []float64
		p    float64
		want float64
	}{
		{"none", nil, 50, 0},
		{"one value is every percentile", []float64{7}, 99, 7},
		{"p50 of 1..100", hundred, 50, 50},
		{"p99 of 1..100", hundred, 99, 99},
		{"p100 is the maximum", hundred, 100, 100},
		{"nearest rank rounds up", []float64{1, 2, 3}, 50, 2},
		{"p99 of a few is the maximum", []float64{1, 2, 3, 40}, 99, 40},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, percentile(tc.in, tc.p))
		})
	}
}

func TestRatio(t *testing.T) {
	for _, tc := range []struct {
		a, b, want float64
	}{
		{1, 2, 0.5},
		{3, 1, 3},
		{1, 0, 0}, // nothing to compare with
	} {
		assert.Equal(t, tc.want, ratio(tc.a, tc.b), "%v/%v", tc.a, tc.b)
	}
}

func TestSeriesMedian(t *testing.T) {
	s := series{samples: []sample{{seconds: 3, rssKiB: 2048}, {seconds: 1, rssKiB: 1024}, {seconds: 2, rssKiB: 4096}}}
	assert.Equal(t, 2.0, s.median(seconds))
	assert.Equal(t, 2.0, s.median(rssMiB))
	assert.Equal(t, 0.0, series{}.median(seconds))
}
