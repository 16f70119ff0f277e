/* UART receive: the harness types "abcXYZ" on the console. The first three
 * bytes are read by polling LSR.DR, the rest through the received-data
 * interrupt (IER bit 0 -> PLIC IRQ 10 -> MEI, IIR = 0x04). FIFOs stay off:
 * enabling them flushes bytes that may already have arrived. */
#include "guest.h"

#define PLIC_PRIO10   (PLIC + 4 * 10)
#define PLIC_ENABLE0  (PLIC + 0x2000)
#define PLIC_THRESH0  (PLIC + 0x200000)
#define PLIC_CLAIM0   (PLIC + 0x200004)

	.text
	.globl main
main:
	addi sp, sp, -16
	sd ra, 0(sp)
	PUTS "uart_rx: ready\n"
	li s0, UART0
	la s1, rxbuf

	/* --- polled --- */
	li s2, 0
1:	DEADLINE s3
2:	lbu a0, 5(s0)
	andi a0, a0, 1            /* LSR.DR */
	bnez a0, 3f
	BEFORE_DEADLINE s3, 2b
3:	CHECK 1, a0, 1
	lbu a0, 0(s0)
	add a1, s1, s2
	sb a0, 0(a1)
	addi s2, s2, 1
	li a1, 3
	bltu s2, a1, 1b
	la a0, rxcount
	sd s2, 0(a0)
	PUTS "uart_rx: polled "
	sb zero, 3(s1)
	mv a0, s1
	call rt_puts
	PUTS "\n"

	/* --- interrupt driven --- */
	la a0, rx_irq
	la a1, irq_hook
	sd a0, 0(a1)
	li a0, PLIC_PRIO10
	li a1, 1
	sw a1, 0(a0)
	li a0, PLIC_ENABLE0
	li a1, 1 << 10
	sw a1, 0(a0)
	li a0, PLIC_THRESH0
	sw zero, 0(a0)
	li a0, 1                  /* IER: received data available */
	sb a0, 1(s0)
	li a0, 1 << IRQ_MEI
	csrw mie, a0
	DEADLINE s3
4:	LOADG a0, rxcount             /* test and WFI with MIE clear */
	li a1, 6
	beq a0, a1, 5f
	wfi
	csrsi mstatus, MSTATUS_MIE
	nop
	csrci mstatus, MSTATUS_MIE
	BEFORE_DEADLINE s3, 4b
5:
	csrw mie, zero
	sb zero, 1(s0)
	CHECK 2, a0, 6
	LOADG a0, rx_iir
	andi a0, a0, 0x0f
	CHECK 3, a0, 0x04         /* received data available */
	LOADG a0, rx_irqs
	sltu a0, zero, a0
	CHECK 4, a0, 1
	lbu a0, 5(s0)
	andi a0, a0, 1
	CHECK 5, a0, 0            /* all consumed */
	PUTS "uart_rx: interrupt "
	sb zero, 6(s1)
	addi a0, s1, 3
	call rt_puts
	PUTS "\n"

	ld ra, 0(sp)
	addi sp, sp, 16
	li a0, 0
	ret

/* irq_hook: drain the receiver, then complete the claim */
rx_irq:
	li t0, PLIC_CLAIM0
	lw t1, 0(t0)
	li t2, UART0
	lbu t3, 2(t2)             /* IIR */
	andi t4, t3, 0x0f
	addi t4, t4, -4
	bnez t4, 3f               /* keep the first "data available" seen: a */
	la t4, rx_iir             /* latched PLIC claim may find the UART */
	sd t3, 0(t4)              /* already drained (IIR = 1) */
3:
	la t4, rx_irqs
	ld t3, 0(t4)
	addi t3, t3, 1
	sd t3, 0(t4)
1:	lbu t3, 5(t2)
	andi t3, t3, 1
	beqz t3, 2f
	lbu t3, 0(t2)
	la t4, rxcount
	ld t5, 0(t4)
	li t6, 8
	bgeu t5, t6, 1b           /* more than expected: drop */
	la t6, rxbuf
	add t6, t6, t5
	sb t3, 0(t6)
	addi t5, t5, 1
	sd t5, 0(t4)
	j 1b
2:	sw t1, 0(t0)
	ret

	.bss
	.align 3
rxcount: .dword 0
rx_iir:  .dword 0
rx_irqs: .dword 0
rxbuf:   .space 16
