// On-disk format of the file system (rvfs). xv6/mkfs/ writes the same layout.
//
// [ unused | super | inode blocks | bitmap blocks | data blocks ]
//   block 0  block 1
//
// No journal: every change is written through to the disk at once, so a
// crash can leak blocks or inodes but the kernel never reads a half-written
// block as metadata of another kind.
#pragma once
#include "types.h"

#define BSIZE 1024
#define FSMAGIC 0x72766673  // "rvfs"
#define ROOTINO 1

struct superblock {
  uint magic;
  uint nblocks;     // whole image, in blocks
  uint ninodes;
  uint inodestart;  // first inode block
  uint bmapstart;   // first bitmap block
  uint datastart;   // first data block
};

#define NDIRECT 12
#define NINDIRECT (BSIZE / sizeof(uint))
#define MAXFILE (NDIRECT + NINDIRECT)

// Inode types (also the type field of struct stat).
#define T_DIR 1
#define T_FILE 2
#define T_DEVICE 3

// 64 bytes on disk.
struct dinode {
  uint16 type;      // 0: free
  uint16 nlink;
  uint16 major;     // T_DEVICE only
  uint16 minor;
  uint size;
  uint addrs[NDIRECT + 1];  // last entry: the indirect block
};

#define IPB (BSIZE / sizeof(struct dinode))
#define IBLOCK(inum, sb) ((inum) / IPB + (sb).inodestart)
#define BPB (BSIZE * 8)
#define BBLOCK(b, sb) ((b) / BPB + (sb).bmapstart)

// Directory entry: 32 bytes; inum 0 marks a free slot.
#define DIRSIZ 28
struct dirent {
  uint inum;
  char name[DIRSIZ];
};
