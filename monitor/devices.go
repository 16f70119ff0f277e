package monitor

import "fmt"

// pciClassNames name the classes on this board's bus (class<<8 | subclass).
var pciClassNames = map[uint32]string{
	0x0200: "Ethernet controller",
	0x0600: "Host bridge",
}

// infoPCI lists the PCI functions in QEMU's layout: address, class and
// IDs, the interrupt pin, and each BAR with its address and last byte.
func (m *Monitor) infoPCI(c *call) error {
	if err := c.noArgs(); err != nil {
		return err
	}
	for _, f := range m.b.PCI() {
		c.printf("  Bus %2d, device %3d, function %d:\n", f.Bus, f.Slot, f.Func)
		class, ok := pciClassNames[f.Class>>8]
		if !ok {
			class = fmt.Sprintf("Class %04x", f.Class>>8)
		}
		c.printf("    %s: PCI device %04x:%04x\n", class, f.VendorID, f.DeviceID)
		c.printf("      PCI subsystem %04x:%04x\n", f.SubsystemVendorID, f.SubsystemID)
		if f.InterruptPin != 0 {
			c.printf("      IRQ %d, pin %c\n", f.InterruptLine, 'A'+f.InterruptPin-1)
		}
		for _, b := range f.BARs {
			last := b.Addr + b.Size - 1
			if b.IO {
				c.printf("      BAR%d: I/O at 0x%04x [0x%04x].\n", b.Index, b.Addr, last)
				continue
			}
			bits := 32
			if b.Bits64 {
				bits = 64
			}
			c.printf("      BAR%d: %d bit memory at 0x%08x [0x%08x].\n", b.Index, bits, b.Addr, last)
		}
		c.printf("      id \"\"\n")
	}
	return nil
}

// infoNetwork lists each NIC and, under it, the backend it is wired to.
func (m *Monitor) infoNetwork(c *call) error {
	if err := c.noArgs(); err != nil {
		return err
	}
	for _, n := range m.b.NICs() {
		mac := n.MAC
		c.printf("%s: index=0,type=nic,model=%s,macaddr=%02x:%02x:%02x:%02x:%02x:%02x\n",
			n.Name, n.Model, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5])
		if n.BackendID != "" {
			c.printf(" \\ %s: index=0,%s\n", n.BackendID, n.Backend)
		}
	}
	return nil
}
