/* Sv39: page tables built here, translation through 4 KiB pages, 2 MiB and
 * 1 GiB superpages, hardware A/D updates, U/SUM/MXR permission rules, page
 * faults 12/13/15 with stval = VA, sfence.vma after PTE changes, and M-mode
 * loads through MPRV. Faults are taken in M (not delegated) and recorded by
 * the runtime; U-mode ecalls are delegated to S to come back from U. */
#include "guest.h"

#define PTE_V (1 << 0)
#define PTE_R (1 << 1)
#define PTE_W (1 << 2)
#define PTE_X (1 << 3)
#define PTE_U (1 << 4)
#define PTE_G (1 << 5)
#define PTE_A (1 << 6)
#define PTE_D (1 << 7)

#define CAUSE_FETCH_PF 12
#define CAUSE_LOAD_PF  13
#define CAUSE_STORE_PF 15

/* virtual layout of the test region (root[1]) */
#define VA_BASE     0x40000000ULL
#define VA_FRESH    (VA_BASE + 0x0000)   /* RW, A=D=0 at first */
#define VA_RO       (VA_BASE + 0x1000)   /* read-only */
#define VA_INVALID  (VA_BASE + 0x2000)   /* V=0 */
#define VA_UCODE    (VA_BASE + 0x3000)   /* U, R X */
#define VA_UDATA    (VA_BASE + 0x4000)   /* U, R W */
#define VA_XONLY    (VA_BASE + 0x5000)   /* X only */
#define VA_ALIAS    (VA_BASE + 0x6000)   /* second mapping of the FRESH page */
#define VA_SWAP     (VA_BASE + 0x7000)   /* retargeted between two pages */
#define VA_WONLY    (VA_BASE + 0x8000)   /* W without R: reserved */
#define VA_SPLIT    (VA_BASE + 0xa000)   /* two code pages, not adjacent in PA */
#define VA_LEAF0PTR (VA_BASE + 0xc000)   /* pointer PTE at level 0 */
#define VA_RSVD     (VA_BASE + 0xd000)   /* PTE with reserved bits 63:54 */
#define VA_MEGA     (VA_BASE + 0x200000) /* 2 MiB page -> PA 0x80200000 */
#define PA_MEGA     0x80200000ULL
#define VA_BADMEGA  (VA_BASE + 0x400000) /* misaligned 2 MiB page */
#define VA_BADWALK  (VA_BASE + 0x600000) /* next table outside RAM */
#define PA_NOWHERE  0x08000000ULL
#define VA_NONCANON 0x0000008000000000ULL

typedef u64 table[512];
static table root __attribute__((aligned(4096)));
static table l1 __attribute__((aligned(4096)));
static table l0 __attribute__((aligned(4096)));
static table page_fresh __attribute__((aligned(4096)));
static table page_ro __attribute__((aligned(4096)));
static table page_udata __attribute__((aligned(4096)));
static table page_xonly __attribute__((aligned(4096)));
static table page_a __attribute__((aligned(4096)));
static table page_b __attribute__((aligned(4096)));
static u16 code_area[3][2048] __attribute__((aligned(4096)));

extern char user_load[], user_fetch[];
u64 run_user(u64 entry, u64 arg);
u64 mprv_load(u64 va, u64 mpp);

static u64 pte(void *pa, u64 flags) { return ((u64)pa >> 12) << 10 | flags | PTE_V; }
static u64 pte_pa(u64 pa, u64 flags) { return (pa >> 12) << 10 | flags | PTE_V; }

static u64 ld(u64 va) {
	u64 v = 0xbad;
	__asm__ volatile("ld %0, 0(%1)" : "+r"(v) : "r"(va) : "memory");
	return v;
}
static void sd(u64 va, u64 v) { __asm__ volatile("sd %0, 0(%1)" :: "r"(v), "r"(va) : "memory"); }
static void sfence(void) { __asm__ volatile("sfence.vma zero, zero" ::: "memory"); }
static void sfence_va(u64 va) { __asm__ volatile("sfence.vma %0, zero" :: "r"(va) : "memory"); }

static void arm(void) { trap_cause = (u64)-1; trap_expected = 1; }

static void try_access(int kind, u64 va) {
	arm();
	if (kind == 'l')
		(void)ld(va);
	else if (kind == 's')
		sd(va, 0x5a5a);
	else
		__asm__ volatile("jalr %0" :: "r"(va) : "ra", "memory");
}

/* the access must fault with that cause and stval/mtval = va */
static void expect_fault(u64 num, int kind, u64 va, u64 cause) {
	try_access(kind, va);
	rt_check(num, trap_cause, cause);
	rt_check(num, trap_tval, va);
}

