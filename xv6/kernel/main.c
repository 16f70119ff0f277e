// S-mode entry for every hart. Hart 0 brings up the kernel; the others
// wait for it, then join the scheduler.
#include "defs.h"

extern int timer_sstc;  // mstart.c
static volatile int kernel_ready;

void main(void) {
  if (cpuid() == 0) {
    consoleinit();
    printfinit();
    printf("\nrvemu xv6: booting, timer %s\n", timer_sstc ? "sstc" : "clint");
    kinit();
    kvminit();
    kvminithart();
    procinit();
    trapinithart();
    plicinit();
    plicinithart();
    binit();
    fileinit();
    virtio_disk_init();
    pci_init();
    sockinit();
    userinit();
    __sync_synchronize();
    kernel_ready = 1;
  } else {
    while (!kernel_ready)
      ;
    __sync_synchronize();
    kvminithart();
    trapinithart();
    plicinithart();
  }
  scheduler();
}
