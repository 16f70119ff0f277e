/* NHARTS harts hammer shared counters at once: amoadd.w, amoadd.d, lr/sc
 * increment loops (.w and .d), and a plain increment guarded by an amoswap
 * spinlock. Every total must come out exact. On the parallel board (harts
 * on host threads) this is what checks that AMOs are atomic and that SC
 * fails when another hart got in between.
 *
 * Hart 0 clears .bss in the runtime before main, so the other harts wait
 * for `go`, which lives in .data, before touching anything. */
#include "guest.h"

#ifndef NHARTS
#error "build with -DNHARTS=n"
#endif
#define ITERS 100000

static u32 amo_w;
static u64 amo_d;
static u32 lrsc_w;
static u64 lrsc_d;
static u32 lock;
static u64 locked;
static u64 finished;
__attribute__((section(".data"))) static u64 go = 0;

static inline u64 atomic_read(u64 *p) {
	u64 v;
	__asm__ volatile("amoor.d %0, zero, (%1)" : "=r"(v) : "r"(p) : "memory");
	return v;
}

static inline void amoadd_w(u32 *p, u32 v) {
	__asm__ volatile("amoadd.w zero, %1, (%0)" :: "r"(p), "r"(v) : "memory");
}

static inline void amoadd_d(u64 *p, u64 v) {
	__asm__ volatile("amoadd.d zero, %1, (%0)" :: "r"(p), "r"(v) : "memory");
}

static inline void lrsc_inc_w(u32 *p) {
	u32 t, fail;
	__asm__ volatile("1: lr.w %0, (%2)\n"
	                 "   addiw %0, %0, 1\n"
	                 "   sc.w %1, %0, (%2)\n"
	                 "   bnez %1, 1b"
	                 : "=&r"(t), "=&r"(fail) : "r"(p) : "memory");
}

static inline void lrsc_inc_d(u64 *p) {
	u64 t, fail;
	__asm__ volatile("1: lr.d %0, (%2)\n"
	                 "   addi %0, %0, 1\n"
	                 "   sc.d %1, %0, (%2)\n"
	                 "   bnez %1, 1b"
	                 : "=&r"(t), "=&r"(fail) : "r"(p) : "memory");
}

static inline void acquire(u32 *l) {
	u32 old;
	do {
		__asm__ volatile("amoswap.w.aq %0, %1, (%2)" : "=r"(old) : "r"(1), "r"(l) : "memory");
	} while (old != 0);
}

static inline void release(u32 *l) {
	__asm__ volatile("amoswap.w.rl zero, zero, (%0)" :: "r"(l) : "memory");
}

static void work(void) {
	for (int i = 0; i < ITERS; i++) {
		amoadd_w(&amo_w, 1);
		amoadd_d(&amo_d, 1);
		lrsc_inc_w(&lrsc_w);
		lrsc_inc_d(&lrsc_d);
		acquire(&lock);
		locked = locked + 1;
		release(&lock);
	}
	amoadd_d(&finished, 1);
}

void secondary_main(u64 hart) {
	(void)hart;
	while (atomic_read(&go) == 0)
		;
	work();
	for (;;)
		__asm__ volatile("wfi");
}

int main(void) {
	rt_puts("atomics: start\n");
	amoadd_d(&go, 1);
	work();
	while (atomic_read(&finished) != NHARTS)
		;
	u64 want = (u64)NHARTS * ITERS;
	rt_check(1, amo_w, (u32)want);
	rt_check(2, amo_d, want);
	rt_check(3, lrsc_w, (u32)want);
	rt_check(4, lrsc_d, want);
	rt_check(5, locked, want);
	rt_puts("atomics: counters exact\n");
	return 0;
}
