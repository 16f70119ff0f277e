/* Runtime shared by every guest test program: entry, trap handlers that
 * record what happened, console output and the finisher exit. */
#include "guest.h"

	.section .text.init
	.globl _start
_start:
	.option push
	.option norelax
	la gp, __global_pointer$
	.option pop
	csrw mie, zero
	la t0, rt_trap
	csrw mtvec, t0
	csrr t0, mhartid
	/* sp = _stack_top - hartid*16K; trap stacks likewise 4K each */
	la sp, _stack_top
	slli t1, t0, 14
	sub sp, sp, t1
	slli t1, t0, 12
	la t2, _mtrap_stack_top
	sub t2, t2, t1
	csrw mscratch, t2
	la t2, _strap_stack_top
	sub t2, t2, t1
	csrw sscratch, t2
	/* QEMU implements PMP entries: open the whole space to S/U. On a
	 * machine with zero PMP entries these writes are simply ignored. */
	li t1, -1
	csrw pmpaddr0, t1
	li t1, 0x1f
	csrw pmpcfg0, t1
	bnez t0, 2f
	la t1, _bss_start
	la t2, _bss_end
1:	bgeu t1, t2, 3f
	sd zero, 0(t1)
	addi t1, t1, 8
	j 1b
3:	call main
	j rt_exit
2:	mv a0, t0
	call secondary_main
	j rt_park

/* Default for programs that do not use more harts: park forever. */
	.weak secondary_main
secondary_main:
rt_park:
	csrw mie, zero
1:	wfi
	j 1b

	.text
/* rt_exit(a0 = code): 0 -> "PASS" and finisher pass, else fail code. */
	.globl rt_exit
rt_exit:
	mv s0, a0
	bnez s0, 1f
	PUTS "PASS\n"
	li t0, FINISH_PASS
	j 2f
1:	PUTS "FAIL code "
	mv a0, s0
	call rt_putdec
	PUTS "\n"
	slli t0, s0, 16
	li t1, FINISH_FAIL
	or t0, t0, t1
2:	li t1, FINISHER
	sw t0, 0(t1)
3:	j 3b

/* rt_check(a0 = num, a1 = got, a2 = want), C-callable. */
	.globl rt_check
rt_check:
	bne a1, a2, rt_check_failed
	ret

/* a0 = check number, a1 = got, a2 = want. Never returns. */
	.globl rt_check_failed
rt_check_failed:
	mv s0, a0
	mv s1, a1
	mv s2, a2
	PUTS "FAIL check "
	mv a0, s0
	call rt_putdec
	PUTS ": got "
	mv a0, s1
	call rt_puthex
	PUTS " want "
	mv a0, s2
	call rt_puthex
	PUTS "\n"
	slli t0, s0, 16
	li t1, FINISH_FAIL
	or t0, t0, t1
	li t1, FINISHER
	sw t0, 0(t1)
1:	j 1b

/* ---- console: every routine preserves all registers but a0 ---- */
	.globl rt_putc
rt_putc:
	addi sp, sp, -16
	sd t0, 0(sp)
	sd t1, 8(sp)
	li t0, UART0
1:	lbu t1, 5(t0)
	andi t1, t1, 0x20
	beqz t1, 1b
	sb a0, 0(t0)
	ld t0, 0(sp)
	ld t1, 8(sp)
	addi sp, sp, 16
	ret

	.globl rt_puts
rt_puts:
	addi sp, sp, -32
	sd ra, 0(sp)
	sd s0, 8(sp)
	sd a0, 16(sp)
	mv s0, a0
1:	lbu a0, 0(s0)
	beqz a0, 2f
	call rt_putc
	addi s0, s0, 1
	j 1b
2:	ld ra, 0(sp)
	ld s0, 8(sp)
	ld a0, 16(sp)
	addi sp, sp, 32
	ret

/* "0x" followed by the hex digits without leading zeros */
	.globl rt_puthex
rt_puthex:
	addi sp, sp, -48
	sd ra, 0(sp)
	sd s0, 8(sp)
	sd s1, 16(sp)
	sd a0, 24(sp)
	sd s2, 32(sp)
	mv s0, a0
	li a0, '0'
	call rt_putc
	li a0, 'x'
	call rt_putc
	li s1, 60
	li s2, 0            /* printed a digit yet */
1:	srl a0, s0, s1
	andi a0, a0, 15
	bnez s2, 2f
	bnez a0, 2f
	beqz s1, 2f
	j 4f
2:	li s2, 1
	li t6, 10
	blt a0, t6, 3f
	addi a0, a0, 'a' - '0' - 10
3:	addi a0, a0, '0'
	call rt_putc
