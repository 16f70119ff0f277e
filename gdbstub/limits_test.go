package gdbstub

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The breakpoint and watchpoint tables are bounded: past the bound Z
// answers ENOSPC and the target sees nothing new; removing one makes room.
func TestBreakpointAndWatchpointLimits(t *testing.T) {
	tests := []struct {
		name   string
		limit  int
		insert func(i int) string
		remove func(i int) string
		count  func(f *fakeTarget) int
	}{
		{"breakpoints", maxBreakpoints,
			func(i int) string { return fmt.Sprintf("Z0,%x,2", 0x80000000+2*i) },
			func(i int) string { return fmt.Sprintf("z0,%x,2", 0x80000000+2*i) },
			func(f *fakeTarget) int { return len(f.breakpoints) }},
		{"watchpoints", maxWatchpoints,
			func(i int) string { return fmt.Sprintf("Z2,%x,8", 0x80000000+8*i) },
			func(i int) string { return fmt.Sprintf("z2,%x,8", 0x80000000+8*i) },
			func(f *fakeTarget) int { return len(f.watchpoints) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, 1)
			for i := 0; i < tc.limit; i++ {
				if !assert.Equal(t, "OK", h.ask(tc.insert(i))) {
					return
				}
			}
			assert.Equal(t, errNoRoom, h.ask(tc.insert(tc.limit)))
			var n int
			h.target.onLoop(func() { n = tc.count(h.target) })
			assert.Equal(t, tc.limit, n)

			assert.Equal(t, "OK", h.ask(tc.remove(0)))
			assert.Equal(t, "OK", h.ask(tc.insert(tc.limit)), "room again")
		})
	}
}

// Removing a watchpoint that was never set changes nothing.
func TestRemoveAbsentWatchpoint(t *testing.T) {
	h := newHarness(t, 1)
	assert.Equal(t, "OK", h.ask("Z2,80000000,8"))
	assert.Equal(t, "OK", h.ask("z2,80000008,8"))
	var n int
	h.target.onLoop(func() { n = len(h.target.watchpoints) })
	assert.Equal(t, 1, n)
}
