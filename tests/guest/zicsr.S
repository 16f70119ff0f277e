/* Zicsr: every CSR instruction form (read-old/write-new, set/clear masks,
 * 5-bit immediates, x0 source means no write); Zifencei: code modified by
 * stores runs in its new form after fence.i. */
#include "guest.h"

	.text
	.globl main
main:
	addi sp, sp, -16
	sd ra, 0(sp)
	PUTS "zicsr: start\n"

	li a1, 0x1234
	csrw mscratch, a1
	li a1, 0xff00
	csrrw a0, mscratch, a1
	CHECK 1, a0, 0x1234
	csrr a0, mscratch
	CHECK 2, a0, 0xff00
	li a1, 0x00ff
	csrrs a0, mscratch, a1
	CHECK 3, a0, 0xff00
	csrr a0, mscratch
	CHECK 4, a0, 0xffff
	li a1, 0x0ff0
	csrrc a0, mscratch, a1
	CHECK 5, a0, 0xffff
	csrr a0, mscratch
	CHECK 6, a0, 0xf00f
	csrrwi a0, mscratch, 31
	CHECK 7, a0, 0xf00f
	csrr a0, mscratch
	CHECK 8, a0, 31
	csrrci a0, mscratch, 0x11
	CHECK 9, a0, 31
	csrrsi a0, mscratch, 0x40 & 31     /* immediates are 5 bits */
	CHECK 10, a0, 14
	csrrsi a0, mscratch, 16
	csrr a0, mscratch
	CHECK 11, a0, 30
	li a1, -1
	csrw mscratch, a1
	csrr a0, mscratch
	CHECK 12, a0, -1
	csrrw zero, mscratch, zero
	csrr a0, mscratch
	CHECK 13, a0, 0
	/* rs1 = x0 / uimm = 0 never write: fine on read-only CSRs */
	csrrs a0, mhartid, zero
	CHECK 14, a0, 0
	csrrc a0, mhartid, zero
	CHECK 15, a0, 0
	csrrsi a0, mhartid, 0
	CHECK 16, a0, 0
	csrrci a0, mvendorid, 0
	csrr a1, mvendorid
	CHECKR 17, a0, a1
	/* the same register as source and destination */
	li a0, 0x77
	csrw mscratch, a0
	li a0, 0x5
	csrrw a0, mscratch, a0
	CHECK 18, a0, 0x77
	csrr a0, mscratch
	CHECK 19, a0, 5
	PUTS "zicsr: csr ops ok\n"

	/* --- Zifencei: self-modifying code in .text --- */
	li s0, 100
1:	call smc_word
	CHECK 20, a0, 1
	addi s0, s0, -1
	bnez s0, 1b
	la a1, smc_word
	li a2, 0x00200513            /* addi a0, zero, 2 */
	sw a2, 0(a1)
	fence.i
	call smc_word
	CHECK 21, a0, 2
	li a2, 0x00300513            /* addi a0, zero, 3 */
	sw a2, 0(a1)
	fence.i
	call smc_word
	CHECK 22, a0, 3
	/* a compressed instruction rewritten with a halfword store */
	li s0, 10
1:	call smc_half
	CHECK 23, a0, 3
	addi s0, s0, -1
	bnez s0, 1b
	la a1, smc_half
	li a2, 0x4511                /* c.li a0, 4 */
	sh a2, 0(a1)
	fence.i
	call smc_half
	CHECK 24, a0, 4
	/* code generated into a data buffer, then rewritten in place */
	la a1, codebuf
	li a2, 0x02a00513            /* addi a0, zero, 42 */
	sw a2, 0(a1)
	li a2, 0x00008067            /* ret */
	sw a2, 4(a1)
	fence.i
	jalr a1
	CHECK 25, a0, 42
	la a1, codebuf
	li a2, 0x02b00513            /* addi a0, zero, 43 */
	sw a2, 0(a1)
	fence.i
	jalr a1
	CHECK 26, a0, 43
	PUTS "zicsr: fence.i ok\n"

	ld ra, 0(sp)
	addi sp, sp, 16
	li a0, 0
	ret

	.align 2
smc_word:
	.word 0x00100513             /* addi a0, zero, 1 */
	ret
	.align 2
smc_half:
	.half 0x450d                 /* c.li a0, 3 */
	c.jr ra

	.data
	.align 3
codebuf: .space 64
