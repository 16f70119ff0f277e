/* PCIe ECAM at 0x30000000 (bus<<20 | dev<<15 | fn<<12 | reg): absent
 * functions read all-ones at every width and ignore writes. 00:00.0 may be
 * the host bridge 1b36:0008 and 00:01.0 the E1000 8086:100e; both are
 * accepted, or all-ones while the board has no such device. */
#include "guest.h"

#define CFG(bus, dev, fn, reg) (ECAM + ((bus) << 20) + ((dev) << 15) + ((fn) << 12) + (reg))

	.text
	.globl main
main:
	addi sp, sp, -16
	sd ra, 0(sp)
	PUTS "pcie: start\n"

	/* 00:00.0: host bridge or nothing */
	li s0, CFG(0, 0, 0, 0)
	lwu a0, 0(s0)
	li a1, 0x00081b36
	beq a0, a1, 1f
	CHECK 1, a0, 0xffffffff
1:	/* 00:01.0: E1000 or nothing */
	li s0, CFG(0, 1, 0, 0)
	lwu a0, 0(s0)
	li a1, 0x100e8086
	beq a0, a1, 1f
	CHECK 2, a0, 0xffffffff
1:
	/* devices 2..31 of bus 0, function 0: absent */
	li s1, 2
	li s2, 32
2:	slli a0, s1, 15
	li a1, ECAM
	add a0, a0, a1
	lwu a0, 0(a0)
	CHECK 3, a0, 0xffffffff
	addi s1, s1, 1
	bne s1, s2, 2b
	/* other functions, buses and registers */
	li s0, CFG(0, 3, 5, 0)
	lwu a0, 0(s0)
	CHECK 4, a0, 0xffffffff
	li s0, CFG(1, 0, 0, 0)
	lwu a0, 0(s0)
	CHECK 5, a0, 0xffffffff
	li s0, CFG(0, 7, 0, 0x10)
	lwu a0, 0(s0)
	CHECK 6, a0, 0xffffffff
	li s0, CFG(0, 9, 0, 0)
	lhu a0, 0(s0)
	CHECK 7, a0, 0xffff
	lhu a0, 2(s0)
	CHECK 8, a0, 0xffff
	lbu a0, 3(s0)
	CHECK 9, a0, 0xff
	/* writes to an absent function go nowhere */
	li s0, CFG(0, 9, 0, 0x10)
	sw zero, 0(s0)
	lwu a0, 0(s0)
	CHECK 10, a0, 0xffffffff
	li s0, CFG(0, 9, 0, 0x04)
	li a1, 7
	sh a1, 0(s0)
	lhu a0, 0(s0)
	CHECK 11, a0, 0xffff
	PUTS "pcie: ecam ok\n"

	ld ra, 0(sp)
	addi sp, sp, 16
	li a0, 0
	ret