/* like expect_fault, but cause alt is accepted too */
static void expect_fault2(u64 num, int kind, u64 va, u64 cause, u64 alt) {
	try_access(kind, va);
	u64 got = trap_cause;
	rt_check(num, got == alt ? cause : got, cause);
	rt_check(num, trap_tval, va);
}

static void build_tables(void) {
	root[0] = pte_pa(0, PTE_R | PTE_W | PTE_A | PTE_D);                    /* devices */
	root[1] = pte(l1, 0);
	root[2] = pte_pa(RAM_BASE, PTE_R | PTE_W | PTE_X | PTE_A | PTE_D | PTE_G); /* 1 GiB */
	l1[0] = pte(l0, 0);
	l1[1] = pte_pa(PA_MEGA, PTE_R | PTE_W | PTE_A | PTE_D);
	l1[2] = pte_pa(PA_MEGA + 0x1000, PTE_R | PTE_A);                         /* misaligned */
	l0[0] = pte(page_fresh, PTE_R | PTE_W);
	l0[1] = pte(page_ro, PTE_R | PTE_A);
	l0[2] = 0;
	l0[3] = pte(user_load, PTE_U | PTE_R | PTE_X | PTE_A);
	l0[4] = pte(page_udata, PTE_U | PTE_R | PTE_W | PTE_A | PTE_D);
	l0[5] = pte(page_xonly, PTE_X | PTE_A);
	l0[6] = pte(page_fresh, PTE_R | PTE_W | PTE_A | PTE_D);
	l0[7] = pte(page_a, PTE_R | PTE_A);
	l0[8] = pte(page_a, PTE_W | PTE_A | PTE_D);
	l0[9] = pte(user_fetch, PTE_U | PTE_R | PTE_X | PTE_A);
	l1[3] = pte_pa(PA_NOWHERE, 0);
	l0[12] = pte(l0, 0);
	l0[13] = pte(page_a, PTE_R | PTE_A) | (1ULL << 60);
	l0[10] = pte(code_area[0], PTE_R | PTE_X | PTE_A);
	l0[11] = pte(code_area[2], PTE_R | PTE_X | PTE_A);
}

/* A 32-bit instruction across a page boundary: c.li a0, 1 at VA_SPLIT +
 * 0xffc, then addi a0, a0, imm with its low half at the end of the first
 * page and its high half at the start of the second, then c.jr ra. */
static void write_split_code(void) {
	code_area[0][2046] = 0x4505;              /* c.li a0, 1 */
	code_area[0][2047] = 0x0513;              /* addi a0, a0, ... (low) */
	code_area[2][0] = 0x1235;                 /* ... 0x123 (high half) */
	code_area[2][1] = 0x8082;                 /* c.jr ra */
	code_area[1][0] = 0x4565;                 /* ... 0x456 (high half) */
	code_area[1][1] = 0x8082;
	__asm__ volatile("fence.i" ::: "memory");
}

static u64 call_va(u64 va) {
	register u64 a0 __asm__("a0") = 0xbad;
	__asm__ volatile("jalr %1" : "+r"(a0) : "r"(va) : "ra", "memory");
	return a0;
}

