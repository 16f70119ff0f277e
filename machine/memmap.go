package machine

import (
	"github.com/rvemu/rvemu/clint"
	"github.com/rvemu/rvemu/pci"
	"github.com/rvemu/rvemu/plic"
	"github.com/rvemu/rvemu/uart"
	"github.com/rvemu/rvemu/virtio"
)

// The physical memory map and interrupt wiring of QEMU's virt board, the
// one xv6 is built for. This file is the only place in the emulator that
// knows these numbers: the device tree, the wiring and the traces read them
// here.
const (
	finisherBase = 0x0010_0000
	finisherSize = 0x1000

	clintBase = 0x0200_0000
	clintSize = clint.Size

	plicBase = 0x0c00_0000
	plicSize = plic.Size

	uartBase = 0x1000_0000
	uartSize = uart.Size
	uartIRQ  = 10

	virtioBase = 0x1000_1000
	virtioSize = virtio.Size
	virtioIRQ  = 1

	pcieECAMBase = 0x3000_0000
	pcieECAMSize = 0x1000_0000
	pcieMMIOBase = 0x4000_0000
	pcieMMIOSize = 0x4000_0000
	// pcieIRQBase is the PLIC source of the PCIe host's first INTx line
	// (QEMU virt: 32); its four lines are PLIC 32..35.
	pcieIRQBase = 32
	// nicSlot is the E1000's PCI slot (00:01.0, QEMU's first free slot).
	nicSlot = 1

	// RAMBase is where RAM starts and where harts start executing.
	RAMBase = 0x8000_0000
	// DefaultRAMSize is QEMU virt's default -m.
	DefaultRAMSize = 128 << 20
	// MaxRAMSize is the most RAM the board maps, from RAMBase up; nothing
	// else sits above RAMBase on the virt board.
	MaxRAMSize = 4 << 30
	// fdtLimit: the device tree stays below 3 GiB, where a 32-bit
	// kernel can reach it (QEMU's rule for large RAM).
	fdtLimit = 3 << 30

	// TimebaseHz is the mtime frequency (QEMU virt: 10 MHz).
	TimebaseHz = 10_000_000

	// plicSources is the number of interrupt sources the device tree
	// advertises (QEMU virt: 95 sources).
	plicSources = 95
)

// pinINTA is a PCI function's first interrupt pin (InterruptPin 1).
const pinINTA = 1

// nicIRQ is the E1000's PLIC source: INTA of slot 1 -> PLIC 33.
var nicIRQ = pcieIRQ(nicSlot, pinINTA)

// pcieIRQ is the PLIC source that pin (1..4) of a function in slot
// raises: the PCI host's swizzle onto its four lines, from pcieIRQBase.
func pcieIRQ(slot int, pin uint8) int { return pcieIRQBase + pci.IRQIndex(slot, pin) }

// irqName names an interrupt source of this board for traces.
func irqName(src uint32) string {
	switch int(src) {
	case 0:
		return "none"
	case uartIRQ:
		return "uart"
	case virtioIRQ:
		return "virtio"
	case nicIRQ:
		return "e1000"
	}
	return "?"
}
