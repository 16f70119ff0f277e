/* virtio-mmio block device at 0x10001000, modern interface (version 2), or
 * with -DVIRTIO_LEGACY the legacy one (version 1: guest page size, queue
 * PFN): probe, feature negotiation, one queue of 8 descriptors, then a read of
 * sector 0, a write + read-back of sector 2 and a read of the last sector,
 * completion seen in the used ring, InterruptStatus and the PLIC (IRQ 1).
 * The disk image comes from the test harness: 64 KiB where byte o is
 * disk_byte(o), except the first 16 bytes hold "rvemu test disk\n". */
#include "guest.h"

#define R_MAGIC        0x000
#define R_VERSION      0x004
#define R_DEVICE_ID    0x008
#define R_VENDOR_ID    0x00c
#define R_DEV_FEAT     0x010
#define R_DEV_FEAT_SEL 0x014
#define R_DRV_FEAT     0x020
#define R_DRV_FEAT_SEL 0x024
#define R_QUEUE_SEL    0x030
#define R_QUEUE_MAX    0x034
#define R_QUEUE_NUM    0x038
#define R_GUEST_PAGE   0x028   /* legacy */
#define R_QUEUE_ALIGN  0x03c   /* legacy */
#define R_QUEUE_PFN    0x040   /* legacy */
#define R_QUEUE_READY  0x044
#define R_NOTIFY       0x050
#define R_INT_STATUS   0x060
#define R_INT_ACK      0x064
#define R_STATUS       0x070
#define R_DESC_LO      0x080
#define R_DESC_HI      0x084
#define R_DRIVER_LO    0x090
#define R_DRIVER_HI    0x094
#define R_DEVICE_LO    0x0a0
#define R_DEVICE_HI    0x0a4
#define R_CAPACITY     0x100

#define ST_ACK         1
#define ST_DRIVER      2
#define ST_DRIVER_OK   4
#define ST_FEATURES_OK 8

#define QSIZE 8
#define DISK_SECTORS 128
#define VIRTIO_IRQ 1

struct desc { u64 addr; u32 len; u16 flags; u16 next; };
struct avail { u16 flags; u16 idx; u16 ring[QSIZE]; u16 used_event; };
struct used_elem { u32 id; u32 len; };
struct used { u16 flags; u16 idx; struct used_elem ring[QSIZE]; u16 avail_event; };
struct req { u32 type; u32 reserved; u64 sector; };

/* One area laid out as the legacy interface requires (descriptors, then
 * the available ring, the used ring on the next page); the modern
 * interface is simply given the three addresses. */
static u8 queue_mem[2 * 4096] __attribute__((aligned(4096)));
#define descs ((struct desc *)queue_mem)
#define avail (*(struct avail *)(queue_mem + QSIZE * sizeof(struct desc)))
#define used (*(volatile struct used *)(queue_mem + 4096))
static struct req req;
static u8 buf[512] __attribute__((aligned(16)));
static volatile u8 status_byte;

static u32 reg(u32 off) { return mmio_read32(VIRTIO0 + off); }
static void set_reg(u32 off, u32 v) { mmio_write32(VIRTIO0 + off, v); }
static u8 disk_byte(u64 off) { return (u8)((off >> 9) * 31 + (off & 511) * 7 + 3); }

/* one request through descriptors 0-1-2; returns the device's status byte */
static u64 request(u64 num, u32 type, u64 sector) {
	req.type = type;  /* 0 = read (IN), 1 = write (OUT) */
	req.reserved = 0;
	req.sector = sector;
	status_byte = 0xff;
	/* the chain starts somewhere else each time and wraps around the
	 * descriptor table: head, head+1, head+2 (mod QSIZE) */
	u16 head = (u16)(avail.idx * 3 % QSIZE);
	u16 d1 = (head + 1) % QSIZE, d2 = (head + 2) % QSIZE;
	descs[head] = (struct desc){(u64)&req, sizeof req, 1, d1};
	descs[d1] = (struct desc){(u64)buf, 512, (u16)(1 | (type == 0 ? 2 : 0)), d2};
	descs[d2] = (struct desc){(u64)&status_byte, 1, 2, 0};
	u16 old_used = used.idx;
	avail.ring[avail.idx % QSIZE] = head;
	__asm__ volatile("fence rw, rw" ::: "memory");
	avail.idx++;
	__asm__ volatile("fence rw, rw" ::: "memory");
	set_reg(R_NOTIFY, 0);
	u64 deadline = mtime() + 10000000; /* 1 s */
	while (used.idx == old_used && mtime() < deadline)
		;
	__asm__ volatile("fence rw, rw" ::: "memory");
	rt_check(num, used.idx, (u16)(old_used + 1));
	rt_check(num, used.ring[old_used % QSIZE].id, head);
	/* the interrupt: device status bit, PLIC pending + claim */
	rt_check(num, reg(R_INT_STATUS) & 1, 1);
	rt_check(num, mmio_read32(PLIC + 0x1000) >> VIRTIO_IRQ & 1, 1);
	u32 claim = mmio_read32(PLIC + 0x200004);
	rt_check(num, claim, VIRTIO_IRQ);
	set_reg(R_INT_ACK, reg(R_INT_STATUS) & 3);
	mmio_write32(PLIC + 0x200004, claim);
	rt_check(num, reg(R_INT_STATUS), 0);
	return status_byte;
}

