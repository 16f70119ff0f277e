// Sv39 page tables: the kernel's (direct map of RAM plus devices) and the
// per-process user tables, with copies between kernel and user memory.
#include "defs.h"
#include "memlayout.h"

static pagetable_t kernel_pagetable;

extern char etext[];       // end of kernel text (kernel.ld)
extern char trampoline[];  // trampoline.S

static void kmap(uint64 va, uint64 pa, uint64 size, int perm) {
  if (mappages(kernel_pagetable, va, size, pa, perm) != 0)
    panic("kmap");
}

void kvminit(void) {
  kernel_pagetable = kalloc();
  memset(kernel_pagetable, 0, PGSIZE);
  kmap(FINISHER, FINISHER, PGSIZE, PTE_R | PTE_W);
  kmap(UART0, UART0, PGSIZE, PTE_R | PTE_W);
  kmap(VIRTIO0, VIRTIO0, PGSIZE, PTE_R | PTE_W);
  kmap(PLIC, PLIC, 0x400000, PTE_R | PTE_W);
  kmap(PCIE_ECAM, PCIE_ECAM, PCIE_ECAM_SIZE, PTE_R | PTE_W);
  kmap(E1000_BAR, E1000_BAR, E1000_BAR_SIZE, PTE_R | PTE_W);
  kmap(KERNBASE, KERNBASE, (uint64)etext - KERNBASE, PTE_R | PTE_X);
  kmap((uint64)etext, (uint64)etext, PHYSTOP - (uint64)etext, PTE_R | PTE_W);
  kmap(TRAMPOLINE, (uint64)trampoline, PGSIZE, PTE_R | PTE_X);
  // One kernel stack per process slot, each under an unmapped guard page.
  for (int i = 0; i < NPROC; i++) {
    char *stack = kalloc();
    if (stack == 0)
      panic("kvminit: stacks");
    kmap(KSTACK(i), (uint64)stack, PGSIZE, PTE_R | PTE_W);
  }
}

// Turn paging on for this hart.
void kvminithart(void) {
  sfence_vma();
  w_satp(MAKE_SATP(kernel_pagetable));
  sfence_vma();
}

// The PTE for va, creating missing page-table pages if alloc is set.
pte_t *walk(pagetable_t pt, uint64 va, int alloc) {
  if (va >= MAXVA)
    panic("walk");
  for (int level = 2; level > 0; level--) {
    pte_t *pte = &pt[PX(level, va)];
    if (*pte & PTE_V) {
      pt = (pagetable_t)PTE2PA(*pte);
      continue;
    }
    if (!alloc || (pt = kalloc()) == 0)
      return 0;
    memset(pt, 0, PGSIZE);
    *pte = PA2PTE(pt) | PTE_V;
  }
  return &pt[PX(0, va)];
}

// Physical address of a user page, or 0 if va is not mapped for user access.
uint64 walkaddr(pagetable_t pt, uint64 va) {
  if (va >= MAXVA)
    return 0;
  pte_t *pte = walk(pt, va, 0);
  if (pte == 0 || (*pte & (PTE_V | PTE_U)) != (PTE_V | PTE_U))
    return 0;
  return PTE2PA(*pte);
}

// Map [va, va+size) to pa onwards. Returns -1 if a page table can't be allocated.
int mappages(pagetable_t pt, uint64 va, uint64 size, uint64 pa, int perm) {
  if (size == 0)
    panic("mappages: size 0");
  uint64 last = PGROUNDDOWN(va + size - 1);
  for (va = PGROUNDDOWN(va);; va += PGSIZE, pa += PGSIZE) {
    pte_t *pte = walk(pt, va, 1);
    if (pte == 0)
      return -1;
    if (*pte & PTE_V)
      panic("mappages: remap");
    *pte = PA2PTE(pa) | perm | PTE_V;
    if (va == last)
      return 0;
  }
}

void uvmunmap(pagetable_t pt, uint64 va, uint64 npages, int do_free) {
  for (uint64 a = va; a < va + npages * PGSIZE; a += PGSIZE) {
    pte_t *pte = walk(pt, a, 0);
    if (pte == 0 || (*pte & PTE_V) == 0)
      panic("uvmunmap: not mapped");
    if (do_free)
      kfree((void *)PTE2PA(*pte));
    *pte = 0;
  }
}

pagetable_t uvmcreate(void) {
  pagetable_t pt = kalloc();
  if (pt)
    memset(pt, 0, PGSIZE);
  return pt;
}

