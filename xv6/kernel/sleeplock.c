// Sleep locks: the holder may sleep (e.g. wait for the disk) while holding.
#include "defs.h"

void initsleeplock(struct sleeplock *lk, char *name) {
  initlock(&lk->guard, "sleeplock");
  lk->name = name;
  lk->locked = 0;
  lk->pid = 0;
}

void acquiresleep(struct sleeplock *lk) {
  acquire(&lk->guard);
  while (lk->locked)
    sleep(lk, &lk->guard);
  lk->locked = 1;
  lk->pid = myproc()->pid;
  release(&lk->guard);
}

void releasesleep(struct sleeplock *lk) {
  acquire(&lk->guard);
  lk->locked = 0;
  lk->pid = 0;
  wakeup(lk);
  release(&lk->guard);
}

int holdingsleep(struct sleeplock *lk) {
  acquire(&lk->guard);
  int mine = lk->locked && lk->pid == myproc()->pid;
  release(&lk->guard);
  return mine;
}
