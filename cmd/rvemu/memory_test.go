package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestGCPercentKeepsGarbageNearEightMiB(t *testing.T) {
	tests := []struct {
		ram  uint64
		want int
	}{
		{128 << 20, 6},
		{64 << 20, 12},
		{2 << 30, 1},
		{4 << 20, 100}, // small boards keep the default
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, gcPercent(tt.ram), "RAM %d MiB", tt.ram>>20)
	}
}
