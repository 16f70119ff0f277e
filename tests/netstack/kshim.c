// Host stand-ins for the base kernel: pages, spinlocks, sleep/wakeup, user
// copies and files. They check the net code's use of them: a page freed
// twice or never allocated, a lock taken twice, a sleep while holding any
// lock but the one passed, a sleeper nobody wakes.
#include "kshim.h"
#include "host.h"
#include "kernel/net/net.h"

#define MAX_PAGES 4096
static void *live[MAX_PAGES];
static int nlive;

int shim_locks_held;
int shim_killed;
int shim_wakeups;
int shim_sleeps;
int shim_args[6];
void (*shim_sleep_hook)(void *chan);

void
shim_fail(const char *file, int line, const char *what)
{
  host_print("FAIL %s:%d: %s\n", file, line, what);
  host_exit(1);
}

int
shim_live_pages(void)
{
  return nlive;
}

void *
kalloc(void)
{
  if(nlive == MAX_PAGES)
    return 0;
  void *p = host_page_alloc();
  if(p == 0)
    return 0;
  for(int i = 0; i < 4096; i++)
    ((char *)p)[i] = 5;  // junk, like xv6, so nothing relies on zeroed pages
  live[nlive++] = p;
  return p;
}

void
kfree(void *p)
{
  for(int i = 0; i < nlive; i++) {
    if(live[i] == p) {
      live[i] = live[--nlive];
      host_page_free(p);
      return;
    }
  }
  shim_fail(__FILE__, __LINE__, "kfree of a page that is not allocated (double free?)");
}

void
initlock(struct spinlock *lk, char *name)
{
  lk->locked = 0;
  lk->name = name;
  lk->owner = 0;
}

void
acquire(struct spinlock *lk)
{
  if(lk->locked)
    shim_fail(__FILE__, __LINE__, lk->name);  // one thread: this would deadlock
  lk->locked = 1;
  shim_locks_held++;
}

void
release(struct spinlock *lk)
{
  if(!lk->locked)
    shim_fail(__FILE__, __LINE__, "release of a lock not held");
  lk->locked = 0;
  shim_locks_held--;
}

int
holding(struct spinlock *lk)
{
  return lk->locked;
}

void
sleep(void *chan, struct spinlock *lk)
{
  CHECK(holding(lk));
  CHECK(shim_locks_held == 1);  // no other spinlock may be held across sleep
  CHECK(shim_sleep_hook != 0);  // otherwise nothing would ever wake us
  shim_sleeps++;
  int before = shim_wakeups;
  release(lk);
  shim_sleep_hook(chan);
  CHECK(shim_wakeups > before);  // the event that ends the sleep must wake
  acquire(lk);
}

void
wakeup(void *chan)
{
  shim_wakeups++;
}

static struct proc the_proc;

struct proc *
myproc(void)
{
  return &the_proc;
}

int
killed(struct proc *p)
{
  return shim_killed;
}

// User addresses are host pointers here.
int
copyout(pagetable_t pt, uint64 dstva, char *src, uint64 len)
{
  if(dstva == 0)
    return -1;
  memmove((void *)dstva, src, len);
  return 0;
}

int
copyin(pagetable_t pt, char *dst, uint64 srcva, uint64 len)
{
  if(srcva == 0)
    return -1;
  memmove(dst, (void *)srcva, len);
  return 0;
}

#define NSHIMFILE 32
static struct file files[NSHIMFILE];

struct file *
filealloc(void)
{
  for(int i = 0; i < NSHIMFILE; i++) {
    if(files[i].ref == 0) {
      files[i].ref = 1;
      files[i].type = FD_NONE;
      return &files[i];
    }
  }
  return 0;
}

void
fileclose(struct file *f)
{
  CHECK(f->ref > 0);
  if(--f->ref > 0)
    return;
  if(f->type == FD_SOCK)
    sockclose(f->sock);
  f->type = FD_NONE;
}

int
fdalloc(struct file *f)
{
  return 3 + (int)(f - files);
}

void
argint(int n, int *ip)
{
  *ip = shim_args[n];
}

void
printf(char *fmt, ...)
{
  __builtin_va_list ap;
  __builtin_va_start(ap, fmt);
  host_vprint(fmt, ap);
  __builtin_va_end(ap);
}

void
panic(char *s)
{
  host_print("panic: %s\n", s);
  host_exit(2);
}

void *
memset(void *dst, int c, uint n)
{
  char *d = dst;
  for(uint i = 0; i < n; i++)
    d[i] = c;
  return dst;
}

void *
memmove(void *dst, const void *src, uint n)
{
  char *d = dst;
  const char *s = src;
  if(d < s) {
    for(uint i = 0; i < n; i++)
      d[i] = s[i];
  } else {
    for(uint i = n; i > 0; i--)
      d[i - 1] = s[i - 1];
  }
  return dst;
}

int
memcmp(const void *a, const void *b, uint n)
{
  const unsigned char *x = a, *y = b;
  for(uint i = 0; i < n; i++)
    if(x[i] != y[i])
      return x[i] - y[i];
  return 0;
}
