/* C extension: every RV64C integer form, written with explicit c.*
 * mnemonics so the assembler cannot pick the 32-bit encoding, plus 32-bit
 * instructions at 2-byte aligned addresses and c.ebreak. */
#include "guest.h"

	.text
	.globl main
main:
	addi sp, sp, -32
	sd ra, 0(sp)
	sd s0, 8(sp)
	sd s1, 16(sp)
	PUTS "rvc: start\n"

	/* --- constants and immediate arithmetic --- */
	c.li a0, -32
	CHECK 1, a0, -32
	c.li a0, 31
	CHECK 2, a0, 31
	c.lui a1, 0xfffff         /* nzimm[17:12] = -1 -> 0xfffffffffffff000 */
	CHECK 3, a1, 0xfffffffffffff000
	c.lui a1, 0x1f
	CHECK 4, a1, 0x1f000
	c.li a0, 1
	c.addi a0, -2
	CHECK 5, a0, -1
	li a0, 0x7fffffff
	c.addiw a0, 1
	CHECK 6, a0, 0xffffffff80000000
	li a0, 0x123456789
	c.addiw a0, 0             /* sext.w */
	CHECK 7, a0, 0x23456789
	mv s1, sp
	c.addi16sp sp, -64
	sub a0, s1, sp
	CHECK 8, a0, 64
	c.addi16sp sp, 64
	CHECKR 9, sp, s1
	c.addi4spn a0, sp, 16
	addi a1, sp, 16
	CHECKR 10, a0, a1
	PUTS "rvc: immediates ok\n"

	/* --- shifts and register ops --- */
	c.li a0, 1
	c.slli a0, 63
	CHECK 11, a0, 0x8000000000000000
	c.srai a0, 3
	CHECK 12, a0, 0xf000000000000000
	c.srli a0, 60
	CHECK 13, a0, 15
	c.andi a0, -6            /* 15 & ~5 */
	CHECK 14, a0, 10
	li a1, 0xf0
	c.mv a2, a1
	CHECK 15, a2, 0xf0
	c.add a2, a1
	CHECK 16, a2, 0x1e0
	li a0, 0xff
	li a1, 0x0f0
	c.and a0, a1
	CHECK 17, a0, 0xf0
	li a0, 0x0f
	c.or a0, a1
	CHECK 18, a0, 0xff
	c.xor a0, a1
	CHECK 19, a0, 0x0f
	c.sub a0, a1
	CHECK 20, a0, -0xe1
	li a0, 0x7fffffff
	li a1, 1
	c.addw a0, a1
	CHECK 21, a0, 0xffffffff80000000
	li a0, 0x100000000
	c.subw a0, a1
	CHECK 22, a0, -1
	PUTS "rvc: alu ok\n"

	/* --- loads and stores, register and stack-relative --- */
	la s0, data
	c.lw a0, 0(s0)
	CHECK 23, a0, 0xffffffff87654321
	c.ld a1, 8(s0)
	CHECK 24, a1, 0x0123456789abcdef
	li a0, 0x11223344
	c.sw a0, 4(s0)
	c.ld a2, 0(s0)
	CHECK 25, a2, 0x1122334487654321
	c.sd a1, 16(s0)
	ld a2, 16(s0)
	CHECK 26, a2, 0x0123456789abcdef
	li a0, 0xcafe
	c.sdsp a0, 24(sp)
	c.ldsp a2, 24(sp)
	CHECK 27, a2, 0xcafe
	li a0, 0xdeadbeef
	c.swsp a0, 28(sp)
	c.lwsp a2, 28(sp)
	CHECK 28, a2, 0xffffffffdeadbeef
	ld a2, 24(sp)
	CHECK 29, a2, 0xdeadbeef0000cafe
	PUTS "rvc: memory ok\n"

	/* --- control flow --- */
	c.li a0, 0
	c.beqz a0, 1f
	c.li a0, 9
1:	CHECK 30, a0, 0
	c.li a0, 1
	c.bnez a0, 1f
	c.li a0, 9
1:	CHECK 31, a0, 1
	c.beqz a0, 2f             /* not taken */
	c.li a2, 0
	c.bnez a2, 2f
	c.j 1f
2:	c.li a0, 9
1:	CHECK 32, a0, 1
	la a1, 3f
	c.jr a1
	c.li a0, 9
3:	CHECK 33, a0, 1
	la a1, 4f
	c.jalr a1
5:	j 6f
4:	la a2, 5b                /* c.jalr links pc + 2 */
	CHECKR 34, ra, a2
	ret
6:	/* backward c.bnez loop */
	c.li a0, 5
	c.li a1, 0
7:	c.addi a1, 3
	c.addi a0, -1
	c.bnez a0, 7b
	CHECK 35, a1, 15
	PUTS "rvc: branches ok\n"

	/* --- 32-bit instructions at addresses that are 2 mod 4 --- */
	la a1, odd_target
	andi a2, a1, 3
	CHECK 36, a2, 2
	jalr a1                   /* runs a 32-bit addi at a halfword address */
	CHECK 37, a0, 0x444
	call odd_jal              /* jal into 2-aligned code, and back */
	CHECK 38, a0, 0x555
	PUTS "rvc: alignment ok\n"

	/* --- c.ebreak / c.nop --- */
	c.nop
	EXPECT_TRAP
1:	c.ebreak
	LOADG a0, trap_cause
	CHECK 39, a0, 3
	LOADG a0, trap_epc
	la a1, 1b
	CHECKR 40, a0, a1
	PUTS "rvc: ebreak ok\n"

	/* --- reserved compressed encodings are illegal; mtval holds the
	 * 16-bit instruction --- */
	li s1, 41
	la s0, reserved_c
1:	lhu a2, 0(s0)
	beqz a2, 3f
	la a3, trap_cause
	sd zero, 0(a3)
	la a3, 2f
	sh a2, 0(a3)             /* patch the probe slot, then run it */
	fence.i
	EXPECT_TRAP
2:	c.nop
	LOADG a0, trap_cause
	li a1, 2
	beq a0, a1, 4f
	mv a1, a0                /* check 41+i: encoding i did not trap */
	li a2, 2
	mv a0, s1
	j rt_check_failed
4:	LOADG a0, trap_tval
	beq a0, a2, 5f
	mv a1, a0                /* mtval is not the encoding */
	mv a0, s1
	j rt_check_failed
5:	addi s0, s0, 2
	addi s1, s1, 1
	j 1b
3:	PUTS "rvc: reserved ok\n"

	ld ra, 0(sp)
	ld s0, 8(sp)
	ld s1, 16(sp)
	addi sp, sp, 32
	li a0, 0
	ret

	.align 2
	c.nop
odd_target:
	addi a0, zero, 0x444
	ret
	c.nop
odd_jal:
	li a0, 0x555
	jal zero, 1f
	c.nop
1:	ret

	.data
	.align 1
reserved_c:
	.half 0x6501             /* c.lui a0, 0 */
	.half 0x6101             /* c.addi16sp sp, 0 */
	.half 0x8002             /* c.jr x0 */
	.half 0x4002             /* c.lwsp x0 */
	.half 0x6002             /* c.ldsp x0 */
	.half 0x0000             /* end */
	.align 3
data:	.word 0x87654321, 0
	.dword 0x0123456789abcdef
	.dword 0
