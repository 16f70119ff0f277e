// Physical page allocator: a free list of 4096-byte pages between the end
// of the kernel image and PHYSTOP.
#include "defs.h"
#include "memlayout.h"

extern char end[];  // first byte after the kernel (kernel.ld)

struct freepage {
  struct freepage *next;
};

static struct {
  struct spinlock lock;
  struct freepage *head;
} freelist;

static void push(void *pa) {
  struct freepage *p = pa;
  acquire(&freelist.lock);
  p->next = freelist.head;
  freelist.head = p;
  release(&freelist.lock);
}

// Boot does not fill the pages: kalloc fills each page it hands out, and
// touching all of RAM here would dominate boot time on an emulator.
void kinit(void) {
  initlock(&freelist.lock, "kalloc");
  for (uint64 pa = PGROUNDUP((uint64)end); pa + PGSIZE <= PHYSTOP; pa += PGSIZE)
    push((void *)pa);
}

void kfree(void *pa) {
  if ((uint64)pa % PGSIZE || (char *)pa < end || (uint64)pa >= PHYSTOP)
    panic("kfree: bad page");
  memset(pa, 1, PGSIZE);  // junk, so use-after-free shows up early
  push(pa);
}

// Returns a page filled with junk, or 0 when memory is exhausted.
void *kalloc(void) {
  acquire(&freelist.lock);
  struct freepage *p = freelist.head;
  if (p)
    freelist.head = p->next;
  release(&freelist.lock);
  if (p)
    memset(p, 5, PGSIZE);
  return p;
}
