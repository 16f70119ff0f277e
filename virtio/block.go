// Package virtio models a virtio-mmio block device as on QEMU's virt board,
// in either the legacy (version 1) or the modern (version 1.x, "version 2")
// register layout, with one split virtqueue. Requests are served
// synchronously at the queue-notify write, so the used ring and the
// interrupt are in place before the guest runs its next instruction.
package virtio

import "github.com/rvemu/rvemu/bus"

// Size of the register region the board reserves for one virtio-mmio slot.
const Size = 0x1000

// Identity registers.
const (
	magicValue = 0x74726976 // "virt"
	vendorQEMU = 0x554d4551 // "QEMU"
	deviceBlk  = 2
)

// QueueNumMax is the largest queue the device accepts: QEMU 7.2's
// virtio-mmio reports VIRTQUEUE_MAX_SIZE, 1024, for any existing queue.
const QueueNumMax = 1024

// Device status bits.
const (
	statusAcknowledge = 1
	statusDriver      = 2
	statusDriverOK    = 4
	statusFeaturesOK  = 8
	statusNeedsReset  = 64
	statusFailed      = 128
)

// Interrupt status bits.
const (
	intUsedRing     = 1
	intConfigChange = 2
)

// Feature bits offered. INDIRECT_DESC and EVENT_IDX are deliberately not
// offered: every buffer is a plain chain, and every completion interrupts.
const (
	featSegMax   = 1 << 2
	featBlkSize  = 1 << 6
	featFlush    = 1 << 9
	featVersion1 = 1 << 32
)

const sectorSize = 512

// Block is a virtio-mmio block device. It is touched only from the machine
// loop, so it needs no locking.
type Block struct {
	bus    *bus.Bus
	irq    bus.IRQLine
	disk   Disk
	legacy bool
	log    logOnce

	status            uint32
	deviceFeaturesSel uint32
	driverFeaturesSel uint32
	driverFeatures    uint64
	guestPageSize     uint32 // legacy: unit of QUEUE_PFN
	queueSel          uint32
	interruptStatus   uint32
	q                 queue

	versionRead bool // for Probe
	driverOK    bool

	segs []segment // descriptor chain scratch, reused across requests

	requestHook func(Request) // --trace virtio (trace.go)
}

// NewBlock returns a block device serving disk, doing DMA through b and
// raising irq. legacy selects the version-1 register layout.
func NewBlock(b *bus.Bus, irq bus.IRQLine, disk Disk, legacy bool) *Block {
	d := &Block{bus: b, irq: irq, disk: disk, legacy: legacy, guestPageSize: 4096}
	d.reset()
	return d
}

// SetLog sends the device's reports of guest errors (one per kind,
// "virtio-blk: ..." lines) to printf instead of the standard logger.
func (d *Block) SetLog(printf func(format string, args ...any)) { d.log.printf = printf }

// Probe reports whether the guest has read the VERSION register and whether
// it ever set DRIVER_OK. A kernel that read the version but never got to
// DRIVER_OK most likely expected the other register layout.
func (d *Block) Probe() (versionRead bool, driverOK bool) {
	return d.versionRead, d.driverOK
}

// offered is the feature set the device advertises.
func (d *Block) offered() uint64 {
	f := uint64(featSegMax | featBlkSize | featFlush)
	if !d.legacy {
		f |= featVersion1
	}
	return f
}

// reset returns the device to its power-on state (status 0 written, or a
// legacy QUEUE_PFN of 0). The probe flags and the legacy page size survive:
// they are not part of the device's reset state in QEMU either.
func (d *Block) reset() {
	d.status = 0
	d.deviceFeaturesSel = 0
	d.driverFeaturesSel = 0
	d.driverFeatures = 0
	d.queueSel = 0
	d.q = queue{align: 4096}
	d.interruptStatus = 0
	d.irq.Set(false)
}

// setStatus handles a STATUS write. FEATURES_OK is refused (left clear for
// the driver to read back) when the driver accepted features that were not
// offered.
func (d *Block) setStatus(v uint32) {
	v &= 0xff
	if v == 0 {
		d.reset()
		return
	}
	if v&statusFeaturesOK != 0 && d.status&statusFeaturesOK == 0 && d.driverFeatures&^d.offered() != 0 {
		d.log.report("features", "driver accepted unoffered features %#x", d.driverFeatures&^d.offered())
		v &^= statusFeaturesOK
	}
	if v&statusDriverOK != 0 {
		d.driverOK = true
	}
	d.status = v | d.status&statusNeedsReset
}

// raise sets interrupt status bits and drives the line. Each call is a new
// event for the PLIC, which latches on every Set(true).
func (d *Block) raise(bits uint32) {
	d.interruptStatus |= bits
	d.irq.Set(d.interruptStatus != 0)
}

// fail marks the device broken after a guest error it cannot report in a
// request's status byte (a bad ring or chain): the queue stops, and a modern
// driver is told through DEVICE_NEEDS_RESET and a configuration interrupt.
func (d *Block) fail(cause, format string, args ...any) {
	d.log.report(cause, format, args...)
	d.q.broken = true
	d.status |= statusNeedsReset
	if !d.legacy {
		d.raise(intConfigChange)
	}
}
