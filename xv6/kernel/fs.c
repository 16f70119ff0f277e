// The file system: block allocation, inodes, file contents, directories
// and path names, on top of the buffer cache. Layout in fs.h.
//
// Locking: itable.lock guards inode reference counts and identities; each
// inode's sleep lock guards its contents. Path lookup holds one directory
// lock at a time.
#include "defs.h"
#include "buf.h"
#include "stat.h"

static struct superblock sb;

static struct {
  struct spinlock lock;
  struct inode inode[NINODE];
} itable;

void fsinit(int dev) {
  struct buf *b = bread(dev, 1);
  memmove(&sb, b->data, sizeof(sb));
  brelse(b);
  if (sb.magic != FSMAGIC)
    panic("fsinit: not an rvfs image");
  initlock(&itable.lock, "itable");
  for (int i = 0; i < NINODE; i++)
    initsleeplock(&itable.inode[i].lock, "inode");
}

// ---- blocks ----

static uint balloc(uint dev) {
  for (uint base = 0; base < sb.nblocks; base += BPB) {
    struct buf *b = bread(dev, BBLOCK(base, sb));
    for (uint bit = 0; bit < BPB && base + bit < sb.nblocks; bit++) {
      uint8 mask = 1 << (bit % 8);
      if (b->data[bit / 8] & mask)
        continue;
      b->data[bit / 8] |= mask;
      bwrite(b);
      brelse(b);
      struct buf *z = bread(dev, base + bit);
      memset(z->data, 0, BSIZE);
      bwrite(z);
      brelse(z);
      return base + bit;
    }
    brelse(b);
  }
  printf("balloc: disk full\n");
  return 0;
}

static void bfree(uint dev, uint bno) {
  struct buf *b = bread(dev, BBLOCK(bno, sb));
  uint bit = bno % BPB;
  if ((b->data[bit / 8] & (1 << (bit % 8))) == 0)
    panic("bfree: block already free");
  b->data[bit / 8] &= ~(1 << (bit % 8));
  bwrite(b);
  brelse(b);
}

// ---- inodes ----

static struct inode *iget(uint dev, uint inum) {
  struct inode *empty = 0;
  acquire(&itable.lock);
  for (struct inode *ip = itable.inode; ip < &itable.inode[NINODE]; ip++) {
    if (ip->ref > 0 && ip->dev == dev && ip->inum == inum) {
      ip->ref++;
      release(&itable.lock);
      return ip;
    }
    if (empty == 0 && ip->ref == 0)
      empty = ip;
  }
  if (empty == 0)
    panic("iget: inode table full");
  empty->dev = dev;
  empty->inum = inum;
  empty->ref = 1;
  empty->valid = 0;
  release(&itable.lock);
  return empty;
}

// A new inode of the given type, unlocked and referenced; 0 if none is free.
struct inode *ialloc(uint dev, short type) {
  for (uint inum = 1; inum < sb.ninodes; inum++) {
    struct buf *b = bread(dev, IBLOCK(inum, sb));
    struct dinode *di = (struct dinode *)b->data + inum % IPB;
    if (di->type == 0) {
      memset(di, 0, sizeof(*di));
      di->type = type;
      bwrite(b);
      brelse(b);
      return iget(dev, inum);
    }
    brelse(b);
  }
  printf("ialloc: no free inodes\n");
  return 0;
}

// Write the in-memory inode back. Caller holds ip->lock.
void iupdate(struct inode *ip) {
  struct buf *b = bread(ip->dev, IBLOCK(ip->inum, sb));
  struct dinode *di = (struct dinode *)b->data + ip->inum % IPB;
  di->type = ip->type;
  di->nlink = ip->nlink;
  di->major = ip->major;
  di->minor = ip->minor;
  di->size = ip->size;
  memmove(di->addrs, ip->addrs, sizeof(ip->addrs));
  bwrite(b);
  brelse(b);
}

struct inode *idup(struct inode *ip) {
  acquire(&itable.lock);
  ip->ref++;
  release(&itable.lock);
  return ip;
}