4:	addi s1, s1, -4
	bgez s1, 1b
	ld ra, 0(sp)
	ld s0, 8(sp)
	ld s1, 16(sp)
	ld a0, 24(sp)
	ld s2, 32(sp)
	addi sp, sp, 48
	ret

	.globl rt_putdec
rt_putdec:
	addi sp, sp, -64
	sd ra, 0(sp)
	sd s0, 8(sp)
	sd s1, 16(sp)
	sd a0, 24(sp)
	sd t0, 32(sp)
	mv s0, a0
	addi s1, sp, 63      /* digits are built backwards in 40..63 */
	sb zero, 0(s1)
	li t0, 10
1:	remu a0, s0, t0
	addi a0, a0, '0'
	addi s1, s1, -1
	sb a0, 0(s1)
	divu s0, s0, t0
	bnez s0, 1b
	mv a0, s1
	call rt_puts
	ld ra, 0(sp)
	ld s0, 8(sp)
	ld s1, 16(sp)
	ld a0, 24(sp)
	ld t0, 32(sp)
	addi sp, sp, 64
	ret

/* ---- M-mode trap handler ----
 * - ecall with a7 = MODE_MAGIC+m: resume after the ecall in mode m.
 * - interrupts: call irq_hook(mcause) if set.
 * - other exceptions: only when armed by EXPECT_TRAP (trap_expected != 0):
 *   record cause/epc/tval/previous mode, then resume after the faulting
 *   instruction (or at ra for instruction-fetch faults). */
	.align 6
	.globl rt_trap
rt_trap:
	csrrw sp, mscratch, sp
	addi sp, sp, -144
	sd ra, 0(sp)
	sd t0, 8(sp)
	sd t1, 16(sp)
	sd t2, 24(sp)
	sd t3, 32(sp)
	sd t4, 40(sp)
	sd t5, 48(sp)
	sd t6, 56(sp)
	sd a0, 64(sp)
	sd a1, 72(sp)
	sd a2, 80(sp)
	sd a3, 88(sp)
	sd a4, 96(sp)
	sd a5, 104(sp)
	sd a6, 112(sp)
	sd a7, 120(sp)
	csrr t0, mcause
	bltz t0, .Lm_irq
	li t1, 8
	bltu t0, t1, .Lm_exc
	li t1, 11
	bgtu t0, t1, .Lm_exc
	li t2, MODE_MAGIC
	sub t2, a7, t2
	li t1, 4
	bgeu t2, t1, .Lm_exc
	/* mode switch */
	csrr t3, mstatus
	li t4, MSTATUS_MPP
	not t4, t4
	and t3, t3, t4
	slli t2, t2, 11
	or t3, t3, t2
	csrw mstatus, t3
	csrr t1, mepc
	addi t1, t1, 4
	csrw mepc, t1
	j .Lm_ret
.Lm_exc:
	la t1, trap_expected
	ld t2, 0(t1)
	beqz t2, .Lm_unexpected
	sd zero, 0(t1)
	la t1, trap_cause
	sd t0, 0(t1)
	csrr t2, mepc
	la t1, trap_epc
	sd t2, 0(t1)
	csrr t3, mtval
	la t1, trap_tval
	sd t3, 0(t1)
	csrr t3, mstatus
	srli t3, t3, 11
	andi t3, t3, 3
	la t1, trap_mpp
	sd t3, 0(t1)
	la t1, trap_count
	ld t4, 0(t1)
	addi t4, t4, 1
	sd t4, 0(t1)
	/* resume point */
	beqz t0, .Lm_fetchfault
	li t1, 1
	beq t0, t1, .Lm_fetchfault
	li t1, 12
	beq t0, t1, .Lm_fetchfault
	li t4, 4
	beqz t3, 1f          /* from U: user code is built without RVC */
	lhu t5, 0(t2)
	andi t5, t5, 3
	li t1, 3
	beq t5, t1, 1f
	li t4, 2
1:	add t2, t2, t4
	csrw mepc, t2
	j .Lm_ret
.Lm_fetchfault:
	ld t1, 0(sp)         /* the caller's ra */
	csrw mepc, t1
	j .Lm_ret
.Lm_irq:
	la t1, irq_hook
	ld t1, 0(t1)
	beqz t1, .Lm_unexpected
	mv a0, t0
	jalr t1
.Lm_ret:
	ld ra, 0(sp)
	ld t0, 8(sp)
	ld t1, 16(sp)
	ld t2, 24(sp)
	ld t3, 32(sp)
	ld t4, 40(sp)
	ld t5, 48(sp)
	ld t6, 56(sp)
	ld a0, 64(sp)
	ld a1, 72(sp)
	ld a2, 80(sp)
	ld a3, 88(sp)
	ld a4, 96(sp)
	ld a5, 104(sp)
	ld a6, 112(sp)
	ld a7, 120(sp)
	addi sp, sp, 144
	csrrw sp, mscratch, sp
	mret
