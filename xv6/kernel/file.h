#pragma once
#include "types.h"
#include "sleeplock.h"
#include "fs.h"

struct sock;

// An open file: what a file descriptor points to.
struct file {
  enum { FD_NONE, FD_PIPE, FD_INODE, FD_DEVICE, FD_SOCK } type;
  int ref;
  char readable;
  char writable;
  struct pipe *pipe;   // FD_PIPE
  struct inode *ip;    // FD_INODE, FD_DEVICE
  struct sock *sock;   // FD_SOCK
  uint off;            // FD_INODE
  short major;         // FD_DEVICE
};

// An inode in memory: the cached dinode plus bookkeeping.
struct inode {
  uint dev;
  uint inum;
  int ref;              // guarded by the inode table lock
  struct sleeplock lock;  // guards everything below
  int valid;            // fields below were read from disk
  uint16 type;
  uint16 nlink;
  uint16 major;
  uint16 minor;
  uint size;
  uint addrs[NDIRECT + 1];
};

// A character device: read/write entry points by major number.
struct devsw {
  int (*read)(int user_dst, uint64 dst, int n);
  int (*write)(int user_src, uint64 src, int n);
};

extern struct devsw devsw[];

#define CONSOLE 1
