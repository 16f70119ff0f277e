/* Trap paths: ecall from U/S/M, ebreak, illegal instructions (mtval holds
 * the instruction bits), privileged instructions in lower modes and the
 * TSR/TVM/TW traps, access faults on unmapped addresses, delegation to S
 * through medeleg, and the mret/sret state changes. */
#include "guest.h"

/* EXC num, cause, insn: insn must trap to M with that cause, mepc at insn.
 * Leaves the instruction address in a4. Clobbers a3, a4, t6. */
.macro EXC num, cause, insn:vararg
	la a3, trap_cause
	li a4, -1
	sd a4, 0(a3)
	EXPECT_TRAP
.Lexc\@:
	\insn
	LOADG a3, trap_cause
	CHECK \num, a3, \cause
	LOADG a3, trap_epc
	la a4, .Lexc\@
	CHECKR \num, a3, a4
.endm

/* ILLEGAL num, insn: illegal instruction with mtval = its 32-bit encoding */
.macro ILLEGAL num, insn:vararg
	EXC \num, 2, \insn
	LOADG a3, trap_tval
	lwu a4, 0(a4)
	CHECKR \num, a3, a4
.endm

/* SCAUSE num, cause, insn: insn must trap to S (delegated) */
.macro SCAUSE num, cause, insn:vararg
	la a3, strap_cause
	li a4, -1
	sd a4, 0(a3)
.Lsc\@:
	\insn
	LOADG a3, strap_cause
	CHECK \num, a3, \cause
	LOADG a3, strap_epc
	la a4, .Lsc\@
	CHECKR \num, a3, a4
.endm

	.text
	.globl main
main:
	addi sp, sp, -16
	sd ra, 0(sp)
	PUTS "traps: start\n"

	/* --- ecall from each mode (a7 = 0 is not a mode switch) --- */
	li a7, 0
	EXC 1, 11, ecall
	LOADG a3, trap_mpp
	CHECK 2, a3, PRV_M
	TO_MODE PRV_S
	li a7, 0
	EXC 3, 9, ecall
	LOADG a3, trap_mpp
	CHECK 4, a3, PRV_S
	TO_MODE PRV_U
	li a7, 0
	EXC 5, 8, ecall
	LOADG a3, trap_mpp
	CHECK 6, a3, PRV_U
	TO_MODE PRV_M
	LOADG a3, trap_count
	CHECK 7, a3, 3
	PUTS "traps: ecall ok\n"

	/* --- ebreak and illegal instructions --- */
	EXC 8, 3, ebreak
	/* mtval is 0 (QEMU) or the ebreak's address: both are legal */
	LOADG a3, trap_tval
	beqz a3, 1f
	CHECKR 9, a3, a4
