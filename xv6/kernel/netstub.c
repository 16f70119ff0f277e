// Stand-ins for the network lab (xv6/kernel/net/), so the base kernel builds
// and boots without it. The real definitions are strong and replace these.
#include "defs.h"

__attribute__((weak)) void pci_init(void) {}
__attribute__((weak)) void sockinit(void) {}
__attribute__((weak)) void e1000_intr(void) {}
__attribute__((weak)) int sockread(struct sock *s, uint64 addr, int n) { return -1; }
__attribute__((weak)) int sockwrite(struct sock *s, uint64 addr, int n) { return -1; }
__attribute__((weak)) void sockclose(struct sock *s) {}
__attribute__((weak)) uint64 sys_connect(void) { return -1; }
