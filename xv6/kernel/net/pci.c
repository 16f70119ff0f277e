// PCI bus scan: find the E1000 on QEMU virt's PCIe host bridge, enable it and
// place its register BAR in the MMIO window the kernel maps.
//
// Configuration space is memory-mapped (ECAM): function fn of device dev on
// bus 0 has 4 KiB of registers at PCIE_ECAM + (dev << 15) + (fn << 12).
#include "../defs.h"
#include "../memlayout.h"
#include "net.h"

#define PCI_MAX_DEVICES 32
#define PCI_ECAM_DEV_SHIFT 15

// Configuration header fields (type 0), as 32-bit word indexes.
#define PCI_ID_WORD 0       // device id << 16 | vendor id
#define PCI_COMMAND_WORD 1  // status << 16 | command
#define PCI_BAR0_WORD 4     // BAR0..BAR5 at words 4..9
#define PCI_BAR_COUNT 6

#define PCI_COMMAND_IO (1 << 0)          // respond to I/O space
#define PCI_COMMAND_MEMORY (1 << 1)      // respond to memory space
#define PCI_COMMAND_BUS_MASTER (1 << 2)  // may DMA (the E1000 needs it to receive)

#define E1000_PCI_ID ((0x100Eu << 16) | 0x8086u)  // Intel 82540EM

// Probe every BAR's size the standard way (write all ones, read back the
// writable bits, restore): the values are not needed, but firmware does this
// and the device must tolerate it.
static void
pci_size_bars(volatile uint32 *cfg)
{
  for(int i = 0; i < PCI_BAR_COUNT; i++) {
    volatile uint32 *bar = &cfg[PCI_BAR0_WORD + i];
    uint32 old = *bar;
    *bar = 0xffffffff;
    __sync_synchronize();
    (void)*bar;
    *bar = old;
  }
}

void
pci_init(void)
{
  for(int dev = 0; dev < PCI_MAX_DEVICES; dev++) {
    volatile uint32 *cfg = (volatile uint32 *)(PCIE_ECAM + ((uint64)dev << PCI_ECAM_DEV_SHIFT));
    if(cfg[PCI_ID_WORD] != E1000_PCI_ID)
      continue;  // absent functions read all ones

    cfg[PCI_COMMAND_WORD] = PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_BUS_MASTER;
    __sync_synchronize();
    pci_size_bars(cfg);

    // A 32-bit memory BAR: the address goes in as is.
    cfg[PCI_BAR0_WORD] = (uint32)E1000_BAR;
    __sync_synchronize();

    e1000_init((uint32 *)E1000_BAR);
    net_announce();
    return;
  }
  printf("pci: no E1000 found; networking disabled\n");
}
