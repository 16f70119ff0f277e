#pragma once
#include "types.h"
#include "param.h"
#include "spinlock.h"

// Callee-saved registers kept across swtch().
struct context {
  uint64 ra;
  uint64 sp;
  uint64 s[12];
};

// Per-hart state.
struct cpu {
  struct proc *proc;       // running process, or 0
  struct context sched;    // swtch() here to enter the scheduler
  int noff;                // depth of push_off()
  int intena;              // were interrupts on before the first push_off()?
};

extern struct cpu cpus[NCPU];

// Saved user state, one page per process, mapped at TRAPFRAME in the user
// table. trampoline.S depends on this layout: x[i] at 8*i, then the kernel
// fields from byte 256.
struct trapframe {
  uint64 x[32];           // user registers; x[0] is unused
  uint64 kernel_satp;     // 256
  uint64 kernel_sp;       // 264
  uint64 kernel_trap;     // 272: usertrap()
  uint64 epc;             // 280: user pc
  uint64 kernel_hartid;   // 288
};

// Names for trapframe registers used by the syscall path.
#define TF_RA 1
#define TF_SP 2
#define TF_A0 10
#define TF_A7 17

enum procstate { UNUSED, USED, SLEEPING, RUNNABLE, RUNNING, ZOMBIE };

struct proc {
  struct spinlock lock;

  // Guarded by lock.
  enum procstate state;
  void *chan;              // what it sleeps on
  int killed;
  int xstate;              // exit status for wait()
  int pid;

  struct proc *parent;     // guarded by wait_lock

  // Private to the process: no lock needed.
  uint64 kstack;
  uint64 sz;               // bytes of user memory
  pagetable_t pagetable;
  struct trapframe *trapframe;
  struct context context;
  struct file *ofile[NOFILE];
  struct inode *cwd;
  char name[16];
};
