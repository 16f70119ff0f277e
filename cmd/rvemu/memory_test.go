package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestGCPercentKeepsGarbageNearEightMiB(t *testing.T) {
	const mib = 1 << 20
	tests := []struct {
		name            string
		ram, live, heap uint64
		want            int
	}{
		{"128 MiB, nothing else", 128 * mib, 128 * mib, 128 * mib, 7},
		{"64 MiB", 64 * mib, 64 * mib, 64 * mib, 13},
		{"2 GiB", 2 << 30, 2 << 30, 2 << 30, 1},
		{"small boards keep the default", 4 * mib, 4 * mib, 4 * mib, 100},
		// The board's own tables, allocated after the collection the RAM
		// set off, do not come out of the headroom: the next collection is
		// ~8 MiB past the heap it starts with.
		{"128 MiB and 5 MiB of tables", 128 * mib, 128 * mib, 133 * mib, 11},
		{"that collection still under way", 128 * mib, 1 * mib, 133 * mib, 11},
	}
	for _, tt := range tests {
		p := gcPercent(tt.ram, tt.live, tt.heap)
		assert.Equal(t, tt.want, p, tt.name)
		if p > 1 && p < 100 {
			base := max(tt.live, tt.ram)
			goal := base + base*uint64(p)/100
			assert.GreaterOrEqual(t, goal, tt.heap+8*mib, "%s: the next collection leaves 8 MiB", tt.name)
			assert.Less(t, goal, tt.heap+10*mib, "%s: and not much more", tt.name)
		}
	}
}
