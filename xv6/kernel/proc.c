// Processes: creation, the per-hart scheduler, sleep/wakeup, exit/wait.
#include "defs.h"
#include "memlayout.h"

struct cpu cpus[NCPU];
static struct proc procs[NPROC];
static struct proc *initproc;

static struct spinlock pid_lock;
static int next_pid = 1;

// Guards every p->parent, and orders wakeups of waiting parents. Taken
// before any p->lock.
static struct spinlock wait_lock;

// Unlocked reads of a slot's state and channel, for scans that only look
// for candidates and check again under p->lock.
static enum procstate peek_state(struct proc *p) {
  return __atomic_load_n(&p->state, __ATOMIC_RELAXED);
}

static void *peek_chan(struct proc *p) {
  return __atomic_load_n(&p->chan, __ATOMIC_RELAXED);
}

extern char trampoline[];
static void forkret(void);
static void sched(void);

void procinit(void) {
  initlock(&pid_lock, "pid");
  initlock(&wait_lock, "wait");
  for (int i = 0; i < NPROC; i++) {
    initlock(&procs[i].lock, "proc");
    procs[i].kstack = KSTACK(i);
  }
}

// Call with interrupts off, so the thread cannot move to another hart.
int cpuid(void) {
  return r_tp();
}

struct cpu *mycpu(void) {
  return &cpus[cpuid()];
}

struct proc *myproc(void) {
  push_off();
  struct proc *p = mycpu()->proc;
  pop_off();
  return p;
}

static int allocpid(void) {
  acquire(&pid_lock);
  int pid = next_pid++;
  release(&pid_lock);
  return pid;
}

// A user page table with only the trampoline and the trapframe mapped.
pagetable_t proc_pagetable(struct proc *p) {
  pagetable_t pt = uvmcreate();
  if (pt == 0)
    return 0;
  if (mappages(pt, TRAMPOLINE, PGSIZE, (uint64)trampoline, PTE_R | PTE_X) < 0) {
    uvmfree(pt, 0);
    return 0;
  }
  if (mappages(pt, TRAPFRAME, PGSIZE, (uint64)p->trapframe, PTE_R | PTE_W) < 0) {
    uvmunmap(pt, TRAMPOLINE, 1, 0);
    uvmfree(pt, 0);
    return 0;
  }
  return pt;
}

void proc_freepagetable(pagetable_t pt, uint64 sz) {
  uvmunmap(pt, TRAMPOLINE, 1, 0);
  uvmunmap(pt, TRAPFRAME, 1, 0);
  uvmfree(pt, sz);
}

// Release everything a process owns except its slot. Call with p->lock held.
static void freeproc(struct proc *p) {
  if (p->trapframe)
    kfree(p->trapframe);
  p->trapframe = 0;
  if (p->pagetable)
    proc_freepagetable(p->pagetable, p->sz);
  p->pagetable = 0;
  p->sz = 0;
  p->pid = 0;
  p->parent = 0;
  p->name[0] = 0;
  p->chan = 0;
  p->killed = 0;
  p->xstate = 0;
  p->state = UNUSED;
}

// Find a free slot and set it up to start in forkret. Returns with p->lock
// held, or 0.
static struct proc *allocproc(void) {
  struct proc *p;
  for (p = procs; p < &procs[NPROC]; p++) {
    acquire(&p->lock);
    if (p->state == UNUSED)
      break;
    release(&p->lock);
  }
  if (p == &procs[NPROC])
    return 0;
  p->pid = allocpid();
  p->state = USED;
  if ((p->trapframe = kalloc()) == 0 || (p->pagetable = proc_pagetable(p)) == 0) {
    freeproc(p);
    release(&p->lock);
    return 0;
  }
  memset(&p->context, 0, sizeof(p->context));
  p->context.ra = (uint64)forkret;
  p->context.sp = p->kstack + PGSIZE;
  return p;
}