1:
	ILLEGAL 10, .word 0x0000006b          /* reserved major opcode */
	ILLEGAL 11, .word 0xfe000033 | (1 << 25) /* OP with undefined funct7 */
	EXC 12, 2, .half 0x0000               /* all-zero is illegal */
	LOADG a3, trap_tval
	CHECK 13, a3, 0
	/* floating point is off (mstatus.FS = 0 from reset, or no F at all) */
	csrr a0, mstatus
	srli a0, a0, 13
	andi a0, a0, 3
	CHECK 42, a0, 0
	ILLEGAL 43, .word 0x00000053          /* fadd.s f0, f0, f0 */
	ILLEGAL 44, csrr a0, fcsr
	ILLEGAL 45, .word 0x0205151b          /* slliw with shamt[5] set */
	ILLEGAL 46, .word 0x4205551b          /* sraiw with shamt[5] set */
	PUTS "traps: illegal ok\n"

	/* --- privileged instructions from lower modes --- */
	TO_MODE PRV_U
	ILLEGAL 14, mret
	ILLEGAL 15, sret
	ILLEGAL 16, wfi
	ILLEGAL 17, sfence.vma
	TO_MODE PRV_S
	ILLEGAL 18, mret
	TO_MODE PRV_M
	li a0, 1 << 22                         /* TSR */
	csrs mstatus, a0
	TO_MODE PRV_S
	ILLEGAL 19, sret
	TO_MODE PRV_M
	li a0, (1 << 22) | (1 << 20) | (1 << 21)   /* TSR, TVM, TW */
	csrc mstatus, a0
	li a0, 1 << 20                         /* TVM */
	csrs mstatus, a0
	TO_MODE PRV_S
	ILLEGAL 20, csrr a0, satp
	ILLEGAL 21, sfence.vma
	TO_MODE PRV_M
	li a0, 1 << 20
	csrc mstatus, a0
	li a0, 1 << 21                         /* TW */
	csrs mstatus, a0
	TO_MODE PRV_S
	ILLEGAL 22, wfi
	TO_MODE PRV_M
	li a0, 1 << 21
	csrc mstatus, a0
	PUTS "traps: privileged ok\n"

	/* --- access faults: nothing is mapped there --- */
	li s0, 0x08000000
	EXC 23, 5, ld a0, 0(s0)
	LOADG a3, trap_tval
	CHECKR 23, a3, s0
	li s0, RAM_END + 0x100
	EXC 24, 5, lw a0, 0(s0)
	LOADG a3, trap_tval
	CHECKR 24, a3, s0
	EXC 25, 7, sd a0, 0(s0)
	LOADG a3, trap_tval
	CHECKR 25, a3, s0
	li s0, 0x08000010
	EXC 26, 7, sb a0, 0(s0)
	LOADG a3, trap_tval
	CHECKR 26, a3, s0
	/* fetch: the handler resumes at ra */
	la a3, trap_cause
	sd zero, 0(a3)
	EXPECT_TRAP
	li s0, 0x08000000
	jalr s0
	LOADG a3, trap_cause
	CHECK 27, a3, 1
	LOADG a3, trap_epc
	CHECKR 28, a3, s0
	LOADG a3, trap_tval
	CHECKR 29, a3, s0
	PUTS "traps: access faults ok\n"

	/* --- delegation: U ecall and illegal instructions go to S --- */
	la a0, rt_strap
	csrw stvec, a0
	li a0, (1 << 8) | (1 << 2)
	csrw medeleg, a0
	LOADG s1, trap_count
	TO_MODE PRV_U
	li a7, 0
	SCAUSE 30, 8, ecall
	SCAUSE 31, 2, .word 0x0000006b
	LOADG a3, strap_tval
	CHECK 31, a3, 0x6b
	TO_MODE PRV_S                          /* handled by S itself */
	SCAUSE 32, 2, csrr a0, mstatus
	li a7, 0
	EXC 33, 9, ecall                       /* S ecall is not delegated */
	TO_MODE PRV_M
	LOADG a3, trap_count
	sub a3, a3, s1
	CHECK 34, a3, 1                        /* only the S ecall reached M */
	LOADG a3, strap_count
	CHECK 35, a3, 4                        /* 3 traps + the U->S switch */
	csrw medeleg, zero
	PUTS "traps: delegation ok\n"

	/* --- mret: MIE <- MPIE, MPIE <- 1, MPP <- U, privilege <- MPP --- */
	li a0, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_MPRV
	csrc mstatus, a0
	li a0, MSTATUS_MPIE | MSTATUS_MPP
	csrs mstatus, a0
	la a0, 1f
	csrw mepc, a0
	mret
1:	csrr a0, mstatus
	li a1, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP
	and a0, a0, a1
	CHECK 36, a0, MSTATUS_MIE | MSTATUS_MPIE
	csrci mstatus, MSTATUS_MIE
	/* mret to S with MPRV set (priv 1.12 clears MPRV here, QEMU 7.2
	 * keeps it: not checked, only cleared again below) */
	li a0, MSTATUS_MPP
	csrc mstatus, a0
	li a0, (PRV_S << 11) | MSTATUS_MPRV
	csrs mstatus, a0
	la a0, 1f
	csrw mepc, a0
	mret
1:	ILLEGAL 37, csrr a0, mstatus           /* proves we are in S */
	LOADG a3, trap_mpp
	CHECK 38, a3, PRV_S
	/* sret in S: SIE <- SPIE, SPIE <- 1, SPP <- U */
	li a0, MSTATUS_SPP | MSTATUS_SPIE
	csrs sstatus, a0
	csrci sstatus, MSTATUS_SIE
	la a0, 1f
	csrw sepc, a0
	sret
1:	csrr a0, sstatus
	li a1, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP
	and a0, a0, a1
	CHECK 39, a0, MSTATUS_SIE | MSTATUS_SPIE
	csrci sstatus, MSTATUS_SIE
	/* sret with SPP = U lands in U */
	la a0, 1f
	csrw sepc, a0
	sret
1:	ILLEGAL 40, csrr a0, sstatus
	LOADG a3, trap_mpp
	CHECK 41, a3, PRV_U
	TO_MODE PRV_M
	li a0, MSTATUS_MPRV
	csrc mstatus, a0
	PUTS "traps: mret/sret ok\n"

	ld ra, 0(sp)
	addi sp, sp, 16
	li a0, 0
	ret
