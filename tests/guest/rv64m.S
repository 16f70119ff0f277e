/* RV64M: multiply (all high-half forms), divide/remainder incl. division
 * by zero and signed overflow, and the W forms' sign extension. */
#include "guest.h"

/* OP3 num, op, a, b, want: rd = op(a, b) must equal want */
.macro OP3 num, op, a, b, want
	li a0, \a
	li a1, \b
	\op a2, a0, a1
	CHECK \num, a2, \want
.endm

	.text
	.globl main
main:
	addi sp, sp, -16
	sd ra, 0(sp)
	PUTS "rv64m: start\n"

	OP3 1, mul, 7, -3, -21
	OP3 2, mul, 0x100000001, 0x100000001, 0x200000001
	OP3 3, mulh, -1, -1, 0
	OP3 4, mulh, 0x8000000000000000, 0x8000000000000000, 0x4000000000000000
	OP3 5, mulh, 0x8000000000000000, 2, -1
	OP3 6, mulhu, -1, -1, 0xfffffffffffffffe
	OP3 7, mulhu, 0x8000000000000000, 4, 2
	OP3 8, mulhsu, -1, -1, -1
	OP3 9, mulhsu, -2, 0x8000000000000000, -1
	OP3 10, mulhsu, 3, 0x8000000000000000, 1
	OP3 11, mulw, 0x10000, 0x8000, 0xffffffff80000000
	OP3 12, mulw, 0x123456789, 1, 0x23456789
	OP3 13, mulw, -1, -1, 1
	PUTS "rv64m: mul ok\n"

	OP3 14, div, 20, -6, -3
	OP3 15, div, -20, 6, -3
	OP3 16, rem, 20, -6, 2
	OP3 17, rem, -20, 6, -2
	OP3 18, divu, -1, 2, 0x7fffffffffffffff
	OP3 19, remu, -1, 16, 15
	/* division by zero */
	OP3 20, div, 42, 0, -1
	OP3 21, divu, 42, 0, -1
	OP3 22, rem, -42, 0, -42
	OP3 23, remu, 42, 0, 42
	/* signed overflow */
	OP3 24, div, 0x8000000000000000, -1, 0x8000000000000000
	OP3 25, rem, 0x8000000000000000, -1, 0
	PUTS "rv64m: div ok\n"

	OP3 26, divw, 0x1ffffffec, 6, -3          /* low word is -20 */
	OP3 27, divuw, 0xffffffff, 1, -1         /* 0xffffffff sign-extended */
	OP3 28, divuw, 0x1000000010, 2, 8
	OP3 29, remw, -20, 6, -2
	OP3 30, remuw, 0x80000007, 0x10, 7
	OP3 31, remuw, 0xffffffff, 0x10000000f, 0   /* divisor's low word 15 */
	OP3 32, divw, 7, 0x100000000, -1         /* divisor's low word is zero */
	OP3 33, divuw, 7, 0, -1
	OP3 34, remw, 0xfffffff9, 0, -7
	OP3 35, remuw, 0x80000000, 0, 0xffffffff80000000
	OP3 36, divw, 0x80000000, -1, 0xffffffff80000000
	OP3 37, remw, 0x80000000, -1, 0
	OP3 38, divuw, 0x80000000, 1, 0xffffffff80000000
	PUTS "rv64m: word ok\n"

	ld ra, 0(sp)
	addi sp, sp, 16
	li a0, 0
	ret
