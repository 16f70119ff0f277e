// PLIC: route UART, disk and E1000 interrupts to every hart's S-mode context.
#include "defs.h"
#include "memlayout.h"

#define REG(a) (*(volatile uint32 *)(a))

static const int irqs[] = {UART0_IRQ, VIRTIO0_IRQ, E1000_IRQ};

void plicinit(void) {
  for (int i = 0; i < NELEM(irqs); i++)
    REG(PLIC_PRIORITY(irqs[i])) = 1;
}

void plicinithart(void) {
  int hart = cpuid();
  for (int i = 0; i < NELEM(irqs); i++)
    REG(PLIC_SENABLE(hart, irqs[i] / 32)) |= 1u << (irqs[i] % 32);
  REG(PLIC_SPRIORITY(hart)) = 0;  // threshold: accept every priority above 0
}

int plic_claim(void) {
  return REG(PLIC_SCLAIM(cpuid()));
}

void plic_complete(int irq) {
  REG(PLIC_SCLAIM(cpuid())) = irq;
}
