/* PMP: the CSRs QEMU 7.2's virt harts have (16 entries, pmpcfg0/2), G = 0
 * read-back, NA4/TOR/NAPOT matching, the lowest entry deciding, accesses
 * matched only in part failing, unlocked entries not binding M, locked
 * entries binding M and ignoring writes, page-table reads checked as
 * S-mode loads, and instruction fetch. S-mode data accesses are M-mode
 * accesses with MPRV and MPP = S; each PMP change is followed by
 * sfence.vma, as the privileged spec asks (QEMU 7.2 keeps stale
 * translations without it). Some entry stays enabled throughout: with
 * none, S and U run unchecked on rvemu (the 2019/2020 lab kernels need
 * that) while QEMU 7.2 refuses the mret into them. */
#include "guest.h"

#define R 1
#define W 2
#define X 4
#define TOR (1 << 3)
#define NA4 (2 << 3)
#define NAPOT (3 << 3)
#define L 0x80

#define CAUSE_FETCH_ACCESS 1
#define CAUSE_ILLEGAL 2
#define CAUSE_LOAD_ACCESS 5
#define CAUSE_STORE_ACCESS 7
#define NONE ((u64)-1)

/* E(i, cfg): entry i's byte in pmpcfg0 (entries 0-7) or pmpcfg2 (8-15) */
#define E(i, cfg) ((u64)(cfg) << (8 * ((i) % 8)))
#define ALL (NAPOT | R | W | X)

static u64 words[32] __attribute__((aligned(64)));
static u64 locked_words[2] __attribute__((aligned(16)));
typedef u64 table[512];
static table root __attribute__((aligned(4096)));

u64 mprv_load(u64 pa, u64 mpp);            /* ld as mode mpp */
u64 mprv_load32(u64 pa, u64 mpp);          /* lwu as mode mpp */
void mprv_store32(u64 pa, u64 v, u64 mpp); /* sw as mode mpp */
void pmp_blocked(void);                    /* its first word gets no X */

static void arm(void) { trap_cause = NONE; trap_expected = 1; }
static u64 taken(void) {
	u64 c = trap_expected ? NONE : trap_cause;
	trap_expected = 0;
	return c;
}
static void sfence(void) { __asm__ volatile("sfence.vma zero, zero" ::: "memory"); }

/* entries: set pmpcfg0/pmpcfg2 (entries 0-7, 8-15) and flush. */
static void pmpcfg(u64 cfg0, u64 cfg2) {
	csr_write(pmpcfg0, cfg0);
	csr_write(pmpcfg2, cfg2);
	sfence();
}

#define CSR_TRAPS(num, insn) do {                                         \
	u64 v_ = 0;                                                           \
	arm();                                                                \
	__asm__ volatile(insn : "+r"(v_) :: "memory");                        \
	rt_check(num, taken(), CAUSE_ILLEGAL);                                \
} while (0)

/* check num: an S-mode access traps with cause (NONE: it does not) */
static void s_load(u64 num, u64 pa, u64 cause) {
	arm();
	(void)mprv_load(pa, PRV_S);
	u64 c = taken();
	rt_check(num, c, cause);
	if (c != NONE)
		rt_check(num, trap_tval, pa);
}
static void s_load32(u64 num, u64 pa, u64 cause) {
	arm();
	(void)mprv_load32(pa, PRV_S);
	rt_check(num, taken(), cause);
}
static void s_store32(u64 num, u64 pa, u64 cause) {
	arm();
	mprv_store32(pa, 0x5a5a, PRV_S);
	u64 c = taken();
	rt_check(num, c, cause);
	if (c != NONE)
		rt_check(num, trap_tval, pa);
}

