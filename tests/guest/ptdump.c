/* ptdump: builds an Sv39 page table with every case the monitor's
 * "info mem" tells apart, writes satp, says "ptdump: ready" and waits
 * forever. The test (tests/monitor_test.go) then runs "info mem" on QEMU
 * and on rvemu and compares the two listings line by line. The hart stays
 * in M-mode, so nothing is translated and no A/D bit changes: the table
 * holds exactly what is written here. */
#include "guest.h"

#define PTE_V (1 << 0)
#define PTE_R (1 << 1)
#define PTE_W (1 << 2)
#define PTE_X (1 << 3)
#define PTE_U (1 << 4)
#define PTE_G (1 << 5)
#define PTE_A (1 << 6)
#define PTE_D (1 << 7)

#define RWAD (PTE_R | PTE_W | PTE_A | PTE_D)
#define KiB 0x400ULL
#define MiB 0x100000ULL
#define GiB 0x40000000ULL

typedef u64 table[512];
static table root __attribute__((aligned(4096)));
static table l1 __attribute__((aligned(4096)));  /* VA 0 - 1 GiB */
static table l0a __attribute__((aligned(4096))); /* VA 0 - 2 MiB */
static table l0b __attribute__((aligned(4096))); /* VA 2 - 4 MiB */

static u64 leaf(u64 pa, u64 flags) { return (pa >> 12) << 10 | flags | PTE_V; }
static u64 next(table *t) { return ((u64)t >> 12) << 10 | PTE_V; }

int main(void) {
	const u64 p = RAM_BASE + 64 * MiB, q = RAM_BASE + 96 * MiB;

	root[0] = next(&l1);
	l1[0] = next(&l0a);
	for (int i = 0; i < 4; i++)            /* both sides contiguous: one range */
		l0a[i] = leaf(p + i * 4 * KiB, RWAD);
	l0a[4] = leaf(p + 5 * 4 * KiB, RWAD);  /* a physical gap */
	l0a[5] = leaf(p + 6 * 4 * KiB, RWAD);  /* contiguous again */
	l0a[7] = leaf(p + 7 * 4 * KiB, RWAD);  /* a virtual gap */
	l0a[8] = leaf(p + 8 * 4 * KiB, PTE_R | PTE_W | PTE_A);           /* no D */
	l0a[9] = leaf(p + 9 * 4 * KiB, PTE_R | PTE_X | PTE_U | PTE_A);  /* user code */
	l0a[10] = leaf(p + 10 * 4 * KiB, PTE_W);                         /* W alone (reserved) */
	l0a[11] = next(&l0b);                  /* a pointer at the last level */
	l0a[12] = leaf(p + 12 * 4 * KiB, RWAD) & ~(u64)PTE_V;           /* not valid */
	l0a[13] = leaf(p + 13 * 4 * KiB, PTE_R | PTE_A) | 1ULL << 60;   /* reserved bit */
	l0a[510] = leaf(q, RWAD);
	l0a[511] = leaf(q + 4 * KiB, RWAD);
	l1[1] = next(&l0b);
	l0b[0] = leaf(q + 8 * KiB, RWAD);      /* continues l0a[511], in another table */
	l0b[1] = leaf(q + 12 * KiB, RWAD);
	l1[2] = leaf(RAM_BASE + 4 * MiB, PTE_R | PTE_X | PTE_G);        /* 2 MiB pages */
	l1[3] = leaf(RAM_BASE + 6 * MiB, PTE_R | PTE_X | PTE_G);
	l1[4] = leaf(RAM_BASE + 8 * MiB + 4 * KiB, PTE_R);              /* misaligned */
	l1[5] = next((table *)0x08000000);     /* a table where nothing is */

	root[1] = leaf(RAM_BASE, PTE_R | PTE_W | PTE_X | PTE_G | PTE_A | PTE_D); /* 1 GiB */
	root[2] = leaf(RAM_BASE + GiB, PTE_R | PTE_W | PTE_X | PTE_G | PTE_A | PTE_D);
	root[255] = leaf(4 * GiB, RWAD);       /* the last GiB of the lower half... */
	root[256] = leaf(5 * GiB, RWAD);       /* ...and the first of the upper half */
	root[300] = leaf(6 * GiB, PTE_R | PTE_U);
	root[511] = leaf(RAM_BASE, PTE_R | PTE_W | PTE_X | PTE_G);

	__asm__ volatile("csrw satp, %0" :: "r"(8ULL << 60 | (u64)root >> 12) : "memory");
	rt_puts("ptdump: ready\n");
	for (;;)
		__asm__ volatile("wfi");
}
