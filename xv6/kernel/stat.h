#pragma once
#include "types.h"

// What fstat() fills in; shared with user programs.
struct stat {
  int dev;
  uint ino;
  short type;   // T_DIR, T_FILE, T_DEVICE
  short nlink;
  uint64 size;
};
