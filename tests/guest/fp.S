/* F and D: mstatus.FS (Off traps, Dirty on every FP state change, SD),
 * NaN-boxing of singles, static and dynamic rounding modes (reserved frm
 * traps), each exception flag and their accrual, fused multiply-add with
 * one rounding, conversions with RISC-V's saturation, fmin/fmax and
 * comparisons on NaNs and signed zeros, fsqrt, fclass, and the
 * compressed double loads and stores. Values are bit patterns; singles
 * are checked boxed (fmv.x.d), so the upper 32 bits are checked too. */
#include "guest.h"

#define FS_SHIFT 13

/* EXPECT_ILLEGAL num, len, insn: insn traps as illegal with mtval holding
 * its len (2 or 4) instruction bytes (len 4 keeps the assembler from
 * compressing it). Clobbers a3, a4, t6. */
.macro EXPECT_ILLEGAL num, len, insn:vararg
	la a3, trap_cause
	li a4, -1
	sd a4, 0(a3)
	EXPECT_TRAP
.Lill\@:
.if \len == 4
	.option push
	.option norvc
	\insn
	.option pop
.else
	\insn
.endif
	LOADG a3, trap_cause
	CHECK \num, a3, 2
	LOADG a3, trap_epc
	la a4, .Lill\@
	CHECKR \num, a3, a4
	LOADG a3, trap_tval
.if \len == 2
	lhu a4, 0(a4)
.else
	lwu a4, 0(a4)
.endif
	CHECKR \num, a3, a4
.endm

/* FS num, state: mstatus.FS must read state, and SD must be set exactly
 * when it is Dirty (3). */
.macro FS num, state
	csrr a3, mstatus
	srli a4, a3, FS_SHIFT
	andi a4, a4, 3
	CHECK \num, a4, \state
	srli a4, a3, 63
.if \state == 3
	CHECK \num, a4, 1
.else
	CHECK \num, a4, 0
.endif
.endm

/* SET_FS state: write mstatus.FS. */
.macro SET_FS state
	li a3, 3 << FS_SHIFT
	csrc mstatus, a3
	li a3, \state << FS_SHIFT
	csrs mstatus, a3
.endm

/* F num, want, flags, a, b, c, insn: fa0, fa1, fa3 = a, b, c (raw 64-bit
 * patterns) and a1 = b (for conversions from integers), fflags cleared;
 * insn writes fa2, which must hold want, and fflags must be exactly flags. */
.macro F num, want, flags, a, b, c, insn:vararg
	li a0, \a
	fmv.d.x fa0, a0
	li a1, \b
	fmv.d.x fa1, a1
	li a0, \c
	fmv.d.x fa3, a0
	csrwi fflags, 0
	\insn
	fmv.x.d a2, fa2
	CHECK \num, a2, \want
	csrr a2, fflags
	CHECK \num, a2, \flags
.endm

/* X num, want, flags, a, b, insn: like F, but insn writes the integer a2.
 * a1 holds b as an integer too (for fcvt from integers). */
.macro X num, want, flags, a, b, insn:vararg
	li a0, \a
	fmv.d.x fa0, a0
	li a1, \b
	fmv.d.x fa1, a1
	csrwi fflags, 0
	\insn
	CHECK \num, a2, \want
	csrr a2, fflags
	CHECK \num, a2, \flags
.endm

#define BOX(v)   (0xffffffff00000000 | (v))
#define S_1      BOX(0x3f800000)
#define S_M1     BOX(0xbf800000)
#define S_2      BOX(0x40000000)
#define S_NAN    BOX(0x7fc00000)
#define D_1      0x3ff0000000000000
#define D_M1     0xbff0000000000000
#define D_2      0x4000000000000000
#define D_3      0x4008000000000000
#define D_M3     0xc008000000000000
#define D_INF    0x7ff0000000000000
#define D_MINF   0xfff0000000000000
#define D_NAN    0x7ff8000000000000
#define D_SNAN   0x7ff0000000000001
#define D_MAX    0x7fefffffffffffff
#define D_MIN    0x0010000000000000
#define D_SUB    0x0000000000000001
#define D_NZERO  0x8000000000000000

