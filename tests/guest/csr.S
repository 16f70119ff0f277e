/* CSR access rules: read-only and unknown CSRs trap, privilege checks,
 * the sstatus view of mstatus, mip/sip/mie/sie masking through mideleg,
 * counter access through mcounteren/scounteren, misc WARL fields. */
#include "guest.h"

/* ILLEGAL num, insn: insn must raise illegal instruction with
 * mepc = its address and mtval = its encoding. Clobbers a3, a4, t6. */
.macro ILLEGAL num, insn:vararg
	la a3, trap_cause
	li a4, -1
	sd a4, 0(a3)
	EXPECT_TRAP
.Lill\@:
	\insn
	LOADG a3, trap_cause
	CHECK \num, a3, 2
	LOADG a3, trap_epc
	la a4, .Lill\@
	CHECKR \num, a3, a4
	LOADG a3, trap_tval
	lwu a4, .Lill\@
	CHECKR \num, a3, a4
.endm

/* LEGAL num, insn: insn must not trap (the handler is left disarmed, so
 * a trap ends the program as "unexpected trap"). */
.macro LEGAL num, insn:vararg
	\insn
.endm

	.text
	.globl main
main:
	addi sp, sp, -16
	sd ra, 0(sp)
	PUTS "csr: start\n"

	/* --- read-only and unknown CSRs --- */
	ILLEGAL 1, csrw mvendorid, a0
	ILLEGAL 2, csrw cycle, zero
	ILLEGAL 3, csrr a0, 0x8ff
	ILLEGAL 4, csrw 0x5c0, a0
	ILLEGAL 5, csrw mhartid, a0
	ILLEGAL 6, csrs mimpid, a1
	csrr a0, mhartid
	CHECK 7, a0, 0
	csrr a0, misa
	srli a1, a0, 62
	CHECK 8, a1, 2                 /* MXL = 64 */
	li a2, (1 << 0) | (1 << 2) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20)
	and a1, a0, a2
	CHECKR 9, a1, a2               /* A C I M S U */
	PUTS "csr: read-only ok\n"

	/* --- privilege: S cannot touch M CSRs, U cannot touch S CSRs --- */
	TO_MODE PRV_S
	ILLEGAL 10, csrr a0, mstatus
	ILLEGAL 11, csrw mscratch, a0
	ILLEGAL 12, csrr a0, mie
	li a0, 0x5a5a
	csrw sscratch, a0
	csrr a1, sscratch
	CHECK 13, a1, 0x5a5a
	csrr a1, sstatus
	TO_MODE PRV_U
	ILLEGAL 14, csrr a0, sstatus
	ILLEGAL 15, csrw sscratch, a0
	ILLEGAL 16, csrr a0, mstatus
	ILLEGAL 17, csrr a0, satp
	TO_MODE PRV_M
	LOADG a0, trap_mpp
	CHECK 18, a0, PRV_U            /* the last trap came from U */
	PUTS "csr: privilege ok\n"

	/* --- sstatus is a view of mstatus --- */
	csrw mstatus, zero
	li a0, MSTATUS_SIE | MSTATUS_MIE
	csrs sstatus, a0
	csrr a1, mstatus
	andi a1, a1, MSTATUS_SIE | MSTATUS_MIE
	CHECK 19, a1, MSTATUS_SIE
	li a0, MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_SPP | MSTATUS_SPIE
	csrs mstatus, a0
	csrr a1, sstatus
	and a1, a1, a0
	CHECK 20, a1, MSTATUS_SPP | MSTATUS_SPIE
	csrw sstatus, zero
	csrr a1, mstatus
	li a0, MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE
	and a1, a1, a0
	CHECK 21, a1, MSTATUS_MPP | MSTATUS_MPIE
	li a0, MSTATUS_SUM | MSTATUS_MXR
	csrs sstatus, a0
	csrr a1, mstatus
	and a1, a1, a0
	CHECK 22, a1, MSTATUS_SUM | MSTATUS_MXR
	csrc mstatus, a0
	csrr a1, sstatus
	and a1, a1, a0
	CHECK 23, a1, 0
	csrr a1, mstatus
	srli a1, a1, 32
	andi a1, a1, 0xf
	CHECK 24, a1, 0xa              /* SXL = UXL = 64 */
	csrr a1, sstatus
	srli a1, a1, 32
	andi a1, a1, 0xf
	CHECK 25, a1, 0x2              /* UXL visible, SXL not */
	csrw mstatus, zero
	PUTS "csr: status views ok\n"

	/* --- mip/sip, mie/sie and mideleg --- */
	csrw mie, zero
	csrw mideleg, zero
	li a0, 1 << IRQ_SSI
	csrs mip, a0
	csrr a1, mip
	andi a1, a1, 1 << IRQ_SSI
	CHECK 26, a1, 1 << IRQ_SSI
	csrr a1, sip
	CHECK 27, a1, 0                /* not delegated: invisible in sip */
	li a0, -1
	csrw mideleg, a0
	csrr a1, mideleg
	li a4, 0xaaa
	and a1, a1, a4             /* S and M bits (ignore VS bits) */
	CHECK 28, a1, 0x222
	csrr a1, sip
	andi a1, a1, 0x222
	CHECK 29, a1, 1 << IRQ_SSI
	li a0, 1 << IRQ_SSI
	csrc sip, a0
	csrr a1, mip
	andi a1, a1, 1 << IRQ_SSI
	CHECK 30, a1, 0
	li a0, (1 << IRQ_MSI) | (1 << IRQ_SSI)
	csrw mie, a0
	csrr a1, sie
	CHECK 31, a1, 1 << IRQ_SSI
	li a0, -1
	csrw sie, a0
	csrr a1, mie
	li a4, 0xaaa
	and a1, a1, a4
	CHECK 32, a1, 0x22a
	csrw mie, zero
	/* MTIP and MEIP are driven by devices, not by CSR writes */
	csrr a2, mip
	li a0, (1 << IRQ_MTI) | (1 << IRQ_MEI)
	and a2, a2, a0
	csrs mip, a0
	csrr a1, mip
	and a1, a1, a0
	CHECKR 33, a1, a2
	li a0, -1
	csrw medeleg, a0
	csrr a1, medeleg
	li a2, (1 << 8) | (1 << 12) | (1 << 13) | (1 << 15)
	and a1, a1, a2
	CHECKR 34, a1, a2              /* U ecall and page faults delegable */
	csrw medeleg, zero
	csrw mideleg, zero
	PUTS "csr: interrupt masks ok\n"

	/* --- counters: mcounteren gates S, scounteren gates U --- */
	csrw mcounteren, zero
	csrw scounteren, zero
	TO_MODE PRV_S
	ILLEGAL 35, rdcycle a0
	ILLEGAL 36, rdtime a0
	ILLEGAL 37, rdinstret a0
	TO_MODE PRV_M
	li a0, 7
	csrw mcounteren, a0
	TO_MODE PRV_S
	LEGAL 38, rdcycle a0
	LEGAL 39, rdtime a0
	LEGAL 40, rdinstret a0
	TO_MODE PRV_U
	ILLEGAL 41, rdtime a0
	TO_MODE PRV_S
	li a0, 2
	csrw scounteren, a0
	TO_MODE PRV_U
	LEGAL 42, rdtime a0
	ILLEGAL 43, rdcycle a0
	ILLEGAL 44, rdinstret a0
	TO_MODE PRV_M
	csrw mcounteren, zero
	csrw scounteren, zero
	/* time agrees with the CLINT's mtime; instret moves forward */
	li s0, CLINT_MTIME
	rdtime a0
	ld a1, 0(s0)
	rdtime a2
	sltu a3, a1, a0
	CHECK 45, a3, 0
	sltu a3, a2, a1
	CHECK 46, a3, 0
	csrr a0, minstret
	nop
	nop
	csrr a1, minstret
	sltu a3, a0, a1
	CHECK 47, a3, 1
	rdinstret a2
	sltu a3, a1, a2
	CHECK 48, a3, 1
	PUTS "csr: counters ok\n"

	/* --- WARL details --- */
	la a0, main
	ori a1, a0, 1
	csrw mtvec, a1                 /* vectored */
	csrr a2, mtvec
	CHECKR 49, a2, a1
	la a1, rt_trap
	csrw mtvec, a1
	csrr a2, mtvec
	CHECKR 50, a2, a1
	ori a1, a0, 1
	csrw stvec, a1
	csrr a2, stvec
	CHECKR 51, a2, a1
	csrw stvec, zero
	li a1, 0x80000002
	csrw mepc, a1
	csrr a2, mepc
	CHECK 52, a2, 0x80000002
	csrw sepc, a1
	csrr a2, sepc
	CHECK 53, a2, 0x80000002
	li a1, -1
	csrw pmpaddr0, a1              /* PMP writes never trap */
	li a1, 0x1f
	csrw pmpcfg0, a1
	PUTS "csr: warl ok\n"

	ld ra, 0(sp)
	addi sp, sp, 16
	li a0, 0
	ret
