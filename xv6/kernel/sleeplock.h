#pragma once
#include "spinlock.h"

// A lock that sleeps while waiting; for long holds such as disk I/O.
struct sleeplock {
  uint locked;
  struct spinlock guard;
  char *name;
  int pid;  // holder
};
