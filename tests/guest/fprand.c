/* F and D on pseudo-random operands: every arithmetic, fused, conversion,
 * comparison, min/max, sign and class instruction, singles and doubles,
 * in every static rounding mode, on operands aimed at the corners (zeros,
 * subnormals, the largest exponents, infinities, quiet and signalling
 * NaNs, values near 1, integers near conversion limits, now and then an
 * unboxed single). Each instruction's results and fflags are hashed; the
 * hashes are the transcript, the same on a correct machine as on QEMU 7.2,
 * whose softfloat is independent of ours. */
#include "guest.h"

#define ITERATIONS 2000

static u64 seed = 0x9e3779b97f4a7c15ULL;

static u64 next(void) {
	/* xorshift64* */
	seed ^= seed >> 12;
	seed ^= seed << 25;
	seed ^= seed >> 27;
	return seed * 0x2545f4914f6cdd1dULL;
}

/* A binary64 pattern biased to the corners. */
static u64 rand_d(void) {
	u64 r = next(), sign = (r & 1) << 63, e, f = next() & ((1ULL << 52) - 1);
	switch ((r >> 1) % 12) {
	case 0: e = 0; break;                                /* subnormal */
	case 1: e = 0; f = 0; break;                         /* zero */
	case 2: e = 0x7ff; f = 0; break;                     /* infinity */
	case 3: e = 0x7ff; f |= 1; break;                    /* NaN (either kind) */
	case 4: e = 0x7fe - (r >> 8) % 4; break;             /* huge */
	case 5: e = 1 + (r >> 8) % 4; break;                 /* tiny normal */
	case 6: e = 1023 + (r >> 8) % 70; break;             /* integer-sized */
	case 7: e = 1023 + (r >> 8) % 8 - 4; f &= ~0ULL << ((r >> 16) % 52); break; /* near 1, short */
	case 8: e = 1023 + 31 + (r >> 8) % 3 - 1; break;     /* near 2^31, 2^32 */
	case 9: e = 1023 + 63 + (r >> 8) % 3 - 1; break;     /* near 2^63, 2^64 */
	default: e = (r >> 8) % 0x7ff; break;
	}
	return sign | e << 52 | f;
}

/* A boxed binary32 pattern biased to the corners; one in 32 unboxed. */
static u64 rand_s(void) {
	u64 r = next(), sign = (r & 1) << 31, e, f = next() & ((1ULL << 23) - 1);
	switch ((r >> 1) % 12) {
	case 0: e = 0; break;
	case 1: e = 0; f = 0; break;
	case 2: e = 0xff; f = 0; break;
	case 3: e = 0xff; f |= 1; break;
	case 4: e = 0xfe - (r >> 8) % 4; break;
	case 5: e = 1 + (r >> 8) % 4; break;
	case 6: e = 127 + (r >> 8) % 70; break;
	case 7: e = 127 + (r >> 8) % 8 - 4; f &= ~0ULL << ((r >> 16) % 23); break;
	case 8: e = 127 + 31 + (r >> 8) % 3 - 1; break;
	case 9: e = 127 + 63 + (r >> 8) % 3 - 1; break;
	default: e = (r >> 8) % 0xff; break;
	}
	u64 v = sign | e << 23 | f;
	if ((r >> 40) % 32 == 0)
		return v | (next() & 0xffffffff00000000ULL & ~0x0000000100000000ULL); /* not all ones */
	return v | 0xffffffff00000000ULL;
}

/* A 64-bit integer near the interesting edges. */
static u64 rand_i(void) {
	u64 r = next();
	switch (r % 6) {
	case 0: return (u64)(int64_t)(int32_t)next();
	case 1: return next() >> (r >> 8) % 64;
	case 2: return -(next() >> (r >> 8) % 64);
	case 3: return 0xffffffffULL + (r >> 8) % 3 - 1;
	default: return next();
	}
}

#define NOPS 64
static u64 hashes[NOPS];
static const char *names[NOPS];

static void mix(int op, const char *name, u64 v, u64 fl) {
	u64 h = hashes[op];
	h = (h ^ v) * 0x100000001b3ULL;
	h = (h ^ fl) * 0x100000001b3ULL;
	hashes[op] = h;
	names[op] = name;
}

#define FLAGS(fl) __asm__ volatile("csrrw %0, fflags, zero" : "=r"(fl) :: "memory")

