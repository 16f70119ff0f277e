// Physical addresses of the QEMU virt board and the kernel's virtual layout.
#pragma once

// SiFive test device: a word written to it powers the board off or resets it.
#define FINISHER 0x100000L
#define FINISHER_POWEROFF 0x5555
#define FINISHER_RESET 0x7777

#define UART0 0x10000000L
#define UART0_IRQ 10

#define VIRTIO0 0x10001000L
#define VIRTIO0_IRQ 1

#define CLINT 0x2000000L
#define CLINT_MTIMECMP(hart) (CLINT + 0x4000 + 8 * (hart))
#define CLINT_MTIME (CLINT + 0xBFF8)

#define PLIC 0x0c000000L
#define PLIC_PRIORITY(irq) (PLIC + 4 * (irq))
#define PLIC_SENABLE(hart, word) (PLIC + 0x2080 + 0x100 * (hart) + 4 * (word))
#define PLIC_SPRIORITY(hart) (PLIC + 0x201000 + 0x2000 * (hart))
#define PLIC_SCLAIM(hart) (PLIC + 0x201004 + 0x2000 * (hart))

// PCIe config space (ECAM) and the 32-bit MMIO window the net lab uses.
#define PCIE_ECAM 0x30000000L
#define PCIE_ECAM_SIZE 0x100000L
#define E1000_BAR 0x40000000L
#define E1000_BAR_SIZE 0x20000L
#define E1000_IRQ 33

// RAM: the kernel is loaded at KERNBASE; we use up to PHYSTOP.
#define KERNBASE 0x80000000L
#define PHYSTOP (KERNBASE + 128 * 1024 * 1024)

// Top of every address space: the trampoline page (same VA in kernel and
// user tables), then in user tables the trapframe just below it.
#define TRAMPOLINE (MAXVA - PGSIZE)
#define TRAPFRAME (TRAMPOLINE - PGSIZE)

// Kernel stacks sit below the trampoline, each followed by an unmapped guard page.
#define KSTACK(slot) (TRAMPOLINE - ((slot) + 1) * 2 * PGSIZE)
