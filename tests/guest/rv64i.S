/* RV64I: ALU (register and immediate, W forms), shifts, compares, LUI/AUIPC,
 * branches, JAL/JALR, loads with sign/zero extension, stores of every width. */
#include "guest.h"

	.text
	.globl main
main:
	addi sp, sp, -16
	sd ra, 0(sp)
	PUTS "rv64i: start\n"

	/* --- ALU, register forms --- */
	li a0, 0x7fffffffffffffff
	li a1, 1
	add a2, a0, a1
	CHECK 1, a2, 0x8000000000000000
	sub a2, zero, a1
	CHECK 2, a2, -1
	li a0, 0xff00ff00ff00ff00
	li a1, 0x0ff00ff00ff00ff0
	and a2, a0, a1
	CHECK 3, a2, 0x0f000f000f000f00
	or a2, a0, a1
	CHECK 4, a2, 0xfff0fff0fff0fff0
	xor a2, a0, a1
	CHECK 5, a2, 0xf0f0f0f0f0f0f0f0
	li a0, -5
	li a1, 3
	slt a2, a0, a1
	CHECK 6, a2, 1
	sltu a2, a0, a1
	CHECK 7, a2, 0
	slt a2, a1, a0
	CHECK 8, a2, 0
	sltu a2, a1, a0
	CHECK 9, a2, 1
	li a0, 1
	li a1, 63
	sll a2, a0, a1
	CHECK 10, a2, 0x8000000000000000
	li a1, 64 + 4           /* only the low 6 bits of rs2 count */
	sll a2, a0, a1
	CHECK 11, a2, 16
	li a0, 0x8000000000000000
	li a1, 63
	srl a2, a0, a1
	CHECK 12, a2, 1
	sra a2, a0, a1
	CHECK 13, a2, -1
	li a1, 4
	sra a2, a0, a1
	CHECK 14, a2, 0xf800000000000000
	PUTS "rv64i: alu reg ok\n"

	/* --- ALU, immediate forms --- */
	li a0, 100
	addi a2, a0, -101
	CHECK 15, a2, -1
	addi a2, a0, 2047
	CHECK 16, a2, 2147
	addi a2, a0, -2048
	CHECK 17, a2, -1948
	li a0, 0x1234
	andi a2, a0, -16        /* imm is sign-extended */
	CHECK 18, a2, 0x1230
	ori a2, a0, 0x7ff
	CHECK 19, a2, 0x17ff
	xori a2, a0, -1
	CHECK 20, a2, ~0x1234
	slti a2, a0, 0x7ff
	CHECK 21, a2, 0
	li a0, -1
	sltiu a2, a0, -1        /* compares against 0xffff...ffff */
	CHECK 22, a2, 0
	sltiu a2, zero, 1       /* seqz */
	CHECK 23, a2, 1
	slti a2, a0, 0
	CHECK 24, a2, 1
	li a0, 0x0000000080000001
	slli a2, a0, 32
	CHECK 25, a2, 0x8000000100000000
	srli a2, a2, 33
	CHECK 26, a2, 0x40000000
	li a0, -256
	srai a2, a0, 4
	CHECK 27, a2, -16
	srai a2, a0, 63
	CHECK 28, a2, -1
	PUTS "rv64i: alu imm ok\n"

	/* --- W forms: 32-bit result, sign-extended --- */
	li a0, 0x7fffffff
	li a1, 1
	addw a2, a0, a1
	CHECK 29, a2, 0xffffffff80000000
	addiw a2, a0, 1
	CHECK 30, a2, 0xffffffff80000000
	li a0, 0x123456789
	addiw a2, a0, 0         /* sext.w */
	CHECK 31, a2, 0x23456789
	li a0, 0x80000000
	subw a2, a0, a1
	CHECK 32, a2, 0x7fffffff
	li a0, 1
	li a1, 31
	sllw a2, a0, a1
	CHECK 33, a2, 0xffffffff80000000
	li a1, 32 + 1           /* low 5 bits only */
	sllw a2, a0, a1
	CHECK 34, a2, 2
	li a0, 0xffffffff80000000
	li a1, 31
	srlw a2, a0, a1
	CHECK 35, a2, 1
	sraw a2, a0, a1
	CHECK 36, a2, -1
	li a1, 4
	srlw a2, a0, a1
	CHECK 37, a2, 0x08000000
	li a0, 0x00000000f0000000
	sraw a2, a0, a1
	CHECK 38, a2, 0xffffffffff000000
	slliw a2, a0, 4
	CHECK 39, a2, 0
	li a0, 0x40000000
	slliw a2, a0, 1
	CHECK 40, a2, 0xffffffff80000000
	li a0, 0xffffffff80000000
	srliw a2, a0, 1
	CHECK 41, a2, 0x40000000
	sraiw a2, a0, 1
	CHECK 42, a2, 0xffffffffc0000000
	li a0, 0x5555555580000000
	sraiw a2, a0, 0
	CHECK 43, a2, 0xffffffff80000000
	PUTS "rv64i: word ops ok\n"

	/* --- LUI / AUIPC / x0 --- */
	lui a2, 0x80000
	CHECK 44, a2, 0xffffffff80000000
	lui a2, 0x7ffff
	CHECK 45, a2, 0x7ffff000
1:	auipc a2, 0
	la a3, 1b
	CHECKR 46, a2, a3
1:	auipc a2, 1
	la a3, 1b
	sub a2, a2, a3
	CHECK 47, a2, 0x1000
	li a0, 5
	add zero, a0, a0
	CHECK 48, zero, 0
	PUTS "rv64i: lui auipc ok\n"

	/* --- branches: each condition taken and not taken --- */
	li a0, -1
	li a1, 1
	li s1, 0
	beq a0, a0, 2f
	j .Lbr_fail