int main(void) {
	/* a: 32 bytes into a 64-byte aligned block, so that no test access
	 * crosses a page (QEMU 7.2 checks a page-crossing access as two
	 * aligned ones, bytes outside it included; not compared here) */
	u64 a = (u64)&words[4];
	rt_puts("pmp: start\n");

	/* --- the registers --- */
	CSR_TRAPS(1, "csrr %0, 0x3a1");     /* pmpcfg1: none on RV64 */
	CSR_TRAPS(2, "csrr %0, 0x3a3");
	CSR_TRAPS(3, "csrr %0, 0x3a4");     /* pmpcfg4: 16 entries only */
	CSR_TRAPS(4, "csrr %0, 0x3c0");     /* pmpaddr16 */
	CSR_TRAPS(5, "csrw 0x3ef, %0");     /* pmpaddr63 */
	csr_write(pmpaddr15, 0x20000c03);   /* G = 0: reads back as written */
	rt_check(6, csr_read(pmpaddr15), 0x20000c03);
	csr_write(pmpcfg2, 0x0f1f000000000000ULL);
	rt_check(7, csr_read(pmpcfg2), 0x0f1f000000000000ULL);
	csr_write(pmpcfg2, 0);
	rt_check(8, csr_read(pmpcfg2), 0);
	rt_puts("pmp: registers ok\n");

	/* --- matching: entry 0 is 4 bytes read-only, entry 1 everything --- */
	csr_write(pmpaddr1, -1);
	csr_write(pmpaddr0, a >> 2);
	pmpcfg(E(0, NA4 | R) | E(1, ALL), 0);
	s_load32(10, a, NONE);
	s_store32(11, a, CAUSE_STORE_ACCESS);
	s_load(12, a, CAUSE_LOAD_ACCESS);        /* 8 bytes, entry 0 holds 4 */
	s_load(13, a - 4, CAUSE_LOAD_ACCESS);    /* straddles entry 0's start */
	s_load(14, a + 8, NONE);                 /* entry 1 */
	s_store32(15, a + 8, NONE);              /* the page is split, not refused */
	s_store32(16, a, CAUSE_STORE_ACCESS);    /* still, after the page was used */
	arm();
	*(volatile u32 *)a = 7;                  /* M: unlocked entries do not bind */
	rt_check(17, taken(), NONE);
	arm();
	*(volatile u64 *)a = 7;                  /* ...but a partial match fails */
	rt_check(18, taken(), CAUSE_STORE_ACCESS);
	/* swapped: the everything entry first wins */
	csr_write(pmpaddr0, -1);
	csr_write(pmpaddr1, a >> 2);
	pmpcfg(E(0, ALL) | E(1, NA4), 0);
	s_store32(19, a, NONE);
	s_load(20, a, NONE);
	rt_puts("pmp: na4 ok\n");

	/* TOR: entry 1 covers [a+16, a+48) with no permission. */
	csr_write(pmpaddr0, (a + 16) >> 2);
	csr_write(pmpaddr1, (a + 48) >> 2);
	csr_write(pmpaddr2, -1);
	pmpcfg(E(1, TOR) | E(2, ALL), 0);
	s_load(21, a + 8, NONE);
	s_load(22, a + 16, CAUSE_LOAD_ACCESS);
	s_load(23, a + 40, CAUSE_LOAD_ACCESS);
	s_load(24, a + 48, NONE);
	s_load(25, a + 12, CAUSE_LOAD_ACCESS);   /* half in */
	/* TOR with entry 0: from address 0 */
	csr_write(pmpaddr0, (a + 16) >> 2);
	pmpcfg(E(0, TOR | R) | E(2, ALL), 0);
	s_load(26, a + 8, NONE);
	s_store32(27, a + 8, CAUSE_STORE_ACCESS);
	s_load(28, a + 16, NONE);
	/* NAPOT: 32 bytes at a+64 (pmpaddr = base>>2 | 0b11), read-only */
	csr_write(pmpaddr0, ((a + 64) >> 2) | 3);
	pmpcfg(E(0, NAPOT | R) | E(2, ALL), 0);
	s_store32(29, a + 56, NONE);
	s_store32(30, a + 64, CAUSE_STORE_ACCESS);
	s_store32(31, a + 92, CAUSE_STORE_ACCESS);
	s_store32(32, a + 96, NONE);
	rt_puts("pmp: tor/napot ok\n");

	/* --- page-table reads are S-mode loads --- */
	for (int i = 0; i < 512; i++)
		root[i] = 0;
	root[2] = (0x80000000ULL >> 12) << 10 | 0xcf;    /* 1 GiB RWX, A/D set */
	csr_write(pmpaddr0, ((u64)root >> 2) | 0x1ff);   /* 4 KiB: the root table */
	csr_write(satp, (8ULL << 60) | ((u64)root >> 12));
	pmpcfg(E(0, NAPOT) | E(2, ALL), 0);
	s_load(40, a, CAUSE_LOAD_ACCESS);
	s_store32(41, a, CAUSE_STORE_ACCESS);
	pmpcfg(E(0, NAPOT | R) | E(2, ALL), 0);
	s_load(42, a, NONE);
	csr_write(satp, 0);
	sfence();
	rt_puts("pmp: page-table walk ok\n");

	/* --- instruction fetch: pmp_blocked's first word has no X --- */
	csr_write(pmpaddr0, (u64)pmp_blocked >> 2);
	pmpcfg(E(0, NA4 | R) | E(2, ALL), 0);
	to_mode(PRV_S);
	arm();
	pmp_blocked();
	u64 c = taken();
	to_mode(PRV_M);
	rt_check(50, c, CAUSE_FETCH_ACCESS);
	rt_check(51, trap_tval, (u64)pmp_blocked);
	pmpcfg(E(0, NA4 | R | X) | E(2, ALL), 0);
	to_mode(PRV_S);
	arm();
	pmp_blocked();
	c = taken();
	to_mode(PRV_M);
	rt_check(52, c, NONE);
	rt_puts("pmp: fetch ok\n");

	/* --- locks: entry 14 on locked_words[0] binds M; entry 15 everything --- */
	u64 lw = (u64)&locked_words[0];
	csr_write(pmpaddr14, lw >> 2);
	csr_write(pmpaddr15, -1);
	pmpcfg(0, E(14, L | NA4) | E(15, ALL));
	arm();
	(void)*(volatile u32 *)lw;
	rt_check(60, taken(), CAUSE_LOAD_ACCESS);
	rt_check(61, trap_tval, lw);
	arm();
	(void)*(volatile u32 *)(lw + 4);
	rt_check(62, taken(), NONE);
	s_load32(63, lw, CAUSE_LOAD_ACCESS);
	csr_write(pmpaddr14, 0x1234);           /* locked: ignored */
	rt_check(64, csr_read(pmpaddr14), lw >> 2);
	pmpcfg(0, E(14, NA4 | R) | E(15, ALL));
	rt_check(65, csr_read(pmpcfg2) >> 48 & 0xff, L | NA4);
	arm();
	(void)*(volatile u32 *)lw;
	rt_check(66, taken(), CAUSE_LOAD_ACCESS);
	rt_puts("pmp: locks ok\n");
	return 0;
}

