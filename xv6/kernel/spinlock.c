// Spinlocks, and the interrupt-disable nesting they rely on.
#include "defs.h"

void initlock(struct spinlock *lk, char *name) {
  lk->locked = 0;
  lk->name = name;
  lk->owner = 0;
}

// Interrupts stay off while any spinlock is held on this hart, or an
// interrupt handler could try to take a lock its hart already holds.
void acquire(struct spinlock *lk) {
  push_off();
  if (holding(lk))
    panic(lk->name);
  while (__sync_lock_test_and_set(&lk->locked, 1))
    ;
  __sync_synchronize();  // the critical section starts after the lock is ours
  lk->owner = mycpu();
}

void release(struct spinlock *lk) {
  if (!holding(lk))
    panic("release: not held");
  lk->owner = 0;
  __sync_synchronize();  // the critical section ends before the lock is free
  __sync_lock_release(&lk->locked);
  pop_off();
}

// Call with interrupts off.
int holding(struct spinlock *lk) {
  return lk->locked && lk->owner == mycpu();
}

void push_off(void) {
  int on = intr_get();
  intr_off();
  struct cpu *c = mycpu();
  if (c->noff == 0)
    c->intena = on;
  c->noff++;
}

void pop_off(void) {
  struct cpu *c = mycpu();
  if (intr_get())
    panic("pop_off: interrupts on");
  if (c->noff < 1)
    panic("pop_off: unbalanced");
  c->noff--;
  if (c->noff == 0 && c->intena)
    intr_on();
}
