// Process system calls.
#include "defs.h"
#include "memlayout.h"

uint64 sys_exit(void) {
  int status;
  argint(0, &status);
  exit(status);
}

uint64 sys_getpid(void) {
  return myproc()->pid;
}

uint64 sys_fork(void) {
  return fork();
}

uint64 sys_wait(void) {
  uint64 addr;
  argaddr(0, &addr);
  return wait(addr);
}

// sbrk(n): grow (or shrink) memory by n bytes; returns the old break.
uint64 sys_sbrk(void) {
  int n;
  argint(0, &n);
  uint64 old = myproc()->sz;
  if (growproc(n) < 0)
    return -1;
  return old;
}

// sleep(n): wait n clock ticks.
uint64 sys_sleep(void) {
  int n;
  argint(0, &n);
  acquire(&tickslock);
  uint start = ticks;
  while (ticks - start < (uint)n) {
    if (killed(myproc())) {
      release(&tickslock);
      return -1;
    }
    sleep(&ticks, &tickslock);
  }
  release(&tickslock);
  return 0;
}

uint64 sys_kill(void) {
  int pid;
  argint(0, &pid);
  return kill(pid);
}

// Clock ticks since boot.
// shutdown(how): power the board off (0) or reset it (1) through the
// SiFive test device. Returns only on a board without one.
uint64 sys_shutdown(void) {
  int how;
  argint(0, &how);
  *(volatile uint32 *)FINISHER = how ? FINISHER_RESET : FINISHER_POWEROFF;
  return -1;
}

uint64 sys_uptime(void) {
  acquire(&tickslock);
  uint t = ticks;
  release(&tickslock);
  return t;
}
