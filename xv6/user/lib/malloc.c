// malloc/free: a first-fit free list ordered by address, merging
// neighbours on free. Memory comes from sbrk in chunks of at least 16 KiB.
#include "user.h"

struct header {
  struct header *next;  // next free block (free list only)
  uint64 units;         // size in header-sized units, header included
};

static struct header base;
static struct header *freep;

void free(void *ptr) {
  struct header *h = (struct header *)ptr - 1;
  struct header *p = freep;
  // Find p with p < h < p->next, allowing for the wrap at the list's end.
  while (!(h > p && h < p->next)) {
    if (p >= p->next && (h > p || h < p->next))
      break;
    p = p->next;
  }
  if (h + h->units == p->next) {
    h->units += p->next->units;
    h->next = p->next->next;
  } else {
    h->next = p->next;
  }
  if (p + p->units == h) {
    p->units += h->units;
    p->next = h->next;
  } else {
    p->next = h;
  }
  freep = p;
}

static struct header *grow(uint64 units) {
  if (units < 1024)
    units = 1024;
  char *mem = sbrk(units * sizeof(struct header));
  if (mem == (char *)-1)
    return 0;
  struct header *h = (struct header *)mem;
  h->units = units;
  free(h + 1);
  return freep;
}

void *malloc(uint n) {
  uint64 units = (n + sizeof(struct header) - 1) / sizeof(struct header) + 1;
  if (freep == 0) {
    base.next = freep = &base;
    base.units = 0;
  }
  struct header *prev = freep;
  for (struct header *p = prev->next;; prev = p, p = p->next) {
    if (p->units >= units) {
      if (p->units == units) {
        prev->next = p->next;
      } else {
        p->units -= units;  // hand out the tail
        p += p->units;
        p->units = units;
      }
      freep = prev;
      return p + 1;
    }
    if (p == freep && (p = grow(units)) == 0)
      return 0;
  }
}
