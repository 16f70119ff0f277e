package machine

import (
	"fmt"

	"github.com/rvemu/rvemu/cpu"
	"github.com/rvemu/rvemu/loader"
)

// startHart puts h where a hart starts on this board: at the kernel's entry
// in M-mode, with a0 = its hart id and a1 = the device tree.
func (m *Machine) startHart(h *cpu.Hart) {
	h.PC = m.Image.Entry
	h.X[10] = uint64(h.ID) // a0: hart id
	h.X[11] = m.FDTAddress // a1: device tree
}

// reboot resets the board as QEMU's virt does when the guest writes the
// test device's reset value: the kernel image and the device tree are
// written into RAM again from the copies read at start (the rest of RAM
// keeps what it held), every device starts afresh, and every hart restarts
// at the entry. What belongs to the host carries on: the disk image (and a
// --disk-snapshot's writes), the user network and its ports, the capture,
// the console, the clock, a debugger's connection.
func (m *Machine) reboot() {
	m.bus.UnmapAll()
	ram := loader.RAM{Base: RAMBase, Bytes: m.bus.RAM}
	img, err := loader.Load(m.kernel, ram)
	if err != nil { // loaded the same bytes at start: cannot fail now
		panic(fmt.Sprintf("machine: reloading the kernel on reset: %v", err))
	}
	copy(m.bus.RAM[m.FDTAddress-RAMBase:], m.fdt)
	// Decoded (and translated) code of the rewritten ranges is stale.
	m.bus.RAMWritten(RAMBase, img.End-RAMBase)
	m.bus.RAMWritten(m.FDTAddress, uint64(len(m.fdt)))

	m.fin = finisher{}
	m.wireDevices()
	if m.net != nil {
		m.attachNIC()
	}
	for i, h := range m.harts {
		h.Reset()
		m.startHart(h)
		m.spin[i] = spinTrack{}
	}
	m.rxTurn, m.cur = false, nil
	if m.par != nil {
		m.newParallelBoard()
	}
	m.installTraces()
}
