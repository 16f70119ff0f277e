package pci

import (
	"testing"

	"github.com/rvemu/rvemu/bus"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type levelLine struct{ level bool }

func (l *levelLine) Set(v bool) { l.level = v }

// regFile is a BAR target that remembers the last write and echoes offsets.
type regFile struct {
	lastOff  uint64
	lastVal  uint64
	accesses int
}

func (r *regFile) Read(off uint64, size int) uint64 { r.accesses++; return 0xA000_0000 | off }
func (r *regFile) Write(off uint64, size int, v uint64) {
	r.accesses++
	r.lastOff, r.lastVal = off, v
}

const windowBase = 0x4000_0000

func nic(regs *regFile) *Config {
	return &Config{
		VendorID: 0x8086, DeviceID: 0x100E, Revision: 3, Class: 0x020000,
		InterruptPin: 1,
		BARs:         [6]BAR{{Size: 128 << 10, Regs: regs}, {Size: 64, IO: true}},
	}
}

func newBoard(t *testing.T) (*Host, *Config, *regFile, [4]*levelLine) {
	t.Helper()
	var lines [4]*levelLine
	var irqs [4]bus.IRQLine
	for i := range lines {
		lines[i] = &levelLine{}
		irqs[i] = lines[i]
	}
	h := NewHost(windowBase, irqs)
	regs := &regFile{}
	c := nic(regs)
	h.Attach(1, 0, c)
	return h, c, regs, lines
}

func cfgAddr(dev, fn, reg uint64) uint64 { return dev<<15 | fn<<12 | reg }

func TestConfigReads(t *testing.T) {
	h, _, _, _ := newBoard(t)
	e := h.ECAM()
	tests := []struct {
		name string
		off  uint64
		size int
		want uint64
	}{
		{"host bridge id", cfgAddr(0, 0, 0), 4, 0x0008_1b36},
		{"host bridge class", cfgAddr(0, 0, 8), 4, 0x0600_0000},
		{"nic id", cfgAddr(1, 0, 0), 4, 0x100E_8086},
		{"nic vendor halfword", cfgAddr(1, 0, 0), 2, 0x8086},
		{"nic device halfword", cfgAddr(1, 0, 2), 2, 0x100E},
		{"nic class and revision", cfgAddr(1, 0, 8), 4, 0x0200_0003},
		{"nic interrupt pin byte", cfgAddr(1, 0, 0x3D), 1, 1},
		{"nic header type", cfgAddr(1, 0, 0x0E), 1, 0},
		{"absent slot", cfgAddr(2, 0, 0), 4, 0xFFFF_FFFF},
		{"absent function of bridge", cfgAddr(0, 2, 0), 4, 0xFFFF_FFFF},
		{"absent function byte", cfgAddr(5, 3, 0x3C), 1, 0xFF},
		{"bus 1 absent", 1<<20 | cfgAddr(1, 0, 0), 4, 0xFFFF_FFFF},
		{"unimplemented BAR2", cfgAddr(1, 0, 0x18), 4, 0},
		{"io BAR reads bit 0", cfgAddr(1, 0, 0x14), 4, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, e.Read(tt.off, tt.size))
		})
	}
}

func TestBARSizing(t *testing.T) {
	tests := []struct {
		bar  uint64
		want uint64
	}{
		{0, 0xFFFE_0000},     // 128 KiB memory
		{1, 0xFFFF_FFC0 | 1}, // 64-byte I/O
		{2, 0},               // unimplemented
		{5, 0},
	}
	for _, tt := range tests {
		h, _, _, _ := newBoard(t)
		e := h.ECAM()
		reg := cfgAddr(1, 0, 0x10+4*tt.bar)
		e.Write(reg, 4, 0xFFFF_FFFF)
		assert.Equal(t, tt.want, e.Read(reg, 4), "BAR%d", tt.bar)
		e.Write(reg, 4, 0)
		assert.Equal(t, tt.want&1, e.Read(reg, 4), "BAR%d restored", tt.bar)
	}
}