// Grow user memory from oldsz to newsz with zeroed pages. Returns the new
// size, or 0 on failure (with nothing left allocated).
uint64 uvmalloc(pagetable_t pt, uint64 oldsz, uint64 newsz, int xperm) {
  for (uint64 a = PGROUNDUP(oldsz); a < newsz; a += PGSIZE) {
    char *mem = kalloc();
    if (mem == 0) {
      uvmdealloc(pt, a, oldsz);
      return 0;
    }
    memset(mem, 0, PGSIZE);
    if (mappages(pt, a, PGSIZE, (uint64)mem, PTE_R | PTE_U | xperm) != 0) {
      kfree(mem);
      uvmdealloc(pt, a, oldsz);
      return 0;
    }
  }
  return newsz > oldsz ? newsz : oldsz;
}

// Shrink user memory from oldsz to newsz; returns the new size.
uint64 uvmdealloc(pagetable_t pt, uint64 oldsz, uint64 newsz) {
  if (newsz >= oldsz)
    return oldsz;
  uint64 from = PGROUNDUP(newsz), to = PGROUNDUP(oldsz);
  if (from < to)
    uvmunmap(pt, from, (to - from) / PGSIZE, 1);
  return newsz;
}

// Free page-table pages; every leaf must already be unmapped.
static void freewalk(pagetable_t pt) {
  for (int i = 0; i < 512; i++) {
    pte_t pte = pt[i];
    if ((pte & PTE_V) == 0)
      continue;
    if (pte & (PTE_R | PTE_W | PTE_X))
      panic("freewalk: leaf");
    freewalk((pagetable_t)PTE2PA(pte));
  }
  kfree(pt);
}

void uvmfree(pagetable_t pt, uint64 sz) {
  if (sz > 0)
    uvmunmap(pt, 0, PGROUNDUP(sz) / PGSIZE, 1);
  freewalk(pt);
}

// Copy a parent's memory into a child's table (fork).
int uvmcopy(pagetable_t from, pagetable_t to, uint64 sz) {
  for (uint64 a = 0; a < sz; a += PGSIZE) {
    pte_t *pte = walk(from, a, 0);
    if (pte == 0 || (*pte & PTE_V) == 0)
      panic("uvmcopy: not mapped");
    char *mem = kalloc();
    if (mem == 0 || mappages(to, a, PGSIZE, (uint64)mem, PTE_FLAGS(*pte)) != 0) {
      if (mem)
        kfree(mem);
      if (a > 0)
        uvmunmap(to, 0, a / PGSIZE, 1);
      return -1;
    }
    memmove(mem, (char *)PTE2PA(*pte), PGSIZE);
  }
  return 0;
}

// Make a page inaccessible to user mode (the guard below the user stack).
void uvmclear(pagetable_t pt, uint64 va) {
  pte_t *pte = walk(pt, va, 0);
  if (pte == 0)
    panic("uvmclear");
  *pte &= ~PTE_U;
}

int copyout(pagetable_t pt, uint64 dstva, char *src, uint64 len) {
  while (len > 0) {
    uint64 page = PGROUNDDOWN(dstva);
    if (page >= MAXVA)
      return -1;
    pte_t *pte = walk(pt, page, 0);
    if (pte == 0 || (*pte & (PTE_V | PTE_U | PTE_W)) != (PTE_V | PTE_U | PTE_W))
      return -1;
    uint64 n = PGSIZE - (dstva - page);
    if (n > len)
      n = len;
    memmove((char *)(PTE2PA(*pte) + (dstva - page)), src, n);
    len -= n;
    src += n;
    dstva += n;
  }
  return 0;
}

int copyin(pagetable_t pt, char *dst, uint64 srcva, uint64 len) {
  while (len > 0) {
    uint64 page = PGROUNDDOWN(srcva);
    uint64 pa = walkaddr(pt, page);
    if (pa == 0)
      return -1;
    uint64 n = PGSIZE - (srcva - page);
    if (n > len)
      n = len;
    memmove(dst, (char *)(pa + (srcva - page)), n);
    len -= n;
    dst += n;
    srcva += n;
  }
  return 0;
}

// Copy a NUL-terminated string of at most max bytes (NUL included).
int copyinstr(pagetable_t pt, char *dst, uint64 srcva, uint64 max) {
  while (max > 0) {
    uint64 page = PGROUNDDOWN(srcva);
    uint64 pa = walkaddr(pt, page);
    if (pa == 0)
      return -1;
    char *p = (char *)(pa + (srcva - page));
    uint64 n = PGSIZE - (srcva - page);
    for (; n > 0 && max > 0; n--, max--, srcva++) {
      *dst = *p++;
      if (*dst++ == 0)
        return 0;
    }
  }
  return -1;
}
