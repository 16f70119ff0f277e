// Package pci models the PCI Express host of the QEMU virt board: an ECAM
// configuration window, a memory window routed by the BARs guests program,
// and INTx lines swizzled onto four interrupt-controller inputs.
//
// Devices describe themselves with a Config (the type-0 configuration
// header) and never see the host: they ask their Config whether bus
// mastering is on and drive their interrupt pin through it.
package pci

// COMMAND register bits that change how the host treats a function.
const (
	CommandIO           = 1 << 0
	CommandMemory       = 1 << 1
	CommandBusMaster    = 1 << 2
	CommandINTxDisable  = 1 << 10
	commandWritableBits = CommandIO | CommandMemory | CommandBusMaster | 1<<6 | 1<<8 | CommandINTxDisable
)

// Standard header offsets (byte offsets in configuration space).
const (
	regID        = 0x00
	regCommand   = 0x04
	regClassRev  = 0x08
	regMisc      = 0x0C // cache line, latency timer, header type, BIST
	regBAR0      = 0x10
	regSubsystem = 0x2C
	regIntr      = 0x3C
)

// BAR describes one base address register of a function. A BAR with Size 0
// is unimplemented: it reads 0 and ignores writes.
type BAR struct {
	Size uint64 // power of two, at least 16 for memory and 4 for I/O
	IO   bool   // I/O space BAR (bit 0 set); inert on this board
	// Regs receives accesses that decode to this BAR, at the offset inside it.
	Regs interface {
		Read(offset uint64, size int) uint64
		Write(offset uint64, size int, value uint64)
	}
}

// Config is a function's type-0 configuration header. Identity fields are
// fixed when the device is built; the guest-writable state lives here too so
// that the host can decode the memory window from it.
type Config struct {
	VendorID, DeviceID uint16
	Revision           uint8
	Class              uint32 // class<<16 | subclass<<8 | prog-if
	HeaderType         uint8
	SubsystemVendorID  uint16
	SubsystemID        uint16
	InterruptPin       uint8 // 1 = INTA .. 4 = INTD, 0 = none
	BARs               [6]BAR

	// CommandChanged, when set, runs after the guest writes COMMAND, so a
	// device can resume work that waited for bus mastering.
	CommandChanged func(command uint16)

	command   uint16
	cacheLine uint8
	latency   uint8
	intLine   uint8
	barAddr   [6]uint64 // guest-programmed base, already masked to the size

	// Set by the host when the function is attached.
	intx    func(level bool)
	level   bool
	present bool
}

// BusMaster reports whether the guest allows the function to master the bus
// (DMA). Devices must refuse DMA while it is false.
func (c *Config) BusMaster() bool { return c.command&CommandBusMaster != 0 }

// MemoryEnabled reports whether memory BARs decode.
func (c *Config) MemoryEnabled() bool { return c.command&CommandMemory != 0 }

// InterruptLine returns the INTERRUPT_LINE register (what the guest wrote;
// the host routes by pin, not by this).
func (c *Config) InterruptLine() uint8 { return c.intLine }

// Command returns the COMMAND register.
func (c *Config) Command() uint16 { return c.command }

// BARAddress returns the guest-programmed base of BAR i.
func (c *Config) BARAddress(i int) uint64 { return c.barAddr[i] }

// SetINTx drives the function's interrupt pin (level-triggered). The host
// delivers it unless COMMAND's INTx-disable bit is set.
func (c *Config) SetINTx(level bool) {
	c.level = level
	if c.intx != nil {
		c.intx(level && c.command&CommandINTxDisable == 0)
	}
}

// read32 returns the configuration dword at the dword-aligned offset reg.
func (c *Config) read32(reg uint64) uint32 {
	switch {
	case reg == regID:
		return uint32(c.DeviceID)<<16 | uint32(c.VendorID)
	case reg == regCommand:
		return uint32(c.command) // STATUS reads 0: no capabilities, no errors
	case reg == regClassRev:
		return c.Class<<8 | uint32(c.Revision)
	case reg == regMisc:
		return uint32(c.HeaderType)<<16 | uint32(c.latency)<<8 | uint32(c.cacheLine)
	case reg >= regBAR0 && reg < regBAR0+24:
		i := (reg - regBAR0) / 4
		b := c.BARs[i]
		if b.Size == 0 {
			return 0
		}
		v := uint32(c.barAddr[i])
		if b.IO {
			v |= 1
		}
		return v
	case reg == regSubsystem:
		return uint32(c.SubsystemID)<<16 | uint32(c.SubsystemVendorID)
	case reg == regIntr:
		return uint32(c.InterruptPin)<<8 | uint32(c.intLine)
	}
	return 0
}

// write32 applies a write of v to the bytes of dword reg selected by mask
// (one bit per byte lane), as a sub-dword write would.
func (c *Config) write32(reg uint64, v uint32, lanes uint8) {
	var m uint32
	for i := 0; i < 4; i++ {
		if lanes&(1<<i) != 0 {
			m |= 0xFF << (8 * i)
		}
	}
	v = c.read32(reg)&^m | v&m
	switch {
	case reg == regCommand:
		if m&0xFFFF == 0 {
			return // STATUS only: its error bits are write-1-to-clear and all 0
		}
		c.command = uint16(v) & commandWritableBits
		c.SetINTx(c.level)
		if c.CommandChanged != nil {
			c.CommandChanged(c.command)
		}
	case reg == regMisc:
		c.cacheLine = uint8(v)
		c.latency = uint8(v >> 8)
	case reg >= regBAR0 && reg < regBAR0+24:
		i := (reg - regBAR0) / 4
		if b := c.BARs[i]; b.Size != 0 {
			// Address bits below the size are hard-wired to zero: that is
			// what makes the all-ones sizing probe work.
			c.barAddr[i] = uint64(v) &^ (b.Size - 1) & 0xFFFF_FFFF
		}
	case reg == regIntr:
		c.intLine = uint8(v)
	}
}

// decode reports whether the memory address addr hits one of the function's
// memory BARs, and which one at what offset.
func (c *Config) decode(addr uint64, size int) (*BAR, uint64, bool) {
	if !c.MemoryEnabled() {
		return nil, 0, false
	}
	for i := range c.BARs {
		b := &c.BARs[i]
		if b.Size == 0 || b.IO || b.Regs == nil || c.barAddr[i] == 0 {
			continue
		}
		if addr >= c.barAddr[i] && addr-c.barAddr[i]+uint64(size) <= b.Size {
			return b, addr - c.barAddr[i], true
		}
	}
	return nil, 0, false
}