func TestXv6ScanFindsSlotOne(t *testing.T) {
	h, _, _, _ := newBoard(t)
	e := h.ECAM()
	found := -1
	// xv6 adds dev<<11 to a uint32 pointer: byte offset dev<<13.
	for dev := uint64(0); dev < 32; dev++ {
		if e.Read(dev<<13, 4) == 0x100E_8086 {
			found = int(dev)
			break
		}
	}
	assert.Equal(t, 4, found)
}

func TestWindowRoutesOnlyWithMemoryDecode(t *testing.T) {
	h, c, regs, _ := newBoard(t)
	e, w := h.ECAM(), h.Window()
	e.Write(cfgAddr(1, 0, 0x10), 4, windowBase)
	assert.Equal(t, uint64(0xFFFF_FFFF), w.Read(0x10, 4), "decode off: master abort")
	assert.Equal(t, 0, regs.accesses)

	e.Write(cfgAddr(1, 0, 4), 2, CommandMemory|CommandBusMaster|CommandIO)
	assert.True(t, c.MemoryEnabled())
	assert.True(t, c.BusMaster())
	assert.Equal(t, uint64(0xA000_0010), w.Read(0x10, 4))
	w.Write(0x3818, 4, 7)
	assert.Equal(t, uint64(0x3818), regs.lastOff)
	assert.Equal(t, uint64(7), regs.lastVal)
	assert.Equal(t, uint64(0xFFFF_FFFF), w.Read(128<<10, 4), "past the BAR")

	// Moving the BAR moves the decode.
	e.Write(cfgAddr(1, 0, 0x10), 4, windowBase+0x100000)
	assert.Equal(t, uint64(0xFFFF_FFFF), w.Read(0x10, 4))
	assert.Equal(t, uint64(0xA000_0010), w.Read(0x100010, 4))
}

func TestCommandWritesAndBusMaster(t *testing.T) {
	h, c, _, _ := newBoard(t)
	e := h.ECAM()
	var seen []uint16
	c.CommandChanged = func(v uint16) { seen = append(seen, v) }
	e.Write(cfgAddr(1, 0, 4), 4, 0xFFFF_0007)
	assert.Equal(t, uint64(7), e.Read(cfgAddr(1, 0, 4), 4), "STATUS reads 0")
	e.Write(cfgAddr(1, 0, 4), 1, 3)
	assert.False(t, c.BusMaster())
	assert.Equal(t, []uint16{7, 3}, seen)
	e.Write(cfgAddr(1, 0, 0x3C), 1, 33)
	assert.Equal(t, uint64(0x0121), e.Read(cfgAddr(1, 0, 0x3C), 2))
}

func TestINTxSwizzleAndDisable(t *testing.T) {
	h, c, _, lines := newBoard(t)
	require.Equal(t, 1, IRQIndex(1, 1), "slot 1 INTA is the host's line 1 (PLIC 33)")
	c.SetINTx(true)
	assert.True(t, lines[1].level)
	assert.False(t, lines[0].level || lines[2].level || lines[3].level)

	// A second function sharing the line keeps it up until both drop.
	other := &Config{VendorID: 1, InterruptPin: 4} // slot 2, INTD -> (2+3)%4 = 1
	h.Attach(2, 0, other)
	other.SetINTx(true)
	c.SetINTx(false)
	assert.True(t, lines[1].level)
	other.SetINTx(false)
	assert.False(t, lines[1].level)

	c.SetINTx(true)
	h.ECAM().Write(cfgAddr(1, 0, 4), 2, CommandINTxDisable)
	assert.False(t, lines[1].level, "INTx disable masks the pin")
	h.ECAM().Write(cfgAddr(1, 0, 4), 2, 0)
	assert.True(t, lines[1].level)
}

func TestFunctionsListsAttached(t *testing.T) {
	h := NewHost(0x4000_0000, [4]bus.IRQLine{})
	nic := &Config{VendorID: 0x8086, DeviceID: 0x100e, InterruptPin: 1}
	h.Attach(1, 0, nic)
	fs := h.Functions()
	require.Len(t, fs, 2)
	assert.Equal(t, 0, fs[0].Slot, "the host bridge first")
	assert.Equal(t, Function{Slot: 1, Func: 0, Config: nic}, fs[1])
	h.ECAM().Write(1<<15|0x3c, 1, 11)
	assert.Equal(t, uint8(11), nic.InterruptLine())
}