int main(void) {
	rt_puts("sv39: start\n");
	page_fresh[0] = 0x1111;
	page_ro[1] = 0x2222;
	page_udata[0] = 0x3333;
	page_xonly[2] = 0x4444;
	page_a[0] = 0xaaaa;
	page_b[0] = 0xbbbb;
	*(volatile u64 *)(PA_MEGA + 0x1238) = 0x5555;
	*(volatile u64 *)(PA_MEGA + 0x1ff000) = 0x6666;
	build_tables();
	write_split_code();
	csr_write(satp, (8ULL << 60) | ((u64)root >> 12));
	sfence();
	rt_check(1, csr_read(satp), (8ULL << 60) | ((u64)root >> 12));

	to_mode(PRV_S);
	/* --- translation through each page size --- */
	rt_check(2, ld(VA_FRESH), 0x1111);
	rt_check(3, ld(VA_RO + 8), 0x2222);
	rt_check(4, ld(VA_MEGA + 0x1238), 0x5555);
	rt_check(5, ld(VA_MEGA + 0x1ff000), 0x6666);
	rt_check(6, ld((u64)&page_b[0]), 0xbbbb);     /* through the 1 GiB page */
	sd(VA_ALIAS + 16, 0x7777);                     /* alias of page_fresh */
	rt_check(7, ld(VA_FRESH + 16), 0x7777);
	rt_check(8, page_fresh[2], 0x7777);
	rt_puts("sv39: translation ok\n");

	/* --- A and D bits are set by the hardware walk --- */
	l0[0] = pte(page_fresh, PTE_R | PTE_W);
	sfence();
	(void)ld(VA_FRESH);
	rt_check(9, l0[0] & (PTE_A | PTE_D), PTE_A);
	sd(VA_FRESH + 8, 1);
	rt_check(10, l0[0] & (PTE_A | PTE_D), PTE_A | PTE_D);
	rt_check(11, page_fresh[1], 1);
	rt_puts("sv39: a/d ok\n");

	/* --- page faults: stval is the virtual address --- */
	expect_fault(12, 's', VA_RO + 8, CAUSE_STORE_PF);
	rt_check(12, page_ro[1], 0x2222);
	expect_fault(13, 'l', VA_INVALID + 0x10, CAUSE_LOAD_PF);
	expect_fault(14, 's', VA_INVALID + 0x18, CAUSE_STORE_PF);
	expect_fault(15, 'f', VA_INVALID, CAUSE_FETCH_PF);
	expect_fault(16, 'f', VA_FRESH, CAUSE_FETCH_PF);        /* not executable */
	expect_fault(17, 'l', VA_BADMEGA + 8, CAUSE_LOAD_PF);   /* misaligned superpage */
	expect_fault(18, 'l', VA_NONCANON, CAUSE_LOAD_PF);
	expect_fault(19, 'l', VA_WONLY, CAUSE_LOAD_PF);         /* W without R */
	expect_fault(20, 'l', VA_BASE + 0x100000, CAUSE_LOAD_PF); /* l0 entry 256 empty */
	expect_fault(51, 'l', VA_LEAF0PTR, CAUSE_LOAD_PF);     /* no level below 0 */
	expect_fault(52, 'l', VA_RSVD, CAUSE_LOAD_PF);         /* reserved PTE bits */
	/* a walk that reads outside RAM: the spec says access fault of the
	 * access type; QEMU 7.2 reports a page fault */
	expect_fault2(53, 'l', VA_BADWALK, 5, CAUSE_LOAD_PF);
	expect_fault2(54, 's', VA_BADWALK + 8, 7, CAUSE_STORE_PF);
	expect_fault2(55, 'f', VA_BADWALK, 1, CAUSE_FETCH_PF);
	rt_check(21, trap_mpp, PRV_S);
	rt_puts("sv39: page faults ok\n");

	/* --- U pages, SUM and MXR from S --- */
	expect_fault(22, 'l', VA_UDATA, CAUSE_LOAD_PF);         /* SUM = 0 */
	csr_set(sstatus, MSTATUS_SUM);
	rt_check(23, ld(VA_UDATA), 0x3333);
	expect_fault(24, 'f', VA_UCODE, CAUSE_FETCH_PF);        /* never from S */
	csr_clear(sstatus, MSTATUS_SUM);
	expect_fault(25, 'l', VA_XONLY + 16, CAUSE_LOAD_PF);    /* MXR = 0 */
	csr_set(sstatus, MSTATUS_MXR);
	rt_check(26, ld(VA_XONLY + 16), 0x4444);
	csr_clear(sstatus, MSTATUS_MXR);
	rt_puts("sv39: sum/mxr ok\n");

	/* --- U mode: reads its own page, faults on a supervisor page --- */
	to_mode(PRV_M);
	csr_write(medeleg, 1 << 8);   /* U ecall returns to S (run_user) */
	to_mode(PRV_S);
	arm();
	rt_check(27, run_user(VA_UCODE, VA_UDATA), 0x3333);
	rt_check(28, trap_cause, CAUSE_LOAD_PF);
	rt_check(29, trap_tval, VA_FRESH);
	rt_check(30, trap_mpp, PRV_U);
	arm();
	rt_check(31, run_user(VA_BASE + 0x9000, (u64)&main), 0x600d);
	rt_check(32, trap_cause, CAUSE_FETCH_PF);
	rt_check(33, trap_tval, (u64)&main);
	/* with page faults delegated, the U fault lands in S (run_user's
	 * stvec) with scause/stval/sepc describing it */
	to_mode(PRV_M);
	csr_write(medeleg, (1 << 8) | (1 << 12) | (1 << 13) | (1 << 15));
	to_mode(PRV_S);
	rt_check(56, run_user(VA_UCODE, VA_UDATA), VA_UDATA);  /* a0 untouched */
	rt_check(57, csr_read(scause), CAUSE_LOAD_PF);
	rt_check(58, csr_read(stval), VA_FRESH);
	rt_check(59, csr_read(sepc), VA_UCODE + 8);            /* the second ld */
	rt_check(60, csr_read(sstatus) & MSTATUS_SPP, 0);     /* came from U */
	to_mode(PRV_M);
	csr_write(medeleg, 1 << 8);
	to_mode(PRV_S);
	rt_puts("sv39: user ok\n");

	/* --- sfence.vma makes PTE changes visible --- */
	rt_check(34, ld(VA_SWAP), 0xaaaa);
	l0[7] = pte(page_b, PTE_R | PTE_A);
	sfence();
	rt_check(35, ld(VA_SWAP), 0xbbbb);
	l0[7] = pte(page_a, PTE_R | PTE_A);
	sfence_va(VA_SWAP);
	rt_check(36, ld(VA_SWAP), 0xaaaa);
	l0[7] = 0;
	sfence_va(VA_SWAP);
	expect_fault(37, 'l', VA_SWAP, CAUSE_LOAD_PF);
	rt_puts("sv39: sfence ok\n");

	/* --- an instruction split across two pages --- */
	rt_check(45, call_va(VA_SPLIT + 0xffc), 1 + 0x123);
	l0[11] = pte(code_area[1], PTE_R | PTE_X | PTE_A);   /* new second half */
	sfence();
	rt_check(46, call_va(VA_SPLIT + 0xffc), 1 + 0x456);
	l0[11] = 0;
	sfence();
	arm();
	rt_check(47, call_va(VA_SPLIT + 0xffc), 1);          /* c.li ran, addi faulted */
	rt_check(48, trap_cause, CAUSE_FETCH_PF);
	rt_check(49, trap_epc, VA_SPLIT + 0xffe);
	/* mtval: the second page (the part that faulted) or the start */
	if (trap_tval != VA_SPLIT + 0xffe)
		rt_check(50, trap_tval, VA_SPLIT + 0x1000);
	rt_puts("sv39: split instruction ok\n");

	/* --- M mode ignores satp, except through MPRV --- */
	to_mode(PRV_M);
	csr_write(medeleg, 0);
	rt_check(38, *(volatile u64 *)(PA_MEGA + 0x1238), 0x5555);
	rt_check(39, mprv_load(VA_MEGA + 0x1238, PRV_S), 0x5555);
	rt_check(40, mprv_load(VA_UDATA, PRV_U), 0x3333);
	arm();
	rt_check(41, mprv_load(VA_UDATA, PRV_S), 0xbad);        /* SUM = 0 */
	rt_check(42, trap_cause, CAUSE_LOAD_PF);
	rt_check(43, trap_tval, VA_UDATA);
	rt_check(44, csr_read(mstatus) & MSTATUS_MPRV, 0);
	csr_write(satp, 0);
	sfence();
	rt_puts("sv39: mprv ok\n");
	return 0;
}

