package machine

// emptyECAM stands in for the PCIe host bridge until package pci exists:
// a config space with no functions, where every read returns all-ones
// ("no device") and writes are dropped. Probing kernels then find no NIC.
type emptyECAM struct{}

func (emptyECAM) Read(offset uint64, size int) uint64 {
	return ^uint64(0) >> (64 - 8*uint(size))
}

func (emptyECAM) Write(offset uint64, size int, value uint64) {}

// mapPCI wires the PCIe host: ECAM window now; the MMIO window and INTx
// routing once the pci package replaces this placeholder. Map through
// m.mapDevice so accesses are counted (spin detection) and traced.
func (m *Machine) mapPCI() {
	m.mapDevice("pcie-ecam", pcieECAMBase, pcieECAMSize, emptyECAM{})
}