__asm__(
	".option push\n.option norvc\n"
	/* u64 mprv_load(pa, mpp) and friends: one access as mode mpp */
	".macro MPRV_ON\n"
	"	li t0, 3 << 11\n"
	"	csrc mstatus, t0\n"
	"	slli t1, a1, 11\n"
	"	csrs mstatus, t1\n"
	"	li t0, 1 << 17\n"
	"	csrs mstatus, t0\n"
	".endm\n"
	".globl mprv_load\nmprv_load:\n"
	"	MPRV_ON\n	ld a0, 0(a0)\n	csrc mstatus, t0\n	ret\n"
	".globl mprv_load32\nmprv_load32:\n"
	"	MPRV_ON\n	lwu a0, 0(a0)\n	csrc mstatus, t0\n	ret\n"
	".globl mprv_store32\nmprv_store32:\n"
	"	li t0, 3 << 11\n	csrc mstatus, t0\n	slli t1, a2, 11\n	csrs mstatus, t1\n"
	"	li t0, 1 << 17\n	csrs mstatus, t0\n	sw a1, 0(a0)\n	csrc mstatus, t0\n	ret\n"
	".balign 16\n"
	".globl pmp_blocked\npmp_blocked:\n"
	"	nop\n	ret\n"
	".option pop\n");
