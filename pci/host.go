package pci

import (
	"fmt"

	"github.com/rvemu/rvemu/bus"
)

// Host bridge identity (QEMU's generic PCIe host, gpex).
const (
	HostBridgeVendor = 0x1b36
	HostBridgeDevice = 0x0008
	classHostBridge  = 0x060000
)

// Host is the PCIe root complex: bus 0 with up to 32 slots of 8 functions.
type Host struct {
	funcs     [32][8]*Config
	irqs      [4]bus.IRQLine
	asserted  [4]int // functions currently holding each INTx line high
	windowLow uint64 // bus address of the memory window's first byte
}

// NewHost returns a host whose memory window starts at windowBase (the
// window device's offset 0 is that bus address) and whose INTA..INTD
// swizzle onto irqs[0..3]. Nil lines are allowed (interrupts dropped).
// The host bridge sits at 00:00.0.
func NewHost(windowBase uint64, irqs [4]bus.IRQLine) *Host {
	h := &Host{irqs: irqs, windowLow: windowBase}
	bridge := &Config{
		VendorID: HostBridgeVendor, DeviceID: HostBridgeDevice,
		Class: classHostBridge,
		// QEMU gives every function without its own subsystem IDs the
		// Red Hat/QEMU pair; the E1000 carries the same.
		SubsystemVendorID: 0x1af4, SubsystemID: 0x1100,
	}
	h.Attach(0, 0, bridge)
	return h
}

// Attach places a function at 00:slot.fn and wires its interrupt pin.
func (h *Host) Attach(slot, fn int, c *Config) {
	if slot < 0 || slot >= 32 || fn < 0 || fn >= 8 || h.funcs[slot][fn] != nil {
		panic(fmt.Sprintf("pci: bad or taken address 00:%02x.%d", slot, fn))
	}
	h.funcs[slot][fn] = c
	c.present = true
	if c.InterruptPin >= 1 && c.InterruptPin <= 4 {
		line := IRQIndex(slot, c.InterruptPin)
		held := false
		c.intx = func(level bool) {
			if level == held {
				return
			}
			held = level
			if level {
				h.asserted[line]++
			} else {
				h.asserted[line]--
			}
			if h.irqs[line] != nil {
				h.irqs[line].Set(h.asserted[line] > 0)
			}
		}
	}
}

// Function is a function on the bus and where it sits.
type Function struct {
	Slot, Func int
	Config     *Config
}

// Functions lists the attached functions in address order (for a
// monitor's info pci).
func (h *Host) Functions() []Function {
	var fs []Function
	for slot := range h.funcs {
		for fn, c := range h.funcs[slot] {
			if c != nil {
				fs = append(fs, Function{Slot: slot, Func: fn, Config: c})
			}
		}
	}
	return fs
}

// IRQIndex returns which of the host's four INTx lines pin (1..4 = INTA..
// INTD) of a function in slot drives: the pins rotate by slot, so that
// devices in neighbouring slots share lines evenly. The one place this
// swizzle is written; the board adds its first line's interrupt number.
func IRQIndex(slot int, pin uint8) int { return (slot + int(pin) - 1) % 4 }

// ECAM returns the configuration window: offset = bus<<20 | dev<<15 |
// fn<<12 | reg. Only bus 0 is populated.
func (h *Host) ECAM() bus.Device { return ecam{h} }

// Window returns the memory window device: accesses go to the memory BAR of
// the function whose guest-programmed address decodes them.
func (h *Host) Window() bus.Device { return window{h} }

type ecam struct{ h *Host }

func (e ecam) function(off uint64) (*Config, uint64) {
	busNo, dev, fn := off>>20, (off>>15)&31, (off>>12)&7
	if busNo != 0 {
		return nil, 0
	}
	return e.h.funcs[dev][fn], off & 0xFFF
}

func (e ecam) Read(off uint64, size int) uint64 {
	if size == 8 {
		return e.Read(off, 4) | e.Read(off+4, 4)<<32
	}
	c, reg := e.function(off)
	if c == nil {
		return 1<<(8*size) - 1 // master abort: all ones
	}
	shift := (reg & 3) * 8
	v := uint64(c.read32(reg&^3)) >> shift
	return v & (1<<(8*size) - 1)
}

func (e ecam) Write(off uint64, size int, v uint64) {
	if size == 8 {
		e.Write(off, 4, v&0xFFFF_FFFF)
		e.Write(off+4, 4, v>>32)
		return
	}
	c, reg := e.function(off)
	if c == nil {
		return
	}
	lanes := uint8(1<<size-1) << (reg & 3)
	c.write32(reg&^3, uint32(v<<((reg&3)*8)), lanes&0xF)
}

type window struct{ h *Host }

func (w window) route(off uint64, size int) (*BAR, uint64, bool) {
	addr := w.h.windowLow + off
	for slot := range w.h.funcs {
		for _, c := range w.h.funcs[slot] {
			if c == nil {
				continue
			}
			if b, inner, ok := c.decode(addr, size); ok {
				return b, inner, true
			}
		}
	}
	return nil, 0, false
}

// Read of an address no BAR claims completes with all ones (master abort).
func (w window) Read(off uint64, size int) uint64 {
	if b, inner, ok := w.route(off, size); ok {
		return b.Regs.Read(inner, size)
	}
	return 1<<(8*size) - 1
}

func (w window) Write(off uint64, size int, v uint64) {
	if b, inner, ok := w.route(off, size); ok {
		b.Regs.Write(inner, size, v)
	}
}