// The first process: empty memory; forkret execs /init into it.
void userinit(void) {
  struct proc *p = allocproc();
  if (p == 0)
    panic("userinit");
  initproc = p;
  safestrcpy(p->name, "init", sizeof(p->name));
  p->state = RUNNABLE;
  release(&p->lock);
}

int growproc(int n) {
  struct proc *p = myproc();
  uint64 sz = p->sz;
  if (n > 0) {
    if (sz + n > TRAPFRAME || (sz = uvmalloc(p->pagetable, sz, sz + n, PTE_W)) == 0)
      return -1;
  } else if (n < 0) {
    if ((uint64)-n > sz)
      return -1;
    sz = uvmdealloc(p->pagetable, sz, sz + n);
  }
  p->sz = sz;
  return 0;
}

int fork(void) {
  struct proc *p = myproc();
  struct proc *np = allocproc();
  if (np == 0)
    return -1;
  if (uvmcopy(p->pagetable, np->pagetable, p->sz) < 0) {
    freeproc(np);
    release(&np->lock);
    return -1;
  }
  np->sz = p->sz;
  *np->trapframe = *p->trapframe;
  np->trapframe->x[TF_A0] = 0;  // fork returns 0 in the child
  for (int i = 0; i < NOFILE; i++)
    if (p->ofile[i])
      np->ofile[i] = filedup(p->ofile[i]);
  np->cwd = idup(p->cwd);
  safestrcpy(np->name, p->name, sizeof(p->name));
  int pid = np->pid;
  release(&np->lock);

  acquire(&wait_lock);
  np->parent = p;
  release(&wait_lock);

  acquire(&np->lock);
  np->state = RUNNABLE;
  release(&np->lock);
  return pid;
}

// Hand p's children to init. Call with wait_lock held.
static void reparent(struct proc *p) {
  for (struct proc *pp = procs; pp < &procs[NPROC]; pp++) {
    if (pp->parent == p) {
      pp->parent = initproc;
      wakeup(initproc);
    }
  }
}

void exit(int status) {
  struct proc *p = myproc();
  if (p == initproc)
    panic("init exiting");

  for (int fd = 0; fd < NOFILE; fd++) {
    if (p->ofile[fd]) {
      fileclose(p->ofile[fd]);
      p->ofile[fd] = 0;
    }
  }
  iput(p->cwd);
  p->cwd = 0;

  acquire(&wait_lock);
  reparent(p);
  wakeup(p->parent);
  acquire(&p->lock);
  p->xstate = status;
  p->state = ZOMBIE;
  release(&wait_lock);

  // The parent frees this slot once we have switched away for good.
  sched();
  panic("zombie returned");
}

// Wait for a child to exit; copy its status to addr if non-zero.
int wait(uint64 addr) {
  struct proc *p = myproc();
  acquire(&wait_lock);
  for (;;) {
    int have_kids = 0;
    for (struct proc *pp = procs; pp < &procs[NPROC]; pp++) {
      if (pp->parent != p)
        continue;
      acquire(&pp->lock);
      have_kids = 1;
      if (pp->state == ZOMBIE) {
        int pid = pp->pid;
        if (addr && copyout(p->pagetable, addr, (char *)&pp->xstate, sizeof(pp->xstate)) < 0) {
          release(&pp->lock);
          release(&wait_lock);
          return -1;
        }
        freeproc(pp);
        release(&pp->lock);
        release(&wait_lock);
        return pid;
      }
      release(&pp->lock);
    }
    if (!have_kids || killed(p)) {
      release(&wait_lock);
      return -1;
    }
    sleep(p, &wait_lock);
  }
}

