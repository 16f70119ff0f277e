/* Multi-hart (built for NHARTS harts): secondaries wait in WFI until hart 0
 * raises their CLINT msip; each then takes an interrupt from its own
 * mtimecmp, every hart increments a shared counter with AMOs and another
 * with LR/SC loops, and reports in through a mailbox; then hart 0 sends
 * each secondary a software interrupt that it takes as a trap, and routes
 * the UART's PLIC source to each secondary's S context in turn. */
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
	/* our own timer: mtimecmp[hart] a little in the future */
	slli a1, s0, 3
	li a2, CLINT_MTIMECMP
	add a1, a1, a2
	li a2, CLINT_MTIME
	ld a2, 0(a2)
	addi a2, a2, 2000
	sd a2, 0(a1)
	li a1, 1 << IRQ_MTI
	csrw mie, a1
	la s1, timer_count
	slli a1, s0, 3
	add s1, s1, a1
3:	ld a1, 0(s1)                /* test and WFI with MIE clear: no lost wakeup */
	bnez a1, 4f
	wfi
	csrsi mstatus, MSTATUS_MIE
	nop
	csrci mstatus, MSTATUS_MIE
	j 3b
4:
	mv a0, s0
	WORK
	la a1, mailbox
	slli a2, s0, 3
	add a1, a1, a2
	csrr a3, mhartid
	sd a3, 0(a1)
	fence rw, rw
	/* now wait for hart 0's software interrupt, taken as a trap */
	li a1, 1 << IRQ_MSI
	csrw mie, a1
	la a1, done
	li a2, 1
	amoadd.d zero, a2, (a1)
	la s1, ipi_count
	slli a1, s0, 3
	add s1, s1, a1
5:	ld a1, 0(s1)
	bnez a1, 6f
	wfi
	csrsi mstatus, MSTATUS_MIE
	nop
	csrci mstatus, MSTATUS_MIE
	j 5b
6:
	csrw mie, zero
	la a1, done2
	li a2, 1
	amoadd.d zero, a2, (a1)
	/* PLIC: wait until hart 0 routes the UART to our S context, then
	 * see SEIP, claim and complete there. Spin, not WFI: no interrupt
	 * is enabled to wake us. */
	la s2, plic_turn
7:	ld a1, 0(s2)
	bne a1, s0, 7b
	fence rw, rw
	/* delivery from the PLIC to this hart may take a moment */
	DEADLINE s3
8:	csrr a1, mip
	srli a1, a1, IRQ_SEI
	andi a1, a1, 1
	bnez a1, 9f
	BEFORE_DEADLINE s3, 8b
9:	la a2, seip_seen
	slli a3, s0, 3
	add a2, a2, a3
	sd a1, 0(a2)
	slli a1, s0, 1             /* context 2*hart+1, claim at +0x1000*ctx */
	addi a1, a1, 1
	slli a1, a1, 12
	li a2, PLIC + 0x200004
	add a1, a1, a2
	lw a2, 0(a1)
	la a3, claimed
	slli a4, s0, 3
	add a3, a3, a4
	sd a2, 0(a3)
	li a3, UART0
	lbu a4, 2(a3)              /* IIR read acknowledges THR empty */
	sb zero, 1(a3)             /* IER = 0 */
	sw a2, 0(a1)               /* complete */
	fence rw, rw
	sd zero, 0(s2)             /* back to hart 0 */
2:	wfi
	j 2b

/* irq_hook on every hart: count per hart, silence the source */
smp_irq:
	csrr t0, mhartid
	slli t1, t0, 3
	slli a0, a0, 1
	srli a0, a0, 1
	li t2, IRQ_MTI
	bne a0, t2, 1f
	li t2, CLINT_MTIMECMP
	add t2, t2, t1
	li t3, -1
	sd t3, 0(t2)
	la t2, timer_count
	j 2f
1:	slli t2, t0, 2
	li t3, CLINT_MSIP
	add t2, t2, t3
	sw zero, 0(t2)
	la t2, ipi_count
2:	add t2, t2, t1
	ld t3, 0(t2)
	addi t3, t3, 1
	sd t3, 0(t2)
	ret

	.globl main