int main(void) {
	rt_puts("virtio: start\n");
	/* PLIC: source 1 to hart 0's M context, polled (mie stays 0) */
	mmio_write32(PLIC + 4 * VIRTIO_IRQ, 1);
	mmio_write32(PLIC + 0x2000, 1 << VIRTIO_IRQ);
	mmio_write32(PLIC + 0x200000, 0);

	/* --- probe --- */
	rt_check(1, reg(R_MAGIC), 0x74726976);
#ifdef VIRTIO_LEGACY
	rt_check(2, reg(R_VERSION), 1);
#else
	rt_check(2, reg(R_VERSION), 2);
#endif
	rt_check(3, reg(R_DEVICE_ID), 2);
	rt_check(4, reg(R_VENDOR_ID), 0x554d4551);
	rt_puts("virtio: block device, version ");
	rt_putdec(reg(R_VERSION));
	rt_puts("\n");

	/* --- initialisation --- */
	set_reg(R_STATUS, 0);
	rt_check(5, reg(R_STATUS), 0);
	set_reg(R_STATUS, ST_ACK);
	set_reg(R_STATUS, ST_ACK | ST_DRIVER);
#ifdef VIRTIO_LEGACY
	/* legacy: 32 feature bits, no FEATURES_OK handshake, queue by PFN */
	set_reg(R_DRV_FEAT, 0);
	rt_check(7, reg(R_STATUS), ST_ACK | ST_DRIVER);
	rt_check(8, reg(R_CAPACITY), DISK_SECTORS);
	rt_check(9, reg(R_CAPACITY + 4), 0);
	set_reg(R_GUEST_PAGE, 4096);
	set_reg(R_QUEUE_SEL, 0);
	rt_check(10, reg(R_QUEUE_PFN), 0);
	rt_check(11, reg(R_QUEUE_MAX) >= QSIZE, 1);
	set_reg(R_QUEUE_NUM, QSIZE);
	set_reg(R_QUEUE_ALIGN, 4096);
	set_reg(R_QUEUE_PFN, (u32)((u64)queue_mem >> 12));
	rt_check(12, reg(R_QUEUE_PFN), (u32)((u64)queue_mem >> 12));
	set_reg(R_STATUS, ST_ACK | ST_DRIVER | ST_DRIVER_OK);
	rt_check(13, reg(R_STATUS), ST_ACK | ST_DRIVER | ST_DRIVER_OK);
#else
	set_reg(R_DEV_FEAT_SEL, 1);
	rt_check(6, reg(R_DEV_FEAT) & 1, 1);       /* VIRTIO_F_VERSION_1 */
	set_reg(R_DRV_FEAT_SEL, 1);
	set_reg(R_DRV_FEAT, 1);
	set_reg(R_DRV_FEAT_SEL, 0);
	set_reg(R_DRV_FEAT, 0);
	set_reg(R_STATUS, ST_ACK | ST_DRIVER | ST_FEATURES_OK);
	rt_check(7, reg(R_STATUS), ST_ACK | ST_DRIVER | ST_FEATURES_OK);
	rt_check(8, reg(R_CAPACITY), DISK_SECTORS);
	rt_check(9, reg(R_CAPACITY + 4), 0);
	set_reg(R_QUEUE_SEL, 0);
	rt_check(10, reg(R_QUEUE_READY), 0);
	rt_check(11, reg(R_QUEUE_MAX) >= QSIZE, 1);
	set_reg(R_QUEUE_NUM, QSIZE);
	set_reg(R_DESC_LO, (u32)(u64)descs);
	set_reg(R_DESC_HI, (u32)((u64)descs >> 32));
	set_reg(R_DRIVER_LO, (u32)(u64)&avail);
	set_reg(R_DRIVER_HI, (u32)((u64)&avail >> 32));
	set_reg(R_DEVICE_LO, (u32)(u64)&used);
	set_reg(R_DEVICE_HI, (u32)((u64)&used >> 32));
	set_reg(R_QUEUE_READY, 1);
	rt_check(12, reg(R_QUEUE_READY), 1);
	set_reg(R_STATUS, ST_ACK | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK);
	rt_check(13, reg(R_STATUS), ST_ACK | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK);
#endif
	rt_puts("virtio: queue ready\n");

	/* --- read sector 0 --- */
	rt_check(14, request(14, 0, 0), 0);
	rt_check(15, used.ring[0].len >= 1, 1);
	static const char magic[] = "rvemu test disk\n";
	for (int i = 0; i < 16; i++)
		rt_check(16, buf[i], (u8)magic[i]);
	for (int i = 16; i < 512; i++)
		rt_check(17, buf[i], disk_byte(i));
	rt_puts("virtio: sector 0 says ");
	buf[16] = 0;
	rt_puts((const char *)buf);

	/* --- write sector 2, read it back, read the last sector --- */
	for (int i = 0; i < 512; i++)
		buf[i] = (u8)(255 - i);
	rt_check(18, request(18, 1, 2), 0);
	for (int i = 0; i < 512; i++)
		buf[i] = 0;
	rt_check(19, request(19, 0, 2), 0);
	for (int i = 0; i < 512; i++)
		rt_check(20, buf[i], (u8)(255 - i));
	rt_check(21, request(21, 0, DISK_SECTORS - 1), 0);
	for (int i = 0; i < 512; i++)
		rt_check(22, buf[i], disk_byte((DISK_SECTORS - 1) * 512 + i));
	/* more requests than ring entries: the indexes wrap */
	for (u64 i = 0; i < 2 * QSIZE; i++) {
		u64 sector = (i * 37 + 5) % DISK_SECTORS;
		if (sector == 2)
			continue;
		rt_check(24, request(24, 0, sector), 0);
		rt_check(25, buf[i * 29 % 512], disk_byte(sector * 512 + i * 29 % 512));
	}
	rt_check(26, avail.idx > QSIZE, 1);
	/* beyond the end: the device reports an I/O error */
	rt_check(23, request(23, 0, DISK_SECTORS), 1);
	rt_puts("virtio: read/write ok\n");
	return 0;
}
