/* NS16550A registers at 1-byte stride: reset values, LCR/DLAB banking of
 * the divisor latch, IER, IIR (FIFO bits, THR-empty reported and cleared
 * by reading IIR), LSR idle state and the scratch register. */
#include "guest.h"

#define RBR 0
#define THR 0
#define DLL 0
#define IER 1
#define DLM 1
#define IIR 2
#define FCR 2
#define LCR 3
#define MCR 4
#define LSR 5
#define SCR 7

	.text
	.globl main
main:
	addi sp, sp, -16
	sd ra, 0(sp)
	PUTS "uart: start\n"
	li s0, UART0

	/* --- reset state --- */
	lbu a0, LSR(s0)
	andi a0, a0, 0x61          /* TEMT | THRE | DR */
	CHECK 1, a0, 0x60          /* idle transmitter, no input */
	lbu a0, IER(s0)
	CHECK 2, a0, 0
	lbu a0, IIR(s0)
	CHECK 3, a0, 0x01          /* no interrupt, FIFOs off */
	lbu a0, LCR(s0)
	CHECK 4, a0, 0

	/* --- divisor latch behind DLAB --- */
	li a0, 0x83                /* DLAB | 8 bits */
	sb a0, LCR(s0)
	lbu a1, LCR(s0)
	CHECK 5, a1, 0x83
	li a0, 0x03
	sb a0, DLL(s0)
	sb zero, DLM(s0)
	lbu a1, DLL(s0)
	CHECK 6, a1, 0x03
	lbu a1, DLM(s0)
	CHECK 7, a1, 0
	li a0, 0x03                /* DLAB off: offsets 0/1 are data/IER again */
	sb a0, LCR(s0)
	lbu a1, IER(s0)
	CHECK 8, a1, 0
	lbu a1, LCR(s0)
	CHECK 9, a1, 0x03
	PUTS "uart: lcr ok\n"

	/* --- FIFO control and IIR --- */
	li a0, 0x07                /* enable + clear both FIFOs */
	sb a0, FCR(s0)
	lbu a1, IIR(s0)
	CHECK 10, a1, 0xc1         /* FIFOs enabled, no interrupt */
	li a0, 0x02                /* THR-empty interrupt */
	sb a0, IER(s0)
	lbu a1, IER(s0)
	CHECK 11, a1, 0x02
	lbu a1, IIR(s0)
	CHECK 12, a1, 0xc2         /* THR empty reported ... */
	lbu a1, IIR(s0)
	CHECK 13, a1, 0xc1         /* ... and acknowledged by that read */
	sb zero, IER(s0)
	lbu a1, IER(s0)
	CHECK 14, a1, 0
	lbu a1, IIR(s0)
	CHECK 15, a1, 0xc1
	PUTS "uart: iir ok\n"

	/* --- scratch register and LSR after output --- */
	li a0, 0x5a
	sb a0, SCR(s0)
	lbu a1, SCR(s0)
	CHECK 16, a1, 0x5a
	li a0, 0xa5
	sb a0, SCR(s0)
	lbu a1, SCR(s0)
	CHECK 17, a1, 0xa5
	PUTS "uart: transmitting\n"
	li s1, 1000000
1:	lbu a1, LSR(s0)
	andi a1, a1, 0x60
	li a2, 0x60
	beq a1, a2, 2f
	addi s1, s1, -1
	bnez s1, 1b
2:	CHECK 18, a1, 0x60         /* transmitter drains */
	lbu a1, LSR(s0)
	andi a1, a1, 1
	CHECK 19, a1, 0            /* still no input */
	PUTS "uart: lsr ok\n"

	ld ra, 0(sp)
	addi sp, sp, 16
	li a0, 0
	ret
