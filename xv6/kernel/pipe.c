// Pipes: a 512-byte ring between a read end and a write end.
#include "defs.h"

#define PIPESIZE 512

struct pipe {
  struct spinlock lock;
  char data[PIPESIZE];
  uint nread;     // bytes read so far (wraps)
  uint nwrite;    // bytes written so far (wraps)
  int readopen;
  int writeopen;
};

int pipealloc(struct file **rf, struct file **wf) {
  struct pipe *pi = 0;
  *rf = *wf = 0;
  if ((*rf = filealloc()) == 0 || (*wf = filealloc()) == 0 || (pi = kalloc()) == 0)
    goto fail;
  initlock(&pi->lock, "pipe");
  pi->nread = pi->nwrite = 0;
  pi->readopen = pi->writeopen = 1;
  **rf = (struct file){.type = FD_PIPE, .ref = 1, .readable = 1, .pipe = pi};
  **wf = (struct file){.type = FD_PIPE, .ref = 1, .writable = 1, .pipe = pi};
  return 0;
fail:
  if (*rf)
    fileclose(*rf);
  if (*wf)
    fileclose(*wf);
  return -1;
}

void pipeclose(struct pipe *pi, int writable) {
  acquire(&pi->lock);
  if (writable) {
    pi->writeopen = 0;
    wakeup(&pi->nread);
  } else {
    pi->readopen = 0;
    wakeup(&pi->nwrite);
  }
  int last = !pi->readopen && !pi->writeopen;
  release(&pi->lock);
  if (last)
    kfree(pi);
}

int pipewrite(struct pipe *pi, uint64 addr, int n) {
  struct proc *p = myproc();
  int i = 0;
  acquire(&pi->lock);
  while (i < n) {
    if (!pi->readopen || killed(p)) {
      release(&pi->lock);
      return -1;
    }
    if (pi->nwrite == pi->nread + PIPESIZE) {
      wakeup(&pi->nread);
      sleep(&pi->nwrite, &pi->lock);
      continue;
    }
    // Copy as much as fits in one go, up to the ring's wrap point.
    uint pos = pi->nwrite % PIPESIZE;
    uint room = PIPESIZE - (pi->nwrite - pi->nread);
    uint m = n - i;
    if (m > room)
      m = room;
    if (m > PIPESIZE - pos)
      m = PIPESIZE - pos;
    if (copyin(p->pagetable, pi->data + pos, addr + i, m) < 0)
      break;
    pi->nwrite += m;
    i += m;
  }
  wakeup(&pi->nread);
  release(&pi->lock);
  return i;
}

int piperead(struct pipe *pi, uint64 addr, int n) {
  struct proc *p = myproc();
  acquire(&pi->lock);
  while (pi->nread == pi->nwrite && pi->writeopen) {
    if (killed(p)) {
      release(&pi->lock);
      return -1;
    }
    sleep(&pi->nread, &pi->lock);
  }
  int i = 0;
  while (i < n && pi->nread != pi->nwrite) {
    uint pos = pi->nread % PIPESIZE;
    uint m = pi->nwrite - pi->nread;
    if (m > (uint)(n - i))
      m = n - i;
    if (m > PIPESIZE - pos)
      m = PIPESIZE - pos;
    if (copyout(p->pagetable, addr + i, pi->data + pos, m) < 0)
      break;
    pi->nread += m;
    i += m;
  }
  wakeup(&pi->nwrite);
  release(&pi->lock);
  return i;
}