/* rd = op(rs1, rs2, rs3) in floating registers, raw bits in and out */
#define FOP(op, name, insn, a, b, c) do {                                           \
	u64 r_, fl_;                                                               \
	__asm__ volatile("fmv.d.x ft0, %1\n fmv.d.x ft1, %2\n fmv.d.x ft2, %3\n"   \
			 insn "\n fmv.x.d %0, ft3"                                  \
			 : "=r"(r_) : "r"(a), "r"(b), "r"(c) : "ft0", "ft1", "ft2", "ft3", "memory"); \
	FLAGS(fl_);                                                                \
	mix(op, name, r_, fl_);                                                    \
} while (0)

/* an integer result */
#define XOP(op, name, insn, a, b) do {                                              \
	u64 r_, fl_;                                                               \
	__asm__ volatile("fmv.d.x ft0, %1\n fmv.d.x ft1, %2\n" insn                \
			 : "=r"(r_) : "r"(a), "r"(b) : "ft0", "ft1", "memory");      \
	FLAGS(fl_);                                                                \
	mix(op, name, r_, fl_);                                                    \
} while (0)

/* from an integer */
#define IOP(op, name, insn, i) do {                                                 \
	u64 r_, fl_;                                                               \
	__asm__ volatile(insn "\n fmv.x.d %0, ft3" : "=r"(r_) : "r"(i) : "ft3", "memory"); \
	FLAGS(fl_);                                                                \
	mix(op, name, r_, fl_);                                                    \
} while (0)

#define RM5(M, ...) M(rne, __VA_ARGS__) M(rtz, __VA_ARGS__) M(rdn, __VA_ARGS__) \
	M(rup, __VA_ARGS__) M(rmm, __VA_ARGS__)

static void round_d(u64 a, u64 b, u64 c, int base, const char *n[]) {
#define D(rm, k, mn, ops) FOP(base + k, n[k], mn " ft3, " ops ", " #rm, a, b, c);
	RM5(D, 0, "fadd.d", "ft0, ft1")
	RM5(D, 1, "fsub.d", "ft0, ft1")
	RM5(D, 2, "fmul.d", "ft0, ft1")
	RM5(D, 3, "fdiv.d", "ft0, ft1")
	RM5(D, 4, "fsqrt.d", "ft0")
	RM5(D, 5, "fmadd.d", "ft0, ft1, ft2")
	RM5(D, 6, "fmsub.d", "ft0, ft1, ft2")
	RM5(D, 7, "fnmadd.d", "ft0, ft1, ft2")
	RM5(D, 8, "fnmsub.d", "ft0, ft1, ft2")
	RM5(D, 9, "fcvt.s.d", "ft0")
#undef D
}

static void round_s(u64 a, u64 b, u64 c, int base, const char *n[]) {
#define S(rm, k, mn, ops) FOP(base + k, n[k], mn " ft3, " ops ", " #rm, a, b, c);
	RM5(S, 0, "fadd.s", "ft0, ft1")
	RM5(S, 1, "fsub.s", "ft0, ft1")
	RM5(S, 2, "fmul.s", "ft0, ft1")
	RM5(S, 3, "fdiv.s", "ft0, ft1")
	RM5(S, 4, "fsqrt.s", "ft0")
	RM5(S, 5, "fmadd.s", "ft0, ft1, ft2")
	RM5(S, 6, "fmsub.s", "ft0, ft1, ft2")
	RM5(S, 7, "fnmadd.s", "ft0, ft1, ft2")
	RM5(S, 8, "fnmsub.s", "ft0, ft1, ft2")
#undef S
	FOP(base + 9, n[9], "fcvt.d.s ft3, ft0", a, b, c); /* exact: the assembler takes no rm */
}

static void to_int(u64 a, u64 s, int base, const char *n[]) {
#define T(rm, k, mn, src) XOP(base + k, n[k], mn " %0, " src ", " #rm, a, s);
	RM5(T, 0, "fcvt.w.d", "ft0")
	RM5(T, 1, "fcvt.wu.d", "ft0")
	RM5(T, 2, "fcvt.l.d", "ft0")
	RM5(T, 3, "fcvt.lu.d", "ft0")
	RM5(T, 4, "fcvt.w.s", "ft1")
	RM5(T, 5, "fcvt.wu.s", "ft1")
	RM5(T, 6, "fcvt.l.s", "ft1")
	RM5(T, 7, "fcvt.lu.s", "ft1")
#undef T
}

static void from_int(u64 i, int base, const char *n[]) {
#define F(rm, k, mn) IOP(base + k, n[k], mn " ft3, %1, " #rm, i);
	IOP(base + 0, n[0], "fcvt.d.w ft3, %1", i); /* exact: no rm */
	IOP(base + 1, n[1], "fcvt.d.wu ft3, %1", i);
	RM5(F, 2, "fcvt.d.l")
	RM5(F, 3, "fcvt.d.lu")
	RM5(F, 4, "fcvt.s.w")
	RM5(F, 5, "fcvt.s.wu")
	RM5(F, 6, "fcvt.s.l")
	RM5(F, 7, "fcvt.s.lu")
#undef F
}