/* User code pages (no RVC: the M handler skips 4-byte instructions from U)
 * and the S-mode helpers that enter U and come back on its ecall. */
__asm__(
	".pushsection .text.user, \"ax\"\n"
	".option push\n.option norvc\n"
	".balign 4096\n"
	".globl user_load\n"
	"user_load:\n"
	"	ld a1, 0(a0)\n"              /* own page: fine */
	"	li t0, 0x40000000\n"
	"	ld t1, 0(t0)\n"              /* supervisor page: load fault */
	"	mv a0, a1\n"
	"	ecall\n"
	".balign 4096\n"
	".globl user_fetch\n"
	"user_fetch:\n"
	"	jalr a0\n"                   /* supervisor code: fetch fault, back at ra */
	"	li a0, 0x600d\n"
	"	ecall\n"
	".option pop\n"
	".popsection\n"
	".text\n"
	/* u64 run_user(entry, arg): in S; returns U's a0 at its ecall */
	".globl run_user\n"
	"run_user:\n"
	"	la t0, user_ctx\n"
	"	sd ra, 0(t0)\n"
	"	sd sp, 8(t0)\n"
	"	sd s0, 16(t0)\n"
	"	csrr t1, stvec\n"
	"	sd t1, 24(t0)\n"
	"	la t1, user_back\n"
	"	csrw stvec, t1\n"
	"	csrw sepc, a0\n"
	"	li t1, 0x100\n"               /* SPP = U */
	"	csrc sstatus, t1\n"
	"	mv a0, a1\n"
	"	sret\n"
	".balign 4\n"
	"user_back:\n"
	"	la t0, user_ctx\n"
	"	ld ra, 0(t0)\n"
	"	ld sp, 8(t0)\n"
	"	ld s0, 16(t0)\n"
	"	ld t1, 24(t0)\n"
	"	csrw stvec, t1\n"
	"	ret\n"
	/* u64 mprv_load(va, mpp): one M-mode load translated as mode mpp */
	".globl mprv_load\n"
	"mprv_load:\n"
	"	li t0, 3 << 11\n"
	"	csrc mstatus, t0\n"
	"	slli a1, a1, 11\n"
	"	csrs mstatus, a1\n"
	"	li t0, 1 << 17\n"
	"	mv t1, a0\n"
	"	li a0, 0xbad\n"
	"	csrs mstatus, t0\n"
	"	ld a0, 0(t1)\n"
	"	csrc mstatus, t0\n"
	"	ret\n"
	".pushsection .bss\n.balign 8\nuser_ctx: .space 32\n.popsection\n");
