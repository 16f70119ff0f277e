package machine

import "github.com/rvemu/rvemu/virtio"

// mapVirtio puts the block device in virtio-mmio slot 0. Without a disk the
// slot is empty, as on QEMU: it answers the probe with device ID 0.
func (m *Machine) mapVirtio() {
	legacy := m.cfg.Virtio == VirtioLegacy
	if m.disk == nil {
		m.mapDevice("virtio", virtioBase, virtioSize, emptyVirtioSlot{legacy: legacy})
		return
	}
	m.blk = virtio.NewBlock(m.bus, m.plic.Line(virtioIRQ), m.disk, legacy)
	m.blk.SetLog(m.logs.printf)
	m.mapDevice("virtio", virtioBase, virtioSize, m.blk)
}

// virtio-mmio identification registers and values (virtio spec 4.2.2).
const (
	virtioRegMagic    = 0x000
	virtioRegVersion  = 0x004
	virtioRegDeviceID = 0x008
	virtioRegVendorID = 0x00c
	virtioMagic       = 0x74726976 // "virt"
	virtioVendorQEMU  = 0x554d4551 // "QEMU"
)

// emptyVirtioSlot is a virtio-mmio transport with no device behind it:
// device ID 0 tells drivers to move on; everything else reads 0.
type emptyVirtioSlot struct{ legacy bool }

func (s emptyVirtioSlot) Read(offset uint64, size int) uint64 {
	if size != 4 {
		return 0
	}
	switch offset {
	case virtioRegMagic:
		return virtioMagic
	case virtioRegVersion:
		if s.legacy {
			return 1
		}
		return 2
	case virtioRegVendorID:
		return virtioVendorQEMU
	}
	return 0 // includes virtioRegDeviceID: no device
}

func (emptyVirtioSlot) Write(offset uint64, size int, value uint64) {}
