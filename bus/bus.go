// Package bus is the physical address space of the board: one RAM block plus
// a short list of memory-mapped devices. CPUs use it for MMIO and for the
// slow path; devices use it for DMA. It knows nothing of addresses itself:
// the board (package machine) maps every region.
package bus

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Device is a block of memory-mapped registers. Offsets are relative to the
// region base, size is 1, 2, 4 or 8 bytes. A register a device does not know
// reads 0 and ignores writes (hardware does not fault on them).
type Device interface {
	Read(offset uint64, size int) uint64
	Write(offset uint64, size int, value uint64)
}

// IRQLine is one level-triggered interrupt wire into the interrupt
// controller. A device calls Set(true) while its condition holds.
type IRQLine interface {
	Set(level bool)
}

// ErrDMA is returned when a device addresses memory outside RAM.
var ErrDMA = errors.New("bus: DMA address outside RAM")

type region struct {
	name       string
	base, size uint64
	dev        Device
}

// Bus is the physical address space. RAM is exported so that the CPU's fast
// path can index it directly (one bounds check, no interface call).
type Bus struct {
	RAM     []byte
	RAMBase uint64

	regions []region

	// RAMWritten, when set, is called after a device (DMA) writes guest RAM,
	// so that caches of decoded instructions can drop stale pages.
	RAMWritten func(pa, n uint64)
}

// New returns a bus with size bytes of RAM at base.
func New(base, size uint64) *Bus {
	return &Bus{RAM: newRAM(size), RAMBase: base}
}

// Map places a device at [base, base+size). Overlaps are a board bug and panic.
func (b *Bus) Map(name string, base, size uint64, d Device) {
	for _, r := range b.regions {
		if base < r.base+r.size && r.base < base+size {
			panic(fmt.Sprintf("bus: %s at %#x overlaps %s", name, base, r.name))
		}
	}
	if base < b.RAMBase+uint64(len(b.RAM)) && b.RAMBase < base+size {
		panic(fmt.Sprintf("bus: %s at %#x overlaps RAM", name, base))
	}
	b.regions = append(b.regions, region{name, base, size, d})
}

// UnmapAll removes every mapped device and keeps RAM as it is: a board
// reset builds its devices anew over the same memory.
func (b *Bus) UnmapAll() { b.regions = nil }

// InRAM reports whether [pa, pa+n) lies inside RAM.
func (b *Bus) InRAM(pa, n uint64) bool {
	off := pa - b.RAMBase
	return pa >= b.RAMBase && off < uint64(len(b.RAM)) && n <= uint64(len(b.RAM))-off
}

func (b *Bus) find(pa uint64, size int) (Device, uint64, bool) {
	for i := range b.regions {
		r := &b.regions[i]
		if pa >= r.base && pa-r.base+uint64(size) <= r.size {
			return r.dev, pa - r.base, true
		}
	}
	return nil, 0, false
}

// Load reads size bytes at physical address pa (little-endian). ok is false
// when nothing is mapped there: the CPU raises an access fault.
func (b *Bus) Load(pa uint64, size int) (v uint64, ok bool) {
	if b.InRAM(pa, uint64(size)) {
		off := pa - b.RAMBase
		switch size {
		case 1:
			return uint64(b.RAM[off]), true
		case 2:
			return uint64(binary.LittleEndian.Uint16(b.RAM[off:])), true
		case 4:
			return uint64(binary.LittleEndian.Uint32(b.RAM[off:])), true
		case 8:
			return binary.LittleEndian.Uint64(b.RAM[off:]), true
		}
		return 0, false
	}
	d, off, found := b.find(pa, size)
	if !found {
		return 0, false
	}
	return d.Read(off, size), true
}

// Store writes size bytes at physical address pa. ok is false when nothing is
// mapped there. RAM stores through Bus do not call RAMWritten: the CPU that
// stores keeps its own caches coherent.
func (b *Bus) Store(pa uint64, size int, v uint64) (ok bool) {
	if b.InRAM(pa, uint64(size)) {
		off := pa - b.RAMBase
		switch size {
		case 1:
			b.RAM[off] = byte(v)
		case 2:
			binary.LittleEndian.PutUint16(b.RAM[off:], uint16(v))
		case 4:
			binary.LittleEndian.PutUint32(b.RAM[off:], uint32(v))
		case 8:
			binary.LittleEndian.PutUint64(b.RAM[off:], v)
		default:
			return false
		}
		return true
	}
	d, off, found := b.find(pa, size)
	if !found {
		return false
	}
	d.Write(off, size, v)
	return true
}

// ReadDMA copies guest RAM at pa into p. It fails without copying anything
// when any part of the range is outside RAM.
func (b *Bus) ReadDMA(pa uint64, p []byte) error {
	if !b.InRAM(pa, uint64(len(p))) {
		return ErrDMA
	}
	off := pa - b.RAMBase
	copy(p, b.RAM[off:off+uint64(len(p))])
	return nil
}

// WriteDMA copies p into guest RAM at pa. It fails without writing anything
// when any part of the range is outside RAM.
func (b *Bus) WriteDMA(pa uint64, p []byte) error {
	if !b.InRAM(pa, uint64(len(p))) {
		return ErrDMA
	}
	off := pa - b.RAMBase
	copy(b.RAM[off:], p)
	if b.RAMWritten != nil && len(p) > 0 {
		b.RAMWritten(pa, uint64(len(p)))
	}
	return nil
}

// Read64/Write64 and friends are DMA helpers for descriptor fields.
func (b *Bus) ReadU64(pa uint64) (uint64, error) {
	var x [8]byte
	err := b.ReadDMA(pa, x[:])
	return binary.LittleEndian.Uint64(x[:]), err
}

func (b *Bus) ReadU32(pa uint64) (uint32, error) {
	var x [4]byte
	err := b.ReadDMA(pa, x[:])
	return binary.LittleEndian.Uint32(x[:]), err
}

func (b *Bus) ReadU16(pa uint64) (uint16, error) {
	var x [2]byte
	err := b.ReadDMA(pa, x[:])
	return binary.LittleEndian.Uint16(x[:]), err
}

func (b *Bus) WriteU64(pa, v uint64) error {
	var x [8]byte
	binary.LittleEndian.PutUint64(x[:], v)
	return b.WriteDMA(pa, x[:])
}

func (b *Bus) WriteU32(pa uint64, v uint32) error {
	var x [4]byte
	binary.LittleEndian.PutUint32(x[:], v)
	return b.WriteDMA(pa, x[:])
}

func (b *Bus) WriteU16(pa uint64, v uint16) error {
	var x [2]byte
	binary.LittleEndian.PutUint16(x[:], v)
	return b.WriteDMA(pa, x[:])
}
