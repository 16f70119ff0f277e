package machine

import (
	"fmt"

	"github.com/rvemu/rvemu/fdt"
)

// ISA string advertised for every hart. Kernels read it to decide which
// extensions they may use; keep it in step with what package cpu executes
// (and its misa). Written as QEMU 7.2 writes its own
// ("rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc"): single
// letters, then the multi-letter extensions in QEMU's order. Zihintpause's
// pause is a fence hint, which runs as the no-op fence it encodes.
const hartISA = "rv64imafdc_zicsr_zifencei_zihintpause_sstc"

// deviceTree describes this board for kernels that read a1 at entry
// (Linux, OpenSBI; xv6 ignores it). It mirrors the map in memmap.go.
func deviceTree(harts int, ramSize uint64) *fdt.Node {
	root := fdt.NewNode("")
	root.Set("#address-cells", fdt.U32(2)).Set("#size-cells", fdt.U32(2)).
		Set("compatible", fdt.String("riscv-virtio")).Set("model", fdt.String("rvemu,virt"))

	root.Add(fdt.NewNode("chosen")).
		Set("stdout-path", fdt.String(fmt.Sprintf("/soc/serial@%x", uartBase)))

	root.Add(fdt.NewNode(fmt.Sprintf("memory@%x", RAMBase))).
		Set("device_type", fdt.String("memory")).
		Set("reg", regCells(RAMBase, ramSize))

	// Phandles: 1..harts are the per-hart interrupt controllers, then PLIC.
	intc := func(h int) uint32 { return uint32(1 + h) }
	plicPhandle := uint32(1 + harts)

	cpus := root.Add(fdt.NewNode("cpus"))
	cpus.Set("#address-cells", fdt.U32(1)).Set("#size-cells", fdt.U32(0)).
		Set("timebase-frequency", fdt.U32(TimebaseHz))
	for h := 0; h < harts; h++ {
		cpu := cpus.Add(fdt.NewNode(fmt.Sprintf("cpu@%d", h)))
		cpu.Set("device_type", fdt.String("cpu")).Set("reg", fdt.U32(uint32(h))).
			Set("status", fdt.String("okay")).Set("compatible", fdt.String("riscv")).
			Set("riscv,isa", fdt.String(hartISA)).Set("mmu-type", fdt.String("riscv,sv39"))
		cpu.Add(fdt.NewNode("interrupt-controller")).
			Set("#address-cells", fdt.U32(0)).Set("#interrupt-cells", fdt.U32(1)).
			Set("interrupt-controller", fdt.Empty()).
			Set("compatible", fdt.String("riscv,cpu-intc")).Set("phandle", fdt.U32(intc(h)))
	}

	soc := root.Add(fdt.NewNode("soc"))
	soc.Set("#address-cells", fdt.U32(2)).Set("#size-cells", fdt.U32(2)).
		Set("compatible", fdt.String("simple-bus")).Set("ranges", fdt.Empty())

	soc.Add(fdt.NewNode(fmt.Sprintf("test@%x", finisherBase))).
		Set("compatible", fdt.Strings("sifive,test1", "sifive,test0", "syscon")).
		Set("reg", regCells(finisherBase, finisherSize))

	// Interrupt wiring of the per-hart controllers: cause numbers are the
	// mip bit positions (3 MSIP, 7 MTIP, 9 SEIP, 11 MEIP).
	var clintIRQs, plicIRQs []uint32
	for h := 0; h < harts; h++ {
		clintIRQs = append(clintIRQs, intc(h), 3, intc(h), 7)
		plicIRQs = append(plicIRQs, intc(h), 11, intc(h), 9)
	}
	soc.Add(fdt.NewNode(fmt.Sprintf("clint@%x", clintBase))).
		Set("compatible", fdt.Strings("sifive,clint0", "riscv,clint0")).
		Set("reg", regCells(clintBase, clintSize)).
		Set("interrupts-extended", fdt.Cells(clintIRQs...))

	soc.Add(fdt.NewNode(fmt.Sprintf("plic@%x", plicBase))).
		Set("compatible", fdt.Strings("sifive,plic-1.0.0", "riscv,plic0")).
		Set("reg", regCells(plicBase, plicSize)).
		Set("#address-cells", fdt.U32(0)).Set("#interrupt-cells", fdt.U32(1)).
		Set("interrupt-controller", fdt.Empty()).
		Set("riscv,ndev", fdt.U32(plicSources)).
		Set("interrupts-extended", fdt.Cells(plicIRQs...)).
		Set("phandle", fdt.U32(plicPhandle))

	soc.Add(fdt.NewNode(fmt.Sprintf("serial@%x", uartBase))).
		Set("compatible", fdt.String("ns16550a")).
		Set("reg", regCells(uartBase, uartSize)).
		Set("clock-frequency", fdt.U32(3_686_400)).
		Set("interrupt-parent", fdt.U32(plicPhandle)).Set("interrupts", fdt.U32(uartIRQ))

	soc.Add(fdt.NewNode(fmt.Sprintf("virtio_mmio@%x", virtioBase))).
		Set("compatible", fdt.String("virtio,mmio")).
		Set("reg", regCells(virtioBase, virtioSize)).
		Set("interrupt-parent", fdt.U32(plicPhandle)).Set("interrupts", fdt.U32(virtioIRQ))

	// PCI: INTx routing for every slot, matched on the slot bits of the
	// device address and the pin.
	var imap []uint32
	for slot := 0; slot < 4; slot++ {
		for pin := 1; pin <= 4; pin++ {
			imap = append(imap, uint32(slot)<<11, 0, 0, uint32(pin), plicPhandle, uint32(pcieIRQ(slot, uint8(pin))))
		}
	}
	const pciMem32 = 0x0200_0000 // phys.hi of a 32-bit memory space range
	soc.Add(fdt.NewNode(fmt.Sprintf("pci@%x", pcieECAMBase))).
		Set("compatible", fdt.String("pci-host-ecam-generic")).
		Set("device_type", fdt.String("pci")).
		Set("#address-cells", fdt.U32(3)).Set("#size-cells", fdt.U32(2)).
		Set("#interrupt-cells", fdt.U32(1)).
		Set("reg", regCells(pcieECAMBase, pcieECAMSize)).
		Set("bus-range", fdt.Cells(0, pcieECAMSize>>20-1)).
		Set("linux,pci-domain", fdt.U32(0)).
		Set("dma-coherent", fdt.Empty()).
		Set("ranges", fdt.Cells(pciMem32, 0, pcieMMIOBase, 0, pcieMMIOBase, 0, pcieMMIOSize)).
		Set("interrupt-map-mask", fdt.Cells(3<<11, 0, 0, 7)).
		Set("interrupt-map", fdt.Cells(imap...))
	return root
}

// regCells is a (base, size) pair in two-cell address and size form.
func regCells(base, size uint64) []byte {
	return fdt.Cells(uint32(base>>32), uint32(base), uint32(size>>32), uint32(size))
}

// fdtAddress places the blob near the top of RAM (or of the first 3 GiB
// of the address space, whichever is lower), 4 KiB aligned, leaving the
// last page free (QEMU's habit of keeping it away from the very end).
func fdtAddress(ramSize uint64, blobLen int) uint64 {
	top := min(RAMBase+ramSize, fdtLimit) - 4096
	return (top - uint64(blobLen)) &^ 0xfff
}