// Lock ip, reading it from disk the first time.
void ilock(struct inode *ip) {
  if (ip == 0 || ip->ref < 1)
    panic("ilock");
  acquiresleep(&ip->lock);
  if (ip->valid)
    return;
  struct buf *b = bread(ip->dev, IBLOCK(ip->inum, sb));
  struct dinode *di = (struct dinode *)b->data + ip->inum % IPB;
  ip->type = di->type;
  ip->nlink = di->nlink;
  ip->major = di->major;
  ip->minor = di->minor;
  ip->size = di->size;
  memmove(ip->addrs, di->addrs, sizeof(ip->addrs));
  brelse(b);
  ip->valid = 1;
  if (ip->type == 0)
    panic("ilock: free inode");
}

void iunlock(struct inode *ip) {
  if (ip == 0 || !holdingsleep(&ip->lock) || ip->ref < 1)
    panic("iunlock");
  releasesleep(&ip->lock);
}

// Drop a reference; the last reference to an unlinked inode frees it.
void iput(struct inode *ip) {
  acquire(&itable.lock);
  if (ip->ref == 1 && ip->valid && ip->nlink == 0) {
    // Nobody else can reach it: taking the sleep lock cannot block.
    acquiresleep(&ip->lock);
    release(&itable.lock);
    itrunc(ip);
    ip->type = 0;
    iupdate(ip);
    ip->valid = 0;
    releasesleep(&ip->lock);
    acquire(&itable.lock);
  }
  ip->ref--;
  release(&itable.lock);
}

void iunlockput(struct inode *ip) {
  iunlock(ip);
  iput(ip);
}

// Disk block holding block bn of the file, allocated on demand; 0 when
// the disk is full.
static uint bmap(struct inode *ip, uint bn) {
  if (bn < NDIRECT) {
    if (ip->addrs[bn] == 0)
      ip->addrs[bn] = balloc(ip->dev);
    return ip->addrs[bn];
  }
  bn -= NDIRECT;
  if (bn >= NINDIRECT)
    panic("bmap: beyond MAXFILE");
  if (ip->addrs[NDIRECT] == 0 && (ip->addrs[NDIRECT] = balloc(ip->dev)) == 0)
    return 0;
  struct buf *b = bread(ip->dev, ip->addrs[NDIRECT]);
  uint *table = (uint *)b->data;
  uint addr = table[bn];
  if (addr == 0 && (addr = balloc(ip->dev)) != 0) {
    table[bn] = addr;
    bwrite(b);
  }
  brelse(b);
  return addr;
}

// Free all of a file's blocks. Caller holds ip->lock.
void itrunc(struct inode *ip) {
  for (int i = 0; i < NDIRECT; i++) {
    if (ip->addrs[i]) {
      bfree(ip->dev, ip->addrs[i]);
      ip->addrs[i] = 0;
    }
  }
  if (ip->addrs[NDIRECT]) {
    struct buf *b = bread(ip->dev, ip->addrs[NDIRECT]);
    uint *table = (uint *)b->data;
    for (int i = 0; i < NINDIRECT; i++)
      if (table[i])
        bfree(ip->dev, table[i]);
    brelse(b);
    bfree(ip->dev, ip->addrs[NDIRECT]);
    ip->addrs[NDIRECT] = 0;
  }
  ip->size = 0;
  iupdate(ip);
}

void stati(struct inode *ip, struct stat *st) {
  st->dev = ip->dev;
  st->ino = ip->inum;
  st->type = ip->type;
  st->nlink = ip->nlink;
  st->size = ip->size;
}

// Read n bytes at off into dst (a user address if user_dst). Returns the
// count read, or -1 if the copy failed.
int readi(struct inode *ip, int user_dst, uint64 dst, uint off, uint n) {
  if (off > ip->size || off + n < off)
    return 0;
  if (off + n > ip->size)
    n = ip->size - off;
  uint done = 0;
  while (done < n) {
    uint addr = bmap(ip, off / BSIZE);
    if (addr == 0)
      break;
    struct buf *b = bread(ip->dev, addr);
    uint m = BSIZE - off % BSIZE;
    if (m > n - done)
      m = n - done;
    int bad = either_copyout(user_dst, dst, b->data + off % BSIZE, m) < 0;
    brelse(b);
    if (bad)
      return -1;
    done += m;
    off += m;
    dst += m;
  }
  return done;
}

