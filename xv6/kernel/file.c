// Open files: the system-wide table and read/write dispatch by file type.
#include "defs.h"
#include "stat.h"

struct devsw devsw[NDEV];

static struct {
  struct spinlock lock;
  struct file file[NFILE];
} ftable;

void fileinit(void) {
  initlock(&ftable.lock, "ftable");
}

struct file *filealloc(void) {
  acquire(&ftable.lock);
  for (struct file *f = ftable.file; f < ftable.file + NFILE; f++) {
    if (f->ref == 0) {
      f->ref = 1;
      release(&ftable.lock);
      return f;
    }
  }
  release(&ftable.lock);
  return 0;
}

struct file *filedup(struct file *f) {
  acquire(&ftable.lock);
  if (f->ref < 1)
    panic("filedup");
  f->ref++;
  release(&ftable.lock);
  return f;
}

void fileclose(struct file *f) {
  acquire(&ftable.lock);
  if (f->ref < 1)
    panic("fileclose");
  if (--f->ref > 0) {
    release(&ftable.lock);
    return;
  }
  struct file copy = *f;
  f->ref = 0;
  f->type = FD_NONE;
  release(&ftable.lock);

  // Closing may sleep (pipe wakeups, inode writes): done without the lock.
  if (copy.type == FD_PIPE)
    pipeclose(copy.pipe, copy.writable);
  else if (copy.type == FD_INODE || copy.type == FD_DEVICE)
    iput(copy.ip);
  else if (copy.type == FD_SOCK)
    sockclose(copy.sock);
}

// Copy metadata to user address addr.
int filestat(struct file *f, uint64 addr) {
  if (f->type != FD_INODE && f->type != FD_DEVICE)
    return -1;
  struct stat st;
  ilock(f->ip);
  stati(f->ip, &st);
  iunlock(f->ip);
  return copyout(myproc()->pagetable, addr, (char *)&st, sizeof(st));
}

int fileread(struct file *f, uint64 addr, int n) {
  if (!f->readable)
    return -1;
  switch (f->type) {
  case FD_PIPE:
    return piperead(f->pipe, addr, n);
  case FD_DEVICE:
    if (f->major < 0 || f->major >= NDEV || !devsw[f->major].read)
      return -1;
    return devsw[f->major].read(1, addr, n);
  case FD_INODE: {
    ilock(f->ip);
    int r = readi(f->ip, 1, addr, f->off, n);
    if (r > 0)
      f->off += r;
    iunlock(f->ip);
    return r;
  }
  case FD_SOCK:
    return sockread(f->sock, addr, n);
  default:
    panic("fileread");
  }
}

int filewrite(struct file *f, uint64 addr, int n) {
  if (!f->writable)
    return -1;
  switch (f->type) {
  case FD_PIPE:
    return pipewrite(f->pipe, addr, n);
  case FD_DEVICE:
    if (f->major < 0 || f->major >= NDEV || !devsw[f->major].write)
      return -1;
    return devsw[f->major].write(1, addr, n);
  case FD_INODE: {
    ilock(f->ip);
    int r = writei(f->ip, 1, addr, f->off, n);
    if (r > 0)
      f->off += r;
    iunlock(f->ip);
    return r == n ? n : -1;
  }
  case FD_SOCK:
    return sockwrite(f->sock, addr, n);
  default:
    panic("filewrite");
  }
}
