#pragma once
#include "types.h"

// A busy-waiting lock; interrupts are off while it is held.
struct spinlock {
  uint locked;
  char *name;
  struct cpu *owner;  // hart holding it, for holding() and debugging
};
