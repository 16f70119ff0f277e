// Compile-time limits of the kernel.
#pragma once

#define NCPU 8            // most harts we run on
#define NPROC 64          // process table size
#define NOFILE 16         // open files per process
#define NFILE 100         // open files in the whole system
#define NINODE 50         // in-memory inode cache entries
#define NBUF 30           // buffer cache blocks
#define NDEV 10           // device numbers for mknod
#define MAXARG 32         // exec argument count limit
#define MAXPATH 128       // longest path name
#define ROOTDEV 1         // device number of the root file system
#define TICK_INTERVAL 1000000  // timer period in mtime ticks (10 MHz): 100 ms
