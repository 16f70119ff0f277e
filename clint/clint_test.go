package clint

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeClock is a settable mtime source.
type fakeClock struct{ now uint64 }

func (f *fakeClock) read() uint64 { return f.now }

func TestResetState(t *testing.T) {
	clk := &fakeClock{now: 12345}
	c := New(3, clk.read)
	for h := 0; h < 3; h++ {
		assert.False(t, c.MSIP(h))
		assert.False(t, c.MTIP(h), "mtimecmp resets to all-ones")
		assert.Equal(t, uint64(0xffffffffffffffff), c.Read(mtimecmpBase+8*uint64(h), 8))
	}
	_, ok := c.NextDeadline()
	assert.False(t, ok, "no timer armed after reset")
}

func TestRegisters(t *testing.T) {
	tests := []struct {
		name     string
		write    []access
		readOff  uint64
		readSize int
		want     uint64
	}{
		{"msip hart1 set", w(0x4, 4, 1), 0x4, 4, 1},
		{"msip keeps only bit0", w(0x0, 4, 0xfffffffe), 0x0, 4, 0},
		{"msip beyond harts ignored", w(0xc, 4, 1), 0xc, 4, 0},
		{"mtimecmp 8-byte", w(0x4008, 8, 0x1122334455667788), 0x4008, 8, 0x1122334455667788},
		{"mtimecmp low half", w(0x4000, 4, 0xaabbccdd), 0x4000, 8, 0xffffffffaabbccdd},
		{"mtimecmp high half", w(0x4004, 4, 0x01020304), 0x4000, 8, 0x01020304ffffffff},
		{"mtimecmp read high half", w(0x4010, 8, 0x1122334455667788), 0x4014, 4, 0x11223344},
		{"mtimecmp read low half", w(0x4010, 8, 0x1122334455667788), 0x4010, 4, 0x55667788},
		{"mtime reads clock", nil, 0xbff8, 8, 1_000_000_007},
		{"mtime write ignored", w(0xbff8, 8, 5), 0xbff8, 8, 1_000_000_007},
		{"mtime high half", nil, 0xbffc, 4, 1_000_000_007 >> 32},
		{"unknown offset reads 0", w(0x8000, 4, 7), 0x8000, 4, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clk := &fakeClock{now: 1_000_000_007}
			c := New(3, clk.read)
			for _, a := range tc.write {
				c.Write(a.off, a.size, a.val)
			}
			assert.Equal(t, tc.want, c.Read(tc.readOff, tc.readSize))
		})
	}
}

// access is one register write of a test case.
type access struct {
	off  uint64
	size int
	val  uint64
}

// w is a single write.
func w(off uint64, size int, val uint64) []access { return []access{{off, size, val}} }

func TestTimerInterrupt(t *testing.T) {
	clk := &fakeClock{now: 100}
	c := New(2, clk.read)
	c.Write(mtimecmpBase+8, 8, 150)
	assert.False(t, c.MTIP(1))
	assert.False(t, c.MTIP(0))
	d, ok := c.NextDeadline()
	require.True(t, ok)
	assert.Equal(t, uint64(150), d)

	clk.now = 150
	assert.True(t, c.MTIP(1), "mtime == mtimecmp fires")
	assert.False(t, c.MTIP(0))

	// Re-arming clears the pending timer, as xv6's timer handler does.
	c.Write(mtimecmpBase+8, 8, 1150)
	assert.False(t, c.MTIP(1))

	c.Write(mtimecmpBase, 8, 900)
	d, ok = c.NextDeadline()
	require.True(t, ok)
	assert.Equal(t, uint64(900), d, "earliest over harts")
}

func TestSoftwareInterrupt(t *testing.T) {
	c := New(2, func() uint64 { return 0 })
	c.Write(msipBase+4, 4, 1)
	assert.False(t, c.MSIP(0))
	assert.True(t, c.MSIP(1))
	c.Write(msipBase+4, 4, 0)
	assert.False(t, c.MSIP(1))
}