.Lm_unexpected:
	PUTS "unexpected trap mcause="
	csrr a0, mcause
	call rt_puthex
	PUTS " mepc="
	csrr a0, mepc
	call rt_puthex
	PUTS " mtval="
	csrr a0, mtval
	call rt_puthex
	PUTS "\n"
	li a0, 255
	j rt_exit

/* ---- S-mode trap handler (for delegated traps) ----
 * Records every trap in strap_*; ecall magic switches to U or S;
 * interrupts: SSI clears sip.SSIP, STI disarms stimecmp, others call
 * sirq_hook. Exceptions resume after the faulting instruction. */
	.align 6
	.globl rt_strap
rt_strap:
	csrrw sp, sscratch, sp
	addi sp, sp, -144
	sd ra, 0(sp)
	sd t0, 8(sp)
	sd t1, 16(sp)
	sd t2, 24(sp)
	sd t3, 32(sp)
	sd t4, 40(sp)
	sd t5, 48(sp)
	sd t6, 56(sp)
	sd a0, 64(sp)
	sd a1, 72(sp)
	sd a2, 80(sp)
	sd a3, 88(sp)
	sd a4, 96(sp)
	sd a5, 104(sp)
	sd a6, 112(sp)
	sd a7, 120(sp)
	csrr t0, scause
	la t1, strap_cause
	sd t0, 0(t1)
	csrr t2, sepc
	la t1, strap_epc
	sd t2, 0(t1)
	csrr t3, stval
	la t1, strap_tval
	sd t3, 0(t1)
	la t1, strap_count
	ld t4, 0(t1)
	addi t4, t4, 1
	sd t4, 0(t1)
	bltz t0, .Ls_irq
	li t1, 8
	beq t0, t1, .Ls_ecall
	li t1, 9
	beq t0, t1, .Ls_ecall
	j .Ls_skip
.Ls_ecall:
	li t2, MODE_MAGIC
	sub t2, a7, t2
	li t1, 2
	bgeu t2, t1, .Ls_skip
	li t1, MSTATUS_SPP
	csrc sstatus, t1
	beqz t2, .Ls_skip
	csrs sstatus, t1
.Ls_skip:
	csrr t2, sepc
	csrr t3, sstatus
	andi t3, t3, MSTATUS_SPP
	li t4, 4
	beqz t3, 1f          /* from U: user code is built without RVC */
	lhu t5, 0(t2)
	andi t5, t5, 3
	li t1, 3
	beq t5, t1, 1f
	li t4, 2
1:	add t2, t2, t4
	csrw sepc, t2
	j .Ls_ret
.Ls_irq:
	slli t0, t0, 1
	srli t0, t0, 1
	li t1, IRQ_SSI
	bne t0, t1, 1f
	li t1, 1 << IRQ_SSI
	csrc sip, t1
	j .Ls_ret
1:	li t1, IRQ_STI
	bne t0, t1, 2f
	li t1, -1
	csrw CSR_STIMECMP, t1
	j .Ls_ret
2:	la t1, sirq_hook
	ld t1, 0(t1)
	beqz t1, .Ls_ret
	mv a0, t0
	jalr t1
.Ls_ret:
	ld ra, 0(sp)
	ld t0, 8(sp)
	ld t1, 16(sp)
	ld t2, 24(sp)
	ld t3, 32(sp)
	ld t4, 40(sp)
	ld t5, 48(sp)
	ld t6, 56(sp)
	ld a0, 64(sp)
	ld a1, 72(sp)
	ld a2, 80(sp)
	ld a3, 88(sp)
	ld a4, 96(sp)
	ld a5, 104(sp)
	ld a6, 112(sp)
	ld a7, 120(sp)
	addi sp, sp, 144
	csrrw sp, sscratch, sp
	sret

	.bss
	.align 3
	.globl trap_expected, trap_count, trap_cause, trap_epc, trap_tval, trap_mpp
	.globl strap_count, strap_cause, strap_epc, strap_tval, irq_hook, sirq_hook
trap_expected: .dword 0
trap_count:    .dword 0
trap_cause:    .dword 0
trap_epc:      .dword 0
trap_tval:     .dword 0
trap_mpp:      .dword 0
strap_count:   .dword 0
strap_cause:   .dword 0
strap_epc:     .dword 0
strap_tval:    .dword 0
irq_hook:      .dword 0
sirq_hook:     .dword 0
