package bus

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

type regDevice struct{ v uint64 }

func (d *regDevice) Read(offset uint64, size int) uint64     { return d.v }
func (d *regDevice) Write(offset uint64, size int, v uint64) { d.v = v }

// UnmapAll leaves RAM and its contents; the addresses devices held read
// as nothing (an access fault) until devices are mapped again there.
func TestUnmapAllKeepsRAM(t *testing.T) {
	b := New(0x8000_0000, 1<<20)
	old := &regDevice{v: 1}
	b.Map("dev", 0x1000_0000, 0x100, old)
	b.RAM[10] = 0x5a
	b.UnmapAll()
	_, ok := b.Load(0x1000_0000, 4)
	assert.False(t, ok, "no device after UnmapAll")
	assert.Equal(t, byte(0x5a), b.RAM[10])
	v, ok := b.Load(0x8000_000a, 1)
	assert.True(t, ok)
	assert.Equal(t, uint64(0x5a), v)

	fresh := &regDevice{v: 2}
	b.Map("dev", 0x1000_0000, 0x100, fresh) // no overlap panic: the old one is gone
	v, ok = b.Load(0x1000_0000, 4)
	assert.True(t, ok)
	assert.Equal(t, uint64(2), v)
}