// Write n bytes from src at off, growing the file. Returns the count
// written (short if the disk fills), or -1.
int writei(struct inode *ip, int user_src, uint64 src, uint off, uint n) {
  if (off > ip->size || off + n < off || off + n > MAXFILE * BSIZE)
    return -1;
  uint done = 0;
  while (done < n) {
    uint addr = bmap(ip, off / BSIZE);
    if (addr == 0)
      break;
    struct buf *b = bread(ip->dev, addr);
    uint m = BSIZE - off % BSIZE;
    if (m > n - done)
      m = n - done;
    if (either_copyin(b->data + off % BSIZE, user_src, src, m) < 0) {
      brelse(b);
      break;
    }
    bwrite(b);
    brelse(b);
    done += m;
    off += m;
    src += m;
  }
  if (off > ip->size)
    ip->size = off;
  iupdate(ip);  // size, and block addresses bmap may have added
  return done;
}

// ---- directories ----

int namecmp(const char *s, const char *t) {
  return strncmp(s, t, DIRSIZ);
}

// Find name in directory dp (locked); returns its inode unlocked, and the
// entry's byte offset in *poff if poff is set.
struct inode *dirlookup(struct inode *dp, char *name, uint *poff) {
  if (dp->type != T_DIR)
    panic("dirlookup: not a directory");
  struct dirent de;
  for (uint off = 0; off < dp->size; off += sizeof(de)) {
    if (readi(dp, 0, (uint64)&de, off, sizeof(de)) != sizeof(de))
      panic("dirlookup: read");
    if (de.inum != 0 && namecmp(name, de.name) == 0) {
      if (poff)
        *poff = off;
      return iget(dp->dev, de.inum);
    }
  }
  return 0;
}

// Add (name, inum) to directory dp (locked). -1 if name exists or no space.
int dirlink(struct inode *dp, char *name, uint inum) {
  struct inode *ip = dirlookup(dp, name, 0);
  if (ip) {
    iput(ip);
    return -1;
  }
  struct dirent de;
  uint off;
  for (off = 0; off < dp->size; off += sizeof(de)) {
    if (readi(dp, 0, (uint64)&de, off, sizeof(de)) != sizeof(de))
      panic("dirlink: read");
    if (de.inum == 0)
      break;
  }
  memset(&de, 0, sizeof(de));
  strncpy(de.name, name, DIRSIZ);
  de.inum = inum;
  if (writei(dp, 0, (uint64)&de, off, sizeof(de)) != sizeof(de))
    return -1;
  return 0;
}

// ---- path names ----

// Copy the first element of path into name (DIRSIZ bytes, truncated) and
// return the rest with leading slashes removed; 0 if there is no element.
static char *next_element(char *path, char *name) {
  while (*path == '/')
    path++;
  if (*path == 0)
    return 0;
  char *start = path;
  while (*path != '/' && *path != 0)
    path++;
  int len = path - start;
  if (len >= DIRSIZ)
    len = DIRSIZ - 1;
  memmove(name, start, len);
  name[len] = 0;
  while (*path == '/')
    path++;
  return path;
}

// Walk path. With want_parent, stop one element early and leave the last
// element in name.
static struct inode *walkpath(char *path, int want_parent, char *name) {
  struct inode *ip = *path == '/' ? iget(ROOTDEV, ROOTINO) : idup(myproc()->cwd);
  while ((path = next_element(path, name)) != 0) {
    ilock(ip);
    if (ip->type != T_DIR) {
      iunlockput(ip);
      return 0;
    }
    if (want_parent && *path == 0) {
      iunlock(ip);
      return ip;
    }
    struct inode *next = dirlookup(ip, name, 0);
    iunlockput(ip);
    if (next == 0)
      return 0;
    ip = next;
  }
  if (want_parent) {
    iput(ip);
    return 0;
  }
  return ip;
}

struct inode *namei(char *path) {
  char name[DIRSIZ];
  return walkpath(path, 0, name);
}

struct inode *nameiparent(char *path, char *name) {
  return walkpath(path, 1, name);
}
