package gdbstub

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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

// What the limits turn away is counted on the server, across connections.
func TestServerCountsWhatLimitsRefuse(t *testing.T) {
	ft := newFakeTarget(1)
	defer ft.stop()
	s, err := Listen("127.0.0.1:0", ft, nil)
	require.NoError(t, err)
	defer s.Close()

	c, ask := dial(t, s)
	for i := 0; i < maxWatchpoints; i++ {
		require.Equal(t, "OK", ask(fmt.Sprintf("Z2,%x,8", 0x80000000+8*i)))
	}
	assert.Equal(t, errNoRoom, ask("Z2,90000000,8"))
	assert.Equal(t, errNoRoom, ask("Z3,90000000,8"))
	_, err = c.Write([]byte("$qC#00")) // wrong checksum: answered '-'
	require.NoError(t, err)
	nak := make([]byte, 1)
	_, err = io.ReadFull(c, nak)
	require.NoError(t, err)
	assert.Equal(t, "-", string(nak))
	// A packet longer than PacketSize ends the connection.
	_, err = c.Write([]byte("$" + strings.Repeat("m", maxPacket+1)))
	require.NoError(t, err)
	_, err = io.ReadAll(c)
	assert.NoError(t, err, "the stub hangs up (EOF)")
	c.Close()

	assert.Eventually(t, func() bool { return s.Stats().TooLong == 1 }, 5*time.Second, 10*time.Millisecond)
	st := s.Stats()
	assert.Equal(t, Stats{Connections: 1, TooLong: 1, BadChecksums: 1, TableFull: 2}, st)
	assert.Contains(t, st.String(), "1 ended for a packet over 16384 bytes, 1 bad checksums, 2 break/watchpoints refused")
}
