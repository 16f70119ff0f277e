package virtio

import "encoding/binary"

// Register offsets. Those marked legacy or modern exist in one layout only
// and read 0 / ignore writes in the other, as in QEMU.
const (
	regMagic             = 0x000
	regVersion           = 0x004
	regDeviceID          = 0x008
	regVendorID          = 0x00c
	regDeviceFeatures    = 0x010
	regDeviceFeaturesSel = 0x014
	regDriverFeatures    = 0x020
	regDriverFeaturesSel = 0x024
	regGuestPageSize     = 0x028 // legacy
	regQueueSel          = 0x030
	regQueueNumMax       = 0x034
	regQueueNum          = 0x038
	regQueueAlign        = 0x03c // legacy
	regQueuePFN          = 0x040 // legacy
	regQueueReady        = 0x044 // modern
	regQueueNotify       = 0x050
	regInterruptStatus   = 0x060
	regInterruptACK      = 0x064
	regStatus            = 0x070
	regQueueDescLow      = 0x080 // modern from here to the config space
	regQueueDescHigh     = 0x084
	regQueueDriverLow    = 0x090
	regQueueDriverHigh   = 0x094
	regQueueDeviceLow    = 0x0a0
	regQueueDeviceHigh   = 0x0a4
	regConfigGeneration  = 0x0fc
	regConfig            = 0x100
)

// Read implements bus.Device. Registers below the configuration space are
// 32-bit; other access sizes read 0.
func (d *Block) Read(off uint64, size int) uint64 {
	if off >= regConfig {
		return d.readConfig(off-regConfig, size)
	}
	if size != 4 {
		d.log.report("size", "%d-byte read of register %#x", size, off)
		return 0
	}
	return uint64(d.read32(off))
}

func (d *Block) read32(off uint64) uint32 {
	switch off {
	case regMagic:
		return magicValue
	case regVersion:
		d.versionRead = true
		if d.legacy {
			return 1
		}
		return 2
	case regDeviceID:
		return deviceBlk
	case regVendorID:
		return vendorQEMU
	case regDeviceFeatures:
		if d.deviceFeaturesSel > 1 {
			return 0
		}
		return uint32(d.offered() >> (32 * d.deviceFeaturesSel))
	case regQueueNumMax:
		if d.queueSel != 0 {
			return 0
		}
		return QueueNumMax
	case regInterruptStatus:
		return d.interruptStatus
	case regStatus:
		return d.status
	}
	if d.queueSel != 0 {
		return 0 // per-queue registers of a queue that does not exist
	}
	if d.legacy {
		if off == regQueuePFN {
			return d.q.pfn
		}
		return 0
	}
	switch off {
	case regQueueReady:
		return b2u(d.q.ready)
	case regQueueDescLow:
		return uint32(d.q.desc)
	case regQueueDescHigh:
		return uint32(d.q.desc >> 32)
	case regQueueDriverLow:
		return uint32(d.q.driver)
	case regQueueDriverHigh:
		return uint32(d.q.driver >> 32)
	case regQueueDeviceLow:
		return uint32(d.q.device)
	case regQueueDeviceHigh:
		return uint32(d.q.device >> 32)
	case regConfigGeneration:
		return 0 // the configuration never changes
	}
	return 0
}

// Write implements bus.Device.
func (d *Block) Write(off uint64, size int, val uint64) {
	if off >= regConfig {
		return // no writable configuration field is offered
	}
	if size != 4 {
		d.log.report("size", "%d-byte write of register %#x", size, off)
		return
	}
	v := uint32(val)
	switch off {
	case regDeviceFeaturesSel:
		d.deviceFeaturesSel = v
	case regDriverFeatures:
		switch {
		case d.driverFeaturesSel == 0:
			d.driverFeatures = d.driverFeatures&^0xffffffff | uint64(v)
		case d.driverFeaturesSel == 1 && !d.legacy:
			d.driverFeatures = d.driverFeatures&0xffffffff | uint64(v)<<32
		}
	case regDriverFeaturesSel:
		d.driverFeaturesSel = v
	case regQueueSel:
		d.queueSel = v
	case regQueueNotify:
		if v == 0 {
			d.notify()
		}
	case regInterruptACK:
		d.interruptStatus &^= v
		d.irq.Set(d.interruptStatus != 0)
	case regStatus:
		d.setStatus(v)
	default:
		if d.queueSel == 0 {
			d.writeQueue(off, v)
		}
	}
}

// writeQueue handles the registers of the selected queue (queue 0).
func (d *Block) writeQueue(off uint64, v uint32) {
	q := &d.q
	switch off {
	case regQueueNum:
		if v == 0 || v > QueueNumMax {
			d.log.report("num", "queue size %d out of range 1..%d", v, QueueNumMax)
			return
		}
		q.num = v
		return
	}
	if d.legacy {
		switch off {
		case regGuestPageSize:
			d.guestPageSize = v
		case regQueueAlign:
			q.align = v
		case regQueuePFN:
			if v == 0 {
				d.reset() // QEMU resets the whole device on a zero PFN
				return
			}
			q.pfn = v
		}
		return
	}
	switch off {
	case regQueueReady:
		q.ready = v&1 != 0
	case regQueueDescLow:
		q.desc = q.desc&^0xffffffff | uint64(v)
	case regQueueDescHigh:
		q.desc = q.desc&0xffffffff | uint64(v)<<32
	case regQueueDriverLow:
		q.driver = q.driver&^0xffffffff | uint64(v)
	case regQueueDriverHigh:
		q.driver = q.driver&0xffffffff | uint64(v)<<32
	case regQueueDeviceLow:
		q.device = q.device&^0xffffffff | uint64(v)
	case regQueueDeviceHigh:
		q.device = q.device&0xffffffff | uint64(v)<<32
	}
}

// Configuration space layout of the block device (little-endian).
const (
	cfgCapacity = 0x00 // u64, in 512-byte sectors
	cfgSegMax   = 0x0c // u32
	cfgBlkSize  = 0x14 // u32
	cfgSize     = 0x24 // through the topology fields, all zero
)

// readConfig returns a size-byte field of the configuration space.
func (d *Block) readConfig(off uint64, size int) uint64 {
	var cfg [cfgSize]byte
	binary.LittleEndian.PutUint64(cfg[cfgCapacity:], uint64(d.disk.Size())/sectorSize)
	binary.LittleEndian.PutUint32(cfg[cfgSegMax:], QueueNumMax-2)
	binary.LittleEndian.PutUint32(cfg[cfgBlkSize:], sectorSize)
	if off+uint64(size) > cfgSize {
		return 0
	}
	var v [8]byte
	copy(v[:], cfg[off:off+uint64(size)])
	return binary.LittleEndian.Uint64(v[:])
}

func b2u(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}
