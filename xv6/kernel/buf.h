#pragma once
#include "types.h"
#include "sleeplock.h"
#include "fs.h"

// One cached disk block.
struct buf {
  int valid;              // data holds the block's contents
  int disk_busy;          // owned by the disk driver until the request ends
  uint dev;
  uint blockno;
  struct sleeplock lock;
  uint refcnt;
  struct buf *prev;       // LRU list, most recent first
  struct buf *next;
  uint8 data[BSIZE];
};
