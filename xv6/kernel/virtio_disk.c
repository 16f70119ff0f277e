// virtio-mmio block device, modern interface (version 2). One request is
// in flight at a time, using descriptors 0 (header), 1 (data), 2 (status).
#include "defs.h"
#include "memlayout.h"
#include "buf.h"

// virtio-mmio register offsets.
#define MAGIC 0x000
#define VERSION 0x004
#define DEVICE_ID 0x008
#define DEVICE_FEATURES_SEL 0x014
#define DRIVER_FEATURES 0x020
#define DRIVER_FEATURES_SEL 0x024
#define QUEUE_SEL 0x030
#define QUEUE_NUM_MAX 0x034
#define QUEUE_NUM 0x038
#define QUEUE_READY 0x044
#define QUEUE_NOTIFY 0x050
#define INTERRUPT_STATUS 0x060
#define INTERRUPT_ACK 0x064
#define STATUS 0x070
#define QUEUE_DESC_LOW 0x080
#define QUEUE_DESC_HIGH 0x084
#define QUEUE_DRIVER_LOW 0x090
#define QUEUE_DRIVER_HIGH 0x094
#define QUEUE_DEVICE_LOW 0x0a0
#define QUEUE_DEVICE_HIGH 0x0a4

#define REG(r) (*(volatile uint32 *)(VIRTIO0 + (r)))

// Device status bits.
#define ST_ACKNOWLEDGE 1
#define ST_DRIVER 2
#define ST_DRIVER_OK 4
#define ST_FEATURES_OK 8

#define QSIZE 8  // queue entries; we use three

struct vq_desc {
  uint64 addr;
  uint32 len;
  uint16 flags;
  uint16 next;
};
#define DESC_NEXT 1
#define DESC_DEVICE_WRITES 2

struct vq_avail {
  uint16 flags;
  uint16 idx;
  uint16 ring[QSIZE];
};

struct vq_used {
  uint16 flags;
  uint16 idx;
  struct {
    uint32 id;
    uint32 len;
  } ring[QSIZE];
};

struct blk_header {
  uint32 type;  // 0 read, 1 write
  uint32 reserved;
  uint64 sector;
};

static struct {
  struct spinlock lock;
  struct vq_desc *desc;
  struct vq_avail *avail;
  struct vq_used *used;
  uint16 used_seen;        // used->idx we have processed up to
  struct buf *inflight;    // the request the device owns, or 0
  struct blk_header header;
  volatile uint8 status;
} disk;

static void *zeroed_page(void) {
  void *p = kalloc();
  if (p == 0)
    panic("virtio: no memory");
  memset(p, 0, PGSIZE);
  return p;
}

void virtio_disk_init(void) {
  initlock(&disk.lock, "virtio_disk");
  if (REG(MAGIC) != 0x74726976 || REG(VERSION) != 2 || REG(DEVICE_ID) != 2)
    panic("virtio: no modern block device at slot 0");

  REG(STATUS) = 0;  // reset
  uint32 status = ST_ACKNOWLEDGE | ST_DRIVER;
  REG(STATUS) = status;
  // Accept no optional features, only VIRTIO_F_VERSION_1 (bit 32).
  REG(DRIVER_FEATURES_SEL) = 0;
  REG(DRIVER_FEATURES) = 0;
  REG(DRIVER_FEATURES_SEL) = 1;
  REG(DRIVER_FEATURES) = 1;
  REG(DEVICE_FEATURES_SEL) = 0;
  status |= ST_FEATURES_OK;
  REG(STATUS) = status;
  if ((REG(STATUS) & ST_FEATURES_OK) == 0)
    panic("virtio: features refused");

  REG(QUEUE_SEL) = 0;
  if (REG(QUEUE_READY))
    panic("virtio: queue already live");
  if (REG(QUEUE_NUM_MAX) < QSIZE)
    panic("virtio: queue too small");
  disk.desc = zeroed_page();
  disk.avail = zeroed_page();
  disk.used = zeroed_page();
  REG(QUEUE_NUM) = QSIZE;
  REG(QUEUE_DESC_LOW) = (uint64)disk.desc;
  REG(QUEUE_DESC_HIGH) = (uint64)disk.desc >> 32;
  REG(QUEUE_DRIVER_LOW) = (uint64)disk.avail;
  REG(QUEUE_DRIVER_HIGH) = (uint64)disk.avail >> 32;
  REG(QUEUE_DEVICE_LOW) = (uint64)disk.used;
  REG(QUEUE_DEVICE_HIGH) = (uint64)disk.used >> 32;
  REG(QUEUE_READY) = 1;

  REG(STATUS) = status | ST_DRIVER_OK;

  // The three descriptors never change shape; only the data buffer does.
  disk.desc[0] = (struct vq_desc){(uint64)&disk.header, sizeof(disk.header), DESC_NEXT, 1};
  disk.desc[1] = (struct vq_desc){0, BSIZE, DESC_NEXT, 2};
  disk.desc[2] = (struct vq_desc){(uint64)&disk.status, 1, DESC_DEVICE_WRITES, 0};
}

// Read or write b's block; sleeps until the device is done.
void virtio_disk_rw(struct buf *b, int write) {
  acquire(&disk.lock);
  while (disk.inflight)
    sleep(&disk, &disk.lock);
  disk.inflight = b;
  b->disk_busy = 1;

  disk.header.type = write ? 1 : 0;
  disk.header.reserved = 0;
  disk.header.sector = (uint64)b->blockno * (BSIZE / 512);
  disk.status = 0xff;
  disk.desc[1].addr = (uint64)b->data;
  disk.desc[1].flags = DESC_NEXT | (write ? 0 : DESC_DEVICE_WRITES);

  disk.avail->ring[disk.avail->idx % QSIZE] = 0;
  __sync_synchronize();  // the ring entry is visible before the index
  disk.avail->idx++;
  __sync_synchronize();
  REG(QUEUE_NOTIFY) = 0;

  while (b->disk_busy)
    sleep(b, &disk.lock);
  if (disk.status != 0)
    panic("virtio: disk I/O error");
  disk.inflight = 0;
  wakeup(&disk);
  release(&disk.lock);
}

void virtio_disk_intr(void) {
  acquire(&disk.lock);
  REG(INTERRUPT_ACK) = REG(INTERRUPT_STATUS) & 3;
  __sync_synchronize();
  while (disk.used_seen != *(volatile uint16 *)&disk.used->idx) {
    __sync_synchronize();
    if (disk.inflight) {
      disk.inflight->disk_busy = 0;
      wakeup(disk.inflight);
    }
    disk.used_seen++;
  }
  release(&disk.lock);
}
