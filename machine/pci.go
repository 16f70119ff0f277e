package machine

import (
	"github.com/rvemu/rvemu/bus"
	"github.com/rvemu/rvemu/pci"
)

// mapPCI wires the PCIe host: the ECAM window (host bridge at 00:00.0), the
// 32-bit memory window that guest-programmed BARs decode in, and INTA..INTD
// to PLIC 32..35. Both windows go through m.mapDevice, so accesses are
// counted (spin detection) and traced.
func (m *Machine) mapPCI() {
	var lines [4]bus.IRQLine
	for i := range lines {
		lines[i] = m.plic.Line(pcieIRQBase + i)
	}
	m.pci = pci.NewHost(pcieMMIOBase, lines)
	m.mapDevice("pcie-ecam", pcieECAMBase, pcieECAMSize, m.pci.ECAM())
	m.mapDevice("pcie-mmio", pcieMMIOBase, pcieMMIOSize, m.pci.Window())
}
