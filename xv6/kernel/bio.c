// Buffer cache: NBUF disk blocks in memory, each owned by one thread at a
// time through its sleep lock. Recently released blocks are reused last.
#include "defs.h"
#include "buf.h"

static struct {
  struct spinlock lock;  // guards the list and every refcnt/dev/blockno
  struct buf bufs[NBUF];
  struct buf lru;        // list head: lru.next is the most recently used
} cache;

void binit(void) {
  initlock(&cache.lock, "bcache");
  cache.lru.next = cache.lru.prev = &cache.lru;
  for (struct buf *b = cache.bufs; b < cache.bufs + NBUF; b++) {
    initsleeplock(&b->lock, "buffer");
    b->next = cache.lru.next;
    b->prev = &cache.lru;
    cache.lru.next->prev = b;
    cache.lru.next = b;
  }
}

// The cached buffer for a block, or a recycled one; returned locked.
static struct buf *bget(uint dev, uint blockno) {
  acquire(&cache.lock);
  for (struct buf *b = cache.lru.next; b != &cache.lru; b = b->next) {
    if (b->dev == dev && b->blockno == blockno) {
      b->refcnt++;
      release(&cache.lock);
      acquiresleep(&b->lock);
      return b;
    }
  }
  for (struct buf *b = cache.lru.prev; b != &cache.lru; b = b->prev) {
    if (b->refcnt == 0) {
      b->dev = dev;
      b->blockno = blockno;
      b->valid = 0;
      b->refcnt = 1;
      release(&cache.lock);
      acquiresleep(&b->lock);
      return b;
    }
  }
  panic("bget: all buffers in use");
}

struct buf *bread(uint dev, uint blockno) {
  struct buf *b = bget(dev, blockno);
  if (!b->valid) {
    virtio_disk_rw(b, 0);
    b->valid = 1;
  }
  return b;
}

// Write through to the disk at once (no journal: see fs.h).
void bwrite(struct buf *b) {
  if (!holdingsleep(&b->lock))
    panic("bwrite");
  virtio_disk_rw(b, 1);
}

void brelse(struct buf *b) {
  if (!holdingsleep(&b->lock))
    panic("brelse");
  releasesleep(&b->lock);
  acquire(&cache.lock);
  if (--b->refcnt == 0) {
    // Move to the front: the most recently used is recycled last.
    b->next->prev = b->prev;
    b->prev->next = b->next;
    b->next = cache.lru.next;
    b->prev = &cache.lru;
    cache.lru.next->prev = b;
    cache.lru.next = b;
  }
  release(&cache.lock);
}