2:	beq a0, a1, .Lbr_fail
	bne a0, a1, 2f
	j .Lbr_fail
2:	bne a0, a0, .Lbr_fail
	blt a0, a1, 2f
	j .Lbr_fail
2:	blt a1, a0, .Lbr_fail
	blt a0, a0, .Lbr_fail
	bge a1, a0, 2f
	j .Lbr_fail
2:	bge a0, a0, 2f
	j .Lbr_fail
2:	bge a0, a1, .Lbr_fail
	bltu a1, a0, 2f
	j .Lbr_fail
2:	bltu a0, a1, .Lbr_fail
	bltu a0, a0, .Lbr_fail
	bgeu a0, a1, 2f
	j .Lbr_fail
2:	bgeu a1, a0, .Lbr_fail
	bgeu a1, a1, 2f
	j .Lbr_fail
2:	li s1, 1
.Lbr_fail:
	CHECK 49, s1, 1
	/* a loop with a backward branch */
	li a0, 0
	li a1, 10
3:	addi a0, a0, 3
	addi a1, a1, -1
	bnez a1, 3b
	CHECK 50, a0, 30
	PUTS "rv64i: branches ok\n"

	/* --- JAL / JALR link values and target computation --- */
	jal a2, 4f
5:	j .Ljal_bad
4:	la a3, 5b
	CHECKR 51, a2, a3
	la a0, 6f
	addi a0, a0, -8
	jalr a2, 8(a0)
7:	j .Ljal_bad
6:	la a3, 7b
	CHECKR 52, a2, a3
	la a0, 8f
	addi a0, a0, 1          /* jalr clears bit 0 of the target */
	jalr a2, 0(a0)
	j .Ljal_bad
8:	la a0, 9f
	jalr a0, 0(a0)          /* rd == rs1: target uses the old value */
.Ljal_bad:
	li a2, 0
	CHECK 53, a2, 1
9:	PUTS "rv64i: jumps ok\n"

	/* --- loads: sign/zero extension of every width --- */
	la s0, pattern
	lb a2, 0(s0)
	CHECK 54, a2, 0xffffffffffffff81
	lbu a2, 0(s0)
	CHECK 55, a2, 0x81
	lb a2, 1(s0)
	CHECK 56, a2, 0x72
	lh a2, 0(s0)
	CHECK 57, a2, 0x7281
	lh a2, 2(s0)
	CHECK 58, a2, 0xffffffffffff9483
	lhu a2, 2(s0)
	CHECK 59, a2, 0x9483
	lw a2, 0(s0)
	CHECK 60, a2, 0xffffffff94837281
	lwu a2, 0(s0)
	CHECK 61, a2, 0x94837281
	lw a2, 4(s0)
	CHECK 62, a2, 0x7a69b8a7
	ld a2, 0(s0)
	CHECK 63, a2, 0x7a69b8a794837281
	addi s1, s0, 8
	ld a2, -8(s1)           /* negative offset */
	CHECK 64, a2, 0x7a69b8a794837281
	lb a2, -1(s1)
	CHECK 65, a2, 0x7a
	PUTS "rv64i: loads ok\n"

	/* --- stores: each width only touches its bytes --- */
	la s0, scratch
	li a0, -1
	sd a0, 0(s0)
	sd a0, 8(s0)
	sb zero, 1(s0)
	ld a2, 0(s0)
	CHECK 66, a2, 0xffffffffffff00ff
	li a0, 0x1234
	sh a0, 2(s0)
	ld a2, 0(s0)
	CHECK 67, a2, 0xffffffff123400ff
	li a0, 0xdeadbeefcafef00d
	sw a0, 4(s0)
	ld a2, 0(s0)
	CHECK 68, a2, 0xcafef00d123400ff
	sd a0, 8(s0)
	ld a2, 8(s0)
	CHECK 69, a2, 0xdeadbeefcafef00d
	lwu a2, 12(s0)
	CHECK 70, a2, 0xdeadbeef
	li a0, 0x55
	sb a0, 15(s0)
	ld a2, 8(s0)
	CHECK 71, a2, 0x55adbeefcafef00d
	PUTS "rv64i: stores ok\n"

	/* --- misaligned accesses to RAM complete (as on QEMU virt, where
	 * nothing in M-mode would emulate them) --- */
	la s0, pattern
	lh a2, 1(s0)
	CHECK 73, a2, 0xffffffffffff8372
	lhu a2, 3(s0)
	CHECK 74, a2, 0xa794
	lw a2, 3(s0)
	CHECK 75, a2, 0x69b8a794
	lwu a2, 1(s0)
	CHECK 76, a2, 0xa7948372
	ld a2, 1(s0)
	CHECK 77, a2, 0xff7a69b8a7948372   /* 0xff: scratch byte 0 */
	la s0, scratch
	li a0, 0x1122334455667788
	sd a0, 3(s0)
	ld a2, 3(s0)
	CHECKR 78, a2, a0
	li a0, 0xaabb
	sh a0, 7(s0)
	lwu a2, 7(s0)
	CHECK 79, a2, 0x1122aabb
	li a0, 0xccddeeff
	sw a0, 5(s0)
	ld a2, 3(s0)
	CHECK 80, a2, 0x1122ccddeeff7788
	PUTS "rv64i: misaligned ok\n"

	/* --- fence and nop must just retire --- */
	fence
	fence rw, rw
	fence.i
	nop
	li a2, 1
	CHECK 72, a2, 1

	ld ra, 0(sp)
	addi sp, sp, 16
	li a0, 0
	ret

	.data
	.align 3
pattern:
	.byte 0x81, 0x72, 0x83, 0x94, 0xa7, 0xb8, 0x69, 0x7a
scratch:
	.dword 0, 0
