package machine

import (
	"fmt"

	"github.com/rvemu/rvemu/virtio"
)

// mapVirtio puts the block device in virtio-mmio slot 0. Without a disk the
// slot still answers the probe with an empty disk of zero sectors, so a
// kernel sees a device rather than a bus fault.
func (m *Machine) mapVirtio() {
	var disk virtio.Disk = virtio.NewMemDisk(nil)
	if m.disk != nil {
		disk = m.disk
	}
	m.blk = virtio.NewBlock(m.bus, m.plic.Line(virtioIRQ), disk, m.cfg.Virtio == VirtioLegacy)
	m.mapDevice("virtio", virtioBase, virtioSize, m.blk)
}

// virtioHint explains the commonest failure with xv6 kernels: a kernel built
// for the other virtio-mmio generation reads VERSION, finds the wrong one and
// panics before DRIVER_OK.
func (m *Machine) virtioHint() {
	versionRead, driverOK := m.blk.Probe()
	if !versionRead || driverOK || !m.watch.panicky {
		return
	}
	other := VirtioLegacy
	if m.cfg.Virtio == VirtioLegacy {
		other = VirtioModern
	}
	fmt.Fprintf(m.cfg.Log, "rvemu: hint: the kernel panicked while probing the %s virtio disk; try --virtio %s\n",
		m.cfg.Virtio, other)
}
