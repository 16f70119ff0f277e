/* Multi-hart (built for NHARTS harts): secondaries wait in WFI until hart 0
 * raises their CLINT msip; then every hart increments a shared counter with
 * AMOs and another with LR/SC loops, and reports in through a mailbox. */
#include "guest.h"

#ifndef NHARTS
#error "build with -DNHARTS=n"
#endif
#define ITERS 20000

/* the work every hart does once running; a0 = hartid */
.macro WORK
	la t0, amo_counter
	li t1, ITERS
	li t2, 1
1:	amoadd.d zero, t2, (t0)
	addi t1, t1, -1
	bnez t1, 1b
	la t0, lrsc_counter
	li t1, ITERS
2:	lr.d t3, (t0)
	addi t3, t3, 1
	sc.d t4, t3, (t0)
	bnez t4, 2b
	addi t1, t1, -1
	bnez t1, 2b
.endm

	.text
	.globl secondary_main
secondary_main:
	mv s0, a0
	li a1, 1 << IRQ_MSI
	csrw mie, a1               /* wake from WFI on msip; MIE stays off */
1:	wfi
	csrr a1, mip
	andi a1, a1, 1 << IRQ_MSI
	beqz a1, 1b
	slli a1, s0, 2
	li a2, CLINT_MSIP
	add a1, a1, a2
	sw zero, 0(a1)             /* acknowledge our own msip */
	la a1, started
	li a2, 1
	amoadd.d zero, a2, (a1)
	mv a0, s0
	WORK
	la a1, mailbox
	slli a2, s0, 3
	add a1, a1, a2
	sd s0, 0(a1)
	fence rw, rw
	la a1, done
	li a2, 1
	amoadd.d zero, a2, (a1)
	csrw mie, zero
2:	wfi
	j 2b

	.globl main
main:
	addi sp, sp, -16
	sd ra, 0(sp)
	PUTS "smp: start\n"
	csrr a0, mhartid
	CHECK 1, a0, 0
	/* nobody runs before being woken */
	li a0, 100000
1:	addi a0, a0, -1
	bnez a0, 1b
	LOADG a0, started
	CHECK 2, a0, 0
	/* wake harts 1..NHARTS-1 */
	li s0, 1
	li s1, NHARTS
2:	bgeu s0, s1, 3f
	slli a1, s0, 2
	li a2, CLINT_MSIP
	add a1, a1, a2
	li a2, 1
	sw a2, 0(a1)
	addi s0, s0, 1
	j 2b
3:	li a0, 0
	WORK
	/* wait for everybody (bounded) */
	li s2, 50000000
4:	LOADG a0, done
	li a1, NHARTS - 1
	beq a0, a1, 5f
	addi s2, s2, -1
	bnez s2, 4b
5:	CHECK 3, a0, NHARTS - 1
	fence rw, rw
	LOADG a0, started
	CHECK 4, a0, NHARTS - 1
	LOADG a0, amo_counter
	CHECK 5, a0, NHARTS * ITERS
	LOADG a0, lrsc_counter
	CHECK 6, a0, NHARTS * ITERS
	li s0, 1
6:	bgeu s0, s1, 7f
	la a1, mailbox
	slli a2, s0, 3
	add a1, a1, a2
	ld a0, 0(a1)
	CHECKR 7, a0, s0
	slli a1, s0, 2
	li a2, CLINT_MSIP
	add a1, a1, a2
	lw a0, 0(a1)
	CHECK 8, a0, 0
	addi s0, s0, 1
	j 6b
7:	PUTS "smp: all harts counted\n"
	ld ra, 0(sp)
	addi sp, sp, 16
	li a0, 0
	ret

	.data
	.align 6
amo_counter:  .dword 0
	.align 6
lrsc_counter: .dword 0
	.align 6
started:      .dword 0
done:         .dword 0
mailbox:      .dword 0, 0, 0, 0, 0, 0, 0, 0
