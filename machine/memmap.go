package machine

import (
	"github.com/rvemu/rvemu/clint"
	"github.com/rvemu/rvemu/plic"
	"github.com/rvemu/rvemu/uart"
	"github.com/rvemu/rvemu/virtio"
)

// The physical memory map of QEMU's virt board, the one xv6 is built for.
// This file is the only place in the emulator that knows these numbers.
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

	// RAMBase is where RAM starts and where harts start executing.
	RAMBase = 0x8000_0000
	// DefaultRAMSize is QEMU virt's default -m.
	DefaultRAMSize = 128 << 20

	// TimebaseHz is the mtime frequency (QEMU virt: 10 MHz).
	TimebaseHz = 10_000_000

	// plicSources is the number of interrupt sources the device tree
	// advertises (QEMU virt: 95 sources).
	plicSources = 95
)
