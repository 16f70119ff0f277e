// The kernel services the net lab calls, provided on the host so the net
// code can be tested without booting. Besides the kernel API (declared in
// kernel/defs.h) the shim exposes what the scenarios need to check.
#pragma once
#include "kernel/defs.h"

int shim_live_pages(void);   // pages kalloc'ed and not yet kfree'd
extern int shim_locks_held;  // spinlocks currently held
extern int shim_killed;      // what killed(myproc()) returns
extern int shim_wakeups;     // wakeup() calls so far
// Called when a process would sleep; it must make the sleeper's condition
// true (as an interrupt on another hart would), or the sleep never ends.
extern void (*shim_sleep_hook)(void *chan);
extern int shim_sleeps;      // sleep() calls so far
extern int shim_args[6];     // what argint(n) returns
void shim_fail(const char *file, int line, const char *what) __attribute__((noreturn));

#define CHECK(cond)                                \
  do {                                             \
    if(!(cond))                                    \
      shim_fail(__FILE__, __LINE__, #cond);        \
  } while(0)