static void no_rounding(u64 a, u64 b, int base, const char *n[]) {
	FOP(base + 0, n[0], "fmin.d ft3, ft0, ft1", a, b, 0);
	FOP(base + 1, n[1], "fmax.d ft3, ft0, ft1", a, b, 0);
	FOP(base + 2, n[2], "fsgnj.d ft3, ft0, ft1", a, b, 0);
	FOP(base + 3, n[3], "fsgnjn.d ft3, ft0, ft1", a, b, 0);
	FOP(base + 4, n[4], "fsgnjx.d ft3, ft0, ft1", a, b, 0);
	XOP(base + 5, n[5], "feq.d %0, ft0, ft1", a, b);
	XOP(base + 6, n[6], "flt.d %0, ft0, ft1", a, b);
	XOP(base + 7, n[7], "fle.d %0, ft0, ft1", a, b);
	XOP(base + 8, n[8], "fclass.d %0, ft0", a, b);
}

static void no_rounding_s(u64 a, u64 b, int base, const char *n[]) {
	FOP(base + 0, n[0], "fmin.s ft3, ft0, ft1", a, b, 0);
	FOP(base + 1, n[1], "fmax.s ft3, ft0, ft1", a, b, 0);
	FOP(base + 2, n[2], "fsgnj.s ft3, ft0, ft1", a, b, 0);
	FOP(base + 3, n[3], "fsgnjn.s ft3, ft0, ft1", a, b, 0);
	FOP(base + 4, n[4], "fsgnjx.s ft3, ft0, ft1", a, b, 0);
	XOP(base + 5, n[5], "feq.s %0, ft0, ft1", a, b);
	XOP(base + 6, n[6], "flt.s %0, ft0, ft1", a, b);
	XOP(base + 7, n[7], "fle.s %0, ft0, ft1", a, b);
	XOP(base + 8, n[8], "fclass.s %0, ft0", a, b);
	XOP(base + 9, n[9], "fmv.x.w %0, ft0", a, b);
}

static const char *nd[] = {"add.d", "sub.d", "mul.d", "div.d", "sqrt.d", "madd.d", "msub.d", "nmadd.d", "nmsub.d", "cvt.s.d"};
static const char *ns[] = {"add.s", "sub.s", "mul.s", "div.s", "sqrt.s", "madd.s", "msub.s", "nmadd.s", "nmsub.s", "cvt.d.s"};
static const char *nti[] = {"cvt.w.d", "cvt.wu.d", "cvt.l.d", "cvt.lu.d", "cvt.w.s", "cvt.wu.s", "cvt.l.s", "cvt.lu.s"};
static const char *nfi[] = {"cvt.d.w", "cvt.d.wu", "cvt.d.l", "cvt.d.lu", "cvt.s.w", "cvt.s.wu", "cvt.s.l", "cvt.s.lu"};
static const char *nnd[] = {"min.d", "max.d", "sgnj.d", "sgnjn.d", "sgnjx.d", "eq.d", "lt.d", "le.d", "class.d"};
static const char *nns[] = {"min.s", "max.s", "sgnj.s", "sgnjn.s", "sgnjx.s", "eq.s", "lt.s", "le.s", "class.s", "mv.x.w"};

int main(void) {
	csr_set(mstatus, 1 << 13); /* FS = Initial */
	rt_puts("fprand: start\n");
	for (int i = 0; i < NOPS; i++)
		hashes[i] = 0xcbf29ce484222325ULL;
	for (int i = 0; i < ITERATIONS; i++) {
		u64 a = rand_d(), b = rand_d(), c = rand_d();
		/* a third of the time, operands that nearly cancel in fused ops */
		if (next() % 3 == 0)
			c = a ^ (1ULL << 63);
		round_d(a, b, c, 0, nd);
		no_rounding(a, b, 10, nnd);
		u64 sa = rand_s(), sb = rand_s(), sc = rand_s();
		round_s(sa, sb, sc, 19, ns);
		no_rounding_s(sa, sb, 29, nns);
		to_int(a, sa, 39, nti);
		from_int(rand_i(), 47, nfi);
	}
	for (int i = 0; i < 55; i++) {
		rt_puts("fprand: ");
		rt_puts(names[i]);
		rt_puts(" ");
		rt_puthex(hashes[i]);
		rt_puts("\n");
	}
	return 0;
}