#define NX 1
#define UF 2
#define OF 4
#define DZ 8
#define NV 16

	.text
	.globl main
main:
	addi sp, sp, -48
	sd ra, 0(sp)
	PUTS "fp: start\n"

	/* --- mstatus.FS --- */
	FS 1, 0
	EXPECT_ILLEGAL 2, 4, fadd.d fa0, fa1, fa2
	EXPECT_ILLEGAL 3, 4, fmadd.s fa0, fa1, fa2, fa3
	EXPECT_ILLEGAL 4, 4, fsd fa0, 8(sp)
	EXPECT_ILLEGAL 5, 4, fmv.x.d a0, fa0
	EXPECT_ILLEGAL 6, 4, csrr a0, frm
	EXPECT_ILLEGAL 7, 4, csrw fflags, zero
	EXPECT_ILLEGAL 8, 2, c.fldsp fa0, 8(sp)
	SET_FS 1
	FS 9, 1
	fmv.w.x fa0, zero                       /* a write: Initial -> Dirty */
	FS 10, 3
	csrr a3, sstatus                        /* the S view: FS and SD */
	srli a4, a3, FS_SHIFT
	andi a4, a4, 3
	CHECK 11, a4, 3
	srli a4, a3, 63
	CHECK 12, a4, 1
	SET_FS 2
	FS 13, 2
	fmv.x.w a0, fa0                         /* reads leave Clean alone */
	fsd fa0, 8(sp)
	fclass.d a0, fa0
	FS 14, 2
	fld fa1, 8(sp)
	FS 15, 3
	SET_FS 2
	csrwi frm, 0                            /* so do CSR writes */
	FS 16, 3
	li a3, 3 << FS_SHIFT                    /* sstatus turns FP off too */
	csrc sstatus, a3
	FS 17, 0
	EXPECT_ILLEGAL 18, 4, fmv.d.x fa0, zero
	SET_FS 1
	PUTS "fp: fs ok\n"

	/* --- NaN-boxing --- */
	li a0, 0x3f800000
	fmv.w.x fa0, a0
	fmv.x.d a1, fa0
	CHECK 20, a1, S_1
	li a0, 0x40000000
	sw a0, 16(sp)
	flw fa1, 16(sp)
	fmv.x.d a1, fa1
	CHECK 21, a1, S_2
	F 22, S_NAN, 0, 0x3f800000, S_1, 0, fadd.s fa2, fa0, fa1   /* unboxed: NaN */
	F 23, S_NAN, 0, S_1, 0x7fffffff3f800000, 0, fmul.s fa2, fa0, fa1
	F 24, BOX(0xc0000000), 0, S_2, 0x3f800000, 0, fsgnjn.s fa2, fa0, fa1
	F 25, D_NAN, 0, 0x3f800000, 0, 0, fcvt.d.s fa2, fa0
	X 26, 0x200, 0, 0x12345678bf800000, 0, fclass.s a2, fa0
	X 27, 0xffffffffbf800000, 0, 0x12345678bf800000, 0, fmv.x.w a2, fa0
	li a0, 0x12345678c0000000
	fmv.d.x fa0, a0
	fsw fa0, 16(sp)
	lwu a1, 16(sp)
	CHECK 28, a1, 0xc0000000
	X 29, 0, 0, S_1, 0x3f800000, feq.s a2, fa0, fa1          /* 1 != NaN */
	PUTS "fp: nan boxing ok\n"

	/* --- rounding modes: static, then dynamic through frm --- */
	F 30, 0xbfd5555555555555, NX, D_M1, D_3, 0, fdiv.d fa2, fa0, fa1, rne
	F 31, 0xbfd5555555555555, NX, D_M1, D_3, 0, fdiv.d fa2, fa0, fa1, rtz
	F 32, 0xbfd5555555555556, NX, D_M1, D_3, 0, fdiv.d fa2, fa0, fa1, rdn
	F 33, 0xbfd5555555555555, NX, D_M1, D_3, 0, fdiv.d fa2, fa0, fa1, rup
	F 34, 0xbfd5555555555555, NX, D_M1, D_3, 0, fdiv.d fa2, fa0, fa1, rmm
	/* 1 + 2^-53 is a tie between 1 and its successor */
	F 35, D_1, NX, D_1, 0x3ca0000000000000, 0, fadd.d fa2, fa0, fa1, rne
	F 36, 0x3ff0000000000001, NX, D_1, 0x3ca0000000000000, 0, fadd.d fa2, fa0, fa1, rmm
	F 37, 0x3ff0000000000001, NX, D_1, 0x3ca0000000000000, 0, fadd.d fa2, fa0, fa1, rup
	F 38, D_1, NX, D_1, 0x3ca0000000000000, 0, fadd.d fa2, fa0, fa1, rdn
	X 39, 2, NX, 0x4004000000000000, 0, fcvt.w.d a2, fa0, rne      /* 2.5 */
	X 40, 3, NX, 0x4004000000000000, 0, fcvt.w.d a2, fa0, rmm
	X 41, -3, NX, 0xc004000000000000, 0, fcvt.w.d a2, fa0, rdn     /* -2.5 */
	X 42, -2, NX, 0xc004000000000000, 0, fcvt.w.d a2, fa0, rup
	X 43, -2, NX, 0xc004000000000000, 0, fcvt.w.d a2, fa0, rtz
	F 44, BOX(0x3eaaaaaa), NX, 0x3fd5555555555555, 0, 0, fcvt.s.d fa2, fa0, rtz
	F 45, BOX(0x3eaaaaab), NX, 0x3fd5555555555555, 0, 0, fcvt.s.d fa2, fa0, rne
	fsrmi 2                                   /* RDN */
	F 46, 0xbfd5555555555556, NX, D_M1, D_3, 0, fdiv.d fa2, fa0, fa1, dyn
	X 47, -3, NX, 0xc004000000000000, 0, fcvt.w.d a2, fa0, dyn
	fsrmi 4                                   /* RMM */
	X 48, 3, NX, 0x4004000000000000, 0, fcvt.w.d a2, fa0, dyn
	fsrmi a0, 3                               /* RUP; swaps out RMM */
	CHECK 49, a0, 4
	F 50, BOX(0x3eaaaaab), NX, 0x3fd5555555555555, 0, 0, fcvt.s.d fa2, fa0, dyn
	csrwi frm, 5                              /* reserved: dynamic ops trap */
	EXPECT_ILLEGAL 51, 4, fadd.d fa2, fa0, fa1, dyn
	EXPECT_ILLEGAL 52, 4, fcvt.s.d fa2, fa0, dyn
	csrwi frm, 7
	EXPECT_ILLEGAL 53, 4, fsqrt.s fa2, fa0, dyn
	F 54, D_3, 0, D_1, D_2, 0, fadd.d fa2, fa0, fa1, rne      /* static: fine */
	X 55, 0x1, 0, D_1, D_2, flt.d a2, fa0, fa1                /* no rm: fine */
	csrr a0, fcsr
	CHECK 56, a0, 7 << 5
	fsrmi 0
	PUTS "fp: rounding ok\n"

	/* --- exception flags --- */
	F 60, D_INF, DZ, D_1, 0, 0, fdiv.d fa2, fa0, fa1
	F 61, D_INF, OF | NX, D_MAX, D_2, 0, fmul.d fa2, fa0, fa1
	F 62, D_MAX, OF | NX, D_MAX, D_2, 0, fmul.d fa2, fa0, fa1, rtz
	F 63, 0, UF | NX, D_SUB, D_2, 0, fdiv.d fa2, fa0, fa1
	F 64, D_SUB, UF | NX, D_SUB, D_2, 0, fdiv.d fa2, fa0, fa1, rup
	F 65, D_NAN, NV, D_INF, D_INF, 0, fsub.d fa2, fa0, fa1
	F 66, D_NAN, NV, 0, 0, 0, fdiv.d fa2, fa0, fa1
	F 67, D_NAN, NV, D_SNAN, D_1, 0, fadd.d fa2, fa0, fa1
	F 68, D_NAN, 0, 0xfff8000000000123, D_1, 0, fadd.d fa2, fa0, fa1   /* quiet: no NV */
	F 69, BOX(0x7f800000), OF | NX, BOX(0x7f7fffff), BOX(0x7f7fffff), 0, fadd.s fa2, fa0, fa1
	/* Tininess after rounding: 2^-1022 - 2^-1200 rounds to 2^-1022 with an
	 * unbounded exponent, so only NX; truncated it stays tiny: UF too. */
	F 70, D_MIN, NX, 0x9a70000000000000, 0x1a70000000000000, D_MIN, fmadd.d fa2, fa0, fa1, fa3
	F 71, 0x000fffffffffffff, UF | NX, 0x9a70000000000000, 0x1a70000000000000, D_MIN, fmadd.d fa2, fa0, fa1, fa3, rtz
	F 72, BOX(0x00800000), NX, BOX(0x97800000), BOX(0x17800000), BOX(0x00800000), fmadd.s fa2, fa0, fa1, fa3
	F 73, BOX(0x007fffff), UF | NX, BOX(0x97800000), BOX(0x17800000), BOX(0x00800000), fmadd.s fa2, fa0, fa1, fa3, rtz
	/* Flags accrue until cleared; fsflags/frflags and the fcsr views. */
	csrwi fflags, 0
	li a0, D_1
	fmv.d.x fa0, a0
	li a0, D_3
	fmv.d.x fa1, a0
	fdiv.d fa2, fa0, fa1
	fmv.d.x fa3, zero
	fdiv.d fa2, fa0, fa3
	frflags a0
	CHECK 74, a0, NX | DZ
	li a1, NV
	fsflags a0, a1
	CHECK 75, a0, NX | DZ
	li a0, 0x1ff
	csrw fcsr, a0
	csrr a0, fcsr
	CHECK 76, a0, 0xff
	csrr a0, frm
	CHECK 77, a0, 7
	csrr a0, fflags
	CHECK 78, a0, 0x1f
	csrw fcsr, zero
	PUTS "fp: flags ok\n"

	/* --- fused multiply-add: one rounding --- */
	F 80, 0x3c9ffffffffffffe, 0, 0x3ff0000000000001, 0x3fefffffffffffff, D_M1, fmadd.d fa2, fa0, fa1, fa3
	F 81, BOX(0x337ffffe), 0, BOX(0x3f800001), BOX(0x3f7fffff), S_M1, fmadd.s fa2, fa0, fa1, fa3
	F 82, 0x4014000000000000, 0, D_2, D_3, D_1, fmsub.d fa2, fa0, fa1, fa3
	F 83, 0xc014000000000000, 0, D_2, D_3, D_1, fnmsub.d fa2, fa0, fa1, fa3
	F 84, 0xc01c000000000000, 0, D_2, D_3, D_1, fnmadd.d fa2, fa0, fa1, fa3
	F 85, D_NZERO, 0, 0, D_1, 0, fnmadd.d fa2, fa0, fa1, fa3      /* -0 - 0 */
	F 86, 0, 0, 0, D_1, 0, fnmsub.d fa2, fa0, fa1, fa3            /* -0 + 0 */
	F 87, D_NAN, NV, 0, D_INF, D_NAN, fmadd.d fa2, fa0, fa1, fa3   /* 0*inf + qNaN */
	F 88, 0x3ff0000000000001, NX, D_1, D_1, 0x3c30000000000000, fmadd.d fa2, fa0, fa1, fa3, rup
	F 89, D_1, NX, D_1, D_1, 0x3c30000000000000, fmadd.d fa2, fa0, fa1, fa3, rne
	F 90, BOX(0xc0e00000), 0, S_2, BOX(0x40400000), S_1, fnmadd.s fa2, fa0, fa1, fa3
	F 91, D_MAX, 0, D_MAX, D_2, 0xffefffffffffffff, fmadd.d fa2, fa0, fa1, fa3 /* no overflow inside */
	PUTS "fp: fused ok\n"

	/* --- conversions and their saturation --- */
	X 100, 0x7fffffff, NV, D_NAN, 0, fcvt.w.d a2, fa0
	X 101, 0xffffffff80000000, NV, D_MINF, 0, fcvt.w.d a2, fa0
	X 102, 0, NV, D_M1, 0, fcvt.wu.d a2, fa0
	X 103, 0, NX, 0xbfe0000000000000, 0, fcvt.wu.d a2, fa0, rtz  /* -0.5 */
	X 104, 0xffffffffb2d05e00, 0, 0x41e65a0bc0000000, 0, fcvt.wu.d a2, fa0, rtz /* 3e9 */
	X 105, -1, NV, 0x41f0000000000000, 0, fcvt.wu.d a2, fa0     /* 2^32 */
	X 106, 0x7fffffffffffffff, NV, 0x43e0000000000000, 0, fcvt.l.d a2, fa0 /* 2^63 */
	X 107, 0x8000000000000000, 0, 0xc3e0000000000000, 0, fcvt.l.d a2, fa0
	X 108, -1, NV, 0x43f0000000000000, 0, fcvt.lu.d a2, fa0     /* 2^64 */
	X 109, 0, NX, BOX(0xbf000000), 0, fcvt.lu.s a2, fa0, rne    /* -0.5f */
	X 110, 0x7fffffff, NV, BOX(0x4f000000), 0, fcvt.w.s a2, fa0 /* 2^31 */
	X 111, -1, NV, S_NAN, 0, fcvt.lu.s a2, fa0
	F 112, D_M1, 0, 0, 0xffffffff, 0, fcvt.d.w fa2, a1
	F 113, 0x41efffffffe00000, 0, 0, 0xffffffffffffffff, 0, fcvt.d.wu fa2, a1
	F 114, BOX(0x5f000000), NX, 0, 0x7fffffffffffffff, 0, fcvt.s.l fa2, a1
	F 115, BOX(0x5effffff), NX, 0, 0x7fffffffffffffff, 0, fcvt.s.l fa2, a1, rtz
	F 116, BOX(0x5f800000), NX, 0, 0xffffffffffffffff, 0, fcvt.s.lu fa2, a1
	F 117, 0xc3e0000000000000, 0, 0, 0x8000000000000000, 0, fcvt.d.l fa2, a1
	F 118, 0, 0, 0, 0, 0, fcvt.d.lu fa2, a1, rdn                    /* +0, even rdn */
	F 119, BOX(0x7f800000), OF | NX, 0x7e37e43c8800759c, 0, 0, fcvt.s.d fa2, fa0 /* 1e300 */
	F 120, S_NAN, NV, D_SNAN, 0, 0, fcvt.s.d fa2, fa0
	F 121, D_NAN, NV, BOX(0x7f800001), 0, 0, fcvt.d.s fa2, fa0
	F 122, BOX(0x80000000), 0, D_NZERO, 0, 0, fcvt.s.d fa2, fa0
	PUTS "fp: conversions ok\n"

	/* --- min/max and comparisons --- */
	F 130, D_NZERO, 0, 0, D_NZERO, 0, fmin.d fa2, fa0, fa1
	F 131, 0, 0, D_NZERO, 0, 0, fmax.d fa2, fa0, fa1
	F 132, D_1, 0, D_NAN, D_1, 0, fmin.d fa2, fa0, fa1
	F 133, D_1, NV, D_SNAN, D_1, 0, fmax.d fa2, fa0, fa1
	F 134, D_NAN, 0, 0xfff8000000000001, D_NAN, 0, fmin.d fa2, fa0, fa1
	F 135, S_M1, 0, S_M1, S_2, 0, fmin.s fa2, fa0, fa1
	F 136, S_2, 0, 0x3f800000, S_2, 0, fmax.s fa2, fa0, fa1      /* unboxed is NaN */
	X 137, 0, 0, D_NAN, D_NAN, feq.d a2, fa0, fa1
	X 138, 0, NV, D_SNAN, D_1, feq.d a2, fa0, fa1
	X 139, 0, NV, D_NAN, D_1, flt.d a2, fa0, fa1
	X 140, 0, NV, D_1, D_NAN, fle.d a2, fa0, fa1
	X 141, 1, 0, D_NZERO, 0, fle.d a2, fa0, fa1
	X 142, 0, 0, D_NZERO, 0, flt.d a2, fa0, fa1
	X 143, 1, 0, D_NZERO, 0, feq.d a2, fa0, fa1
	X 144, 1, 0, BOX(0xc0000000), S_M1, flt.s a2, fa0, fa1
	X 145, 1, 0, D_MINF, D_MAX, flt.d a2, fa0, fa1
	PUTS "fp: min/max/compare ok\n"

	/* --- square root and classification --- */
	F 150, 0x3ff6a09e667f3bcd, NX, D_2, 0, 0, fsqrt.d fa2, fa0
	F 151, 0x3ff6a09e667f3bcc, NX, D_2, 0, 0, fsqrt.d fa2, fa0, rtz
	F 152, BOX(0x3fb504f3), NX, S_2, 0, 0, fsqrt.s fa2, fa0
	F 153, D_NAN, NV, D_M1, 0, 0, fsqrt.d fa2, fa0
	F 154, D_NZERO, 0, D_NZERO, 0, 0, fsqrt.d fa2, fa0
	F 155, 0x1e60000000000000, 0, D_SUB, 0, 0, fsqrt.d fa2, fa0
	X 156, 1 << 0, 0, D_MINF, 0, fclass.d a2, fa0
	X 157, 1 << 1, 0, D_M1, 0, fclass.d a2, fa0
	X 158, 1 << 2, 0, 0x8000000000000001, 0, fclass.d a2, fa0
	X 159, 1 << 3, 0, D_NZERO, 0, fclass.d a2, fa0
	X 160, 1 << 4, 0, 0, 0, fclass.d a2, fa0
	X 161, 1 << 5, 0, D_SUB, 0, fclass.d a2, fa0
	X 162, 1 << 6, 0, D_1, 0, fclass.d a2, fa0
	X 163, 1 << 7, 0, D_INF, 0, fclass.d a2, fa0
	X 164, 1 << 8, 0, D_SNAN, 0, fclass.d a2, fa0
	X 165, 1 << 9, 0, D_NAN, 0, fclass.d a2, fa0
	X 166, 1 << 8, 0, BOX(0xff800001), 0, fclass.s a2, fa0
	X 167, 1 << 2, 0, BOX(0x807fffff), 0, fclass.s a2, fa0
	PUTS "fp: sqrt/class ok\n"

	/* --- compressed double loads and stores --- */
	li a0, D_3
	fmv.d.x fa0, a0
	sd zero, 8(sp)
	sd zero, 24(sp)
	c.fsdsp fa0, 8(sp)
	c.fldsp fa1, 8(sp)
	mv a5, sp
	c.fsd fa1, 24(a5)
	c.fld fa2, 24(a5)
	fmv.x.d a1, fa2
	CHECK 170, a1, D_3
	ld a1, 24(sp)
	CHECK 171, a1, D_3
	FS 172, 3
	PUTS "fp: compressed ok\n"

	ld ra, 0(sp)
	addi sp, sp, 48
	li a0, 0
	ret