main:
	addi sp, sp, -16
	sd ra, 0(sp)
	PUTS "smp: start\n"
	csrr a0, mhartid
	CHECK 1, a0, 0
	la a0, smp_irq
	la a1, irq_hook
	sd a0, 0(a1)
	li a0, CLINT_MTIMECMP
	li a1, -1
	sd a1, 0(a0)               /* hart 0 wants no timer */
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
	DEADLINE s2
4:	LOADG a0, done
	li a1, NHARTS - 1
	beq a0, a1, 5f
	BEFORE_DEADLINE s2, 4b
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
	la a1, timer_count
	slli a2, s0, 3
	add a1, a1, a2
	ld a0, 0(a1)
	CHECK 9, a0, 1             /* exactly one timer interrupt each */
	addi s0, s0, 1
	j 6b
7:	PUTS "smp: all harts counted\n"
	csrr a0, mip
	andi a0, a0, 1 << IRQ_MTI
	CHECK 10, a0, 0            /* the others' timers are not ours */
	/* software interrupts to each secondary, taken as traps */
	li s0, 1
8:	bgeu s0, s1, 9f
	slli a1, s0, 2
	li a2, CLINT_MSIP
	add a1, a1, a2
	li a2, 1
	sw a2, 0(a1)
	addi s0, s0, 1
	j 8b
9:	DEADLINE s2
10:	LOADG a0, done2
	li a1, NHARTS - 1
	beq a0, a1, 11f
	BEFORE_DEADLINE s2, 10b
11:	CHECK 11, a0, NHARTS - 1
	li s0, 1
12:	bgeu s0, s1, 13f
	la a1, ipi_count
	slli a2, s0, 3
	add a1, a1, a2
	ld a0, 0(a1)
	CHECK 12, a0, 1
	addi s0, s0, 1
	j 12b
13:	LOADG a0, ipi_count
	CHECK 13, a0, 0            /* hart 0 got none */
	PUTS "smp: interrupts on every hart ok\n"
	/* the UART's PLIC source routed to each secondary's S context */
	li a0, PLIC + 4 * 10
	li a1, 1
	sw a1, 0(a0)
	li s0, 1
14:	bgeu s0, s1, 17f
	slli a0, s0, 1
	addi a0, a0, 1             /* context 2*hart+1 */
	slli a2, a0, 7
	li a3, PLIC + 0x2000
	add s3, a2, a3             /* its enable words */
	li a1, 1 << 10
	sw a1, 0(s3)
	slli a2, a0, 12
	li a3, PLIC + 0x200000
	add a2, a2, a3
	sw zero, 0(a2)             /* threshold 0 */
	li a3, UART0
	li a1, 2
	sb a1, 1(a3)               /* IER: THR empty -> pending */
	csrr a1, mip
	srli a1, a1, IRQ_SEI
	andi a1, a1, 1
	CHECK 14, a1, 0            /* not hart 0's */
	fence rw, rw
	la s2, plic_turn
	sd s0, 0(s2)
	DEADLINE s4
15:	ld a1, 0(s2)
	beqz a1, 16f
	BEFORE_DEADLINE s4, 15b
16:	CHECK 15, a1, 0
	sw zero, 0(s3)
	la a1, seip_seen
	slli a2, s0, 3
	add a1, a1, a2
	ld a0, 0(a1)
	CHECK 16, a0, 1
	la a1, claimed
	add a1, a1, a2
	ld a0, 0(a1)
	CHECK 17, a0, 10
	addi s0, s0, 1
	j 14b
17:	PUTS "smp: plic contexts ok\n"
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
done2:        .dword 0
plic_turn:    .dword 0
seip_seen:    .dword 0, 0, 0, 0, 0, 0, 0, 0
claimed:      .dword 0, 0, 0, 0, 0, 0, 0, 0
timer_count:  .dword 0, 0, 0, 0, 0, 0, 0, 0
ipi_count:    .dword 0, 0, 0, 0, 0, 0, 0, 0
mailbox:      .dword 0, 0, 0, 0, 0, 0, 0, 0
