// exec: replace the current process's memory with an ELF program.
#include "defs.h"
#include "memlayout.h"
#include "elf.h"

#define USTACK_PAGES 2

// Read a segment's file bytes into pages already mapped at va.
static int loadseg(pagetable_t pt, uint64 va, struct inode *ip, uint off, uint sz) {
  for (uint i = 0; i < sz; i += PGSIZE) {
    uint64 pa = walkaddr(pt, va + i);
    if (pa == 0)
      panic("loadseg: unmapped");
    uint n = sz - i < PGSIZE ? sz - i : PGSIZE;
    if (readi(ip, 0, pa, off + i, n) != n)
      return -1;
  }
  return 0;
}

static int seg_perm(uint32 flags) {
  return (flags & PF_X ? PTE_X : 0) | (flags & PF_W ? PTE_W : 0);
}

int exec(char *path, char **argv) {
  struct proc *p = myproc();
  struct elf64_header eh;
  pagetable_t pt = 0;
  uint64 sz = 0;

  struct inode *ip = namei(path);
  if (ip == 0)
    return -1;
  ilock(ip);
  if (readi(ip, 0, (uint64)&eh, 0, sizeof(eh)) != sizeof(eh) || eh.magic != ELF_MAGIC)
    goto bad;
  if ((pt = proc_pagetable(p)) == 0)
    goto bad;

  for (int i = 0; i < eh.phnum; i++) {
    struct elf64_phdr ph;
    if (readi(ip, 0, (uint64)&ph, eh.phoff + i * sizeof(ph), sizeof(ph)) != sizeof(ph))
      goto bad;
    if (ph.type != PT_LOAD)
      continue;
    if (ph.memsz < ph.filesz || ph.vaddr + ph.memsz < ph.vaddr || ph.vaddr % PGSIZE != 0 ||
        ph.vaddr + ph.memsz > TRAPFRAME)
      goto bad;
    uint64 newsz = uvmalloc(pt, sz, ph.vaddr + ph.memsz, seg_perm(ph.flags));
    if (newsz == 0)
      goto bad;
    sz = newsz;
    if (loadseg(pt, ph.vaddr, ip, ph.off, ph.filesz) < 0)
      goto bad;
  }
  iunlockput(ip);
  ip = 0;

  // The stack, with an inaccessible guard page below it.
  sz = PGROUNDUP(sz);
  uint64 newsz = uvmalloc(pt, sz, sz + (USTACK_PAGES + 1) * PGSIZE, PTE_W);
  if (newsz == 0)
    goto bad;
  uvmclear(pt, sz);
  sz = newsz;
  uint64 sp = sz, stackbase = sz - USTACK_PAGES * PGSIZE;

  // Argument strings, then the argv array, as main(argc, argv) expects.
  uint64 uargv[MAXARG + 1];
  int argc;
  for (argc = 0; argv[argc]; argc++) {
    if (argc >= MAXARG)
      goto bad;
    sp -= strlen(argv[argc]) + 1;
    sp &= ~15UL;  // RISC-V keeps sp 16-byte aligned
    if (sp < stackbase || copyout(pt, sp, argv[argc], strlen(argv[argc]) + 1) < 0)
      goto bad;
    uargv[argc] = sp;
  }
  uargv[argc] = 0;
  sp -= (argc + 1) * sizeof(uint64);
  sp &= ~15UL;
  if (sp < stackbase || copyout(pt, sp, (char *)uargv, (argc + 1) * sizeof(uint64)) < 0)
    goto bad;

  // The program name, for debugging.
  char *last = path;
  for (char *s = path; *s; s++)
    if (*s == '/')
      last = s + 1;
  safestrcpy(p->name, last, sizeof(p->name));

  pagetable_t old = p->pagetable;
  uint64 oldsz = p->sz;
  p->pagetable = pt;
  p->sz = sz;
  p->trapframe->epc = eh.entry;
  p->trapframe->x[TF_SP] = sp;
  p->trapframe->x[TF_A0 + 1] = sp;  // a1 = argv; a0 = argc is the return value
  proc_freepagetable(old, oldsz);
  return argc;

bad:
  if (pt)
    proc_freepagetable(pt, sz);
  if (ip)
    iunlockput(ip);
  return -1;
}