// Each hart runs this loop after boot. It scans with interrupts off and
// idles in WFI, which still wakes on a pending interrupt, so an interrupt
// that arrives during the scan is never left waiting for the next tick.
void scheduler(void) {
  struct cpu *c = mycpu();
  c->proc = 0;
  for (;;) {
    intr_on();  // take interrupts that are already pending
    intr_off();
    int ran = 0;
    for (struct proc *p = procs; p < &procs[NPROC]; p++) {
      // Most slots are not runnable: a lock-free look skips them without
      // the lock round trip (a scan is 64 of them). The state is checked
      // again under the lock; a slot that turns runnable just after the
      // look is found by the next scan, as it would be after a locked
      // look too.
      if (peek_state(p) != RUNNABLE)
        continue;
      acquire(&p->lock);
      if (p->state == RUNNABLE) {
        p->state = RUNNING;
        c->proc = p;
        swtch(&c->sched, &p->context);
        c->proc = 0;
        ran = 1;
      }
      release(&p->lock);
    }
    if (!ran)
      asm volatile("wfi");
  }
}

// Switch to the scheduler. Call with exactly p->lock held and p->state
// already changed. intena belongs to this thread, not the hart.
static void sched(void) {
  struct proc *p = myproc();
  if (!holding(&p->lock) || mycpu()->noff != 1 || p->state == RUNNING || intr_get())
    panic("sched");
  int intena = mycpu()->intena;
  swtch(&p->context, &mycpu()->sched);
  mycpu()->intena = intena;
}

void yield(void) {
  struct proc *p = myproc();
  acquire(&p->lock);
  p->state = RUNNABLE;
  sched();
  release(&p->lock);
}

// A new process's first run: the scheduler left p->lock held.
static void forkret(void) {
  static int first = 1;
  release(&myproc()->lock);
  if (first) {
    // File system setup sleeps on the disk, so it needs a process context.
    first = 0;
    fsinit(ROOTDEV);
    struct proc *p = myproc();
    p->cwd = namei("/");
    char *argv[] = {"init", 0};
    int argc = exec("/init", argv);
    if (argc < 0)
      panic("no /init");
    p->trapframe->x[TF_A0] = argc;
  }
  usertrapret();
}

// Release lk and sleep on chan; lk is held again on return.
void sleep(void *chan, struct spinlock *lk) {
  struct proc *p = myproc();
  // No wakeup can be missed: chan and state are set, under p->lock, before
  // lk is released, and a waker holds lk, so it sees this process asleep
  // on chan even through its unlocked look (and then waits for p->lock,
  // held until sched has switched away).
  acquire(&p->lock);
  p->chan = chan;
  p->state = SLEEPING;
  release(lk);
  sched();
  p->chan = 0;
  release(&p->lock);
  acquire(lk);
}

void wakeup(void *chan) {
  struct proc *me = myproc();
  for (struct proc *p = procs; p < &procs[NPROC]; p++) {
    if (p == me || peek_state(p) != SLEEPING || peek_chan(p) != chan)
      continue;  // cannot be asleep on chan: sleep publishes both under lk
    acquire(&p->lock);
    if (p->state == SLEEPING && p->chan == chan)
      p->state = RUNNABLE;
    release(&p->lock);
  }
}

// Mark a process killed; it exits when it next crosses into the kernel.
int kill(int pid) {
  for (struct proc *p = procs; p < &procs[NPROC]; p++) {
    acquire(&p->lock);
    if (p->pid == pid && p->state != UNUSED) {
      p->killed = 1;
      if (p->state == SLEEPING)
        p->state = RUNNABLE;
      release(&p->lock);
      return 0;
    }
    release(&p->lock);
  }
  return -1;
}

void setkilled(struct proc *p) {
  acquire(&p->lock);
  p->killed = 1;
  release(&p->lock);
}

int killed(struct proc *p) {
  acquire(&p->lock);
  int k = p->killed;
  release(&p->lock);
  return k;
}

// Copy to a user address (user_dst) or a kernel one.
int either_copyout(int user_dst, uint64 dst, void *src, uint64 len) {
  if (user_dst)
    return copyout(myproc()->pagetable, dst, src, len);
  memmove((char *)dst, src, len);
  return 0;
}

int either_copyin(void *dst, int user_src, uint64 src, uint64 len) {
  if (user_src)
    return copyin(myproc()->pagetable, dst, src, len);
  memmove(dst, (char *)src, len);
  return 0;
}
