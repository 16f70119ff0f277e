/* Shared definitions for the bare-metal guest test programs.
 * Usable from assembly (.S) and, inside the !__ASSEMBLER__ part, from C. */
#ifndef GUEST_H
#define GUEST_H

/* QEMU virt board addresses (see ARCHITECTURE.md). */
#define FINISHER      0x100000
#define CLINT         0x2000000
#define CLINT_MSIP    (CLINT + 0x0)
#define CLINT_MTIMECMP (CLINT + 0x4000)
#define CLINT_MTIME   (CLINT + 0xbff8)
#define PLIC          0x0c000000
#define UART0         0x10000000
#define VIRTIO0       0x10001000
#define ECAM          0x30000000
#define RAM_BASE      0x80000000
#define RAM_END       0x88000000   /* 128 MiB */

#define FINISH_PASS   0x5555
#define FINISH_FAIL   0x3333

/* mstatus bits */
#define MSTATUS_SIE   (1 << 1)
#define MSTATUS_MIE   (1 << 3)
#define MSTATUS_SPIE  (1 << 5)
#define MSTATUS_MPIE  (1 << 7)
#define MSTATUS_SPP   (1 << 8)
#define MSTATUS_MPP   (3 << 11)
#define MSTATUS_MPRV  (1 << 17)
#define MSTATUS_SUM   (1 << 18)
#define MSTATUS_MXR   (1 << 19)

/* interrupt bits (mip/mie) */
#define IRQ_SSI 1
#define IRQ_MSI 3
#define IRQ_STI 5
#define IRQ_MTI 7
#define IRQ_SEI 9
#define IRQ_MEI 11

#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

/* ecall with a7 = MODE_MAGIC + mode switches the caller to that mode and
 * resumes after the ecall (handled by rt_trap / rt_strap). */
#define MODE_MAGIC 0x5ec0de00

#define CSR_STIMECMP  0x14d
#define CSR_MENVCFG   0x30a

#ifdef __ASSEMBLER__

/* Print a string literal; preserves every register. */
.macro PUTS str
	.pushsection .rodata.guest_str, "a"
.Lputs_str\@:
	.string "\str"
	.popsection
	addi sp, sp, -16
	sd a0, 0(sp)
	sd ra, 8(sp)
	la a0, .Lputs_str\@
	call rt_puts
	ld a0, 0(sp)
	ld ra, 8(sp)
	addi sp, sp, 16
.endm

/* CHECK num, reg, value: fail the program with check number num unless
 * reg == value. Clobbers t6 only (and everything on failure). */
.macro CHECK num, reg, value
	li t6, \value
	beq \reg, t6, .Lcheck_ok\@
	mv a1, \reg
	mv a2, t6
	li a0, \num
	j rt_check_failed
.Lcheck_ok\@:
.endm

/* CHECKR num, reg, reg2: like CHECK against a register. */
.macro CHECKR num, reg, reg2
	beq \reg, \reg2, .Lcheck_ok\@
	mv a1, \reg
	mv a2, \reg2
	li a0, \num
	j rt_check_failed
.Lcheck_ok\@:
.endm

/* LOADG reg, sym: reg = *(uint64*)sym */
.macro LOADG reg, sym
	la \reg, \sym
	ld \reg, 0(\reg)
.endm

/* Arm the runtime trap handler for exactly one expected exception. */
.macro EXPECT_TRAP
	la t6, trap_expected
	sd t6, 0(t6)
.endm

/* Bounded waits by guest time rather than loop counts, so a busy host
 * does not turn a slow interrupt delivery into a failure:
 * DEADLINE reg sets reg = mtime + 2 s; BEFORE_DEADLINE reg, label branches
 * to label while mtime < reg. Both clobber t5. */
.macro DEADLINE reg
	li t5, CLINT_MTIME
	ld \reg, 0(t5)
	li t5, 20000000
	add \reg, \reg, t5
.endm

.macro BEFORE_DEADLINE reg, label
	li t5, CLINT_MTIME
	ld t5, 0(t5)
	bltu t5, \reg, \label
.endm

/* Switch privilege mode (PRV_U/PRV_S/PRV_M) and continue inline. */
.macro TO_MODE mode
	addi sp, sp, -16
	sd a7, 0(sp)
	li a7, MODE_MAGIC + \mode
	ecall
	ld a7, 0(sp)
	addi sp, sp, 16
.endm

#else /* C */

#include <stdint.h>

typedef uint64_t u64;
typedef uint32_t u32;
typedef uint16_t u16;
typedef uint8_t u8;

void rt_puts(const char *s);
void rt_puthex(u64 v);
void rt_putdec(u64 v);
void rt_check(u64 num, u64 got, u64 want);   /* fails the program on mismatch */
void rt_exit(u64 code) __attribute__((noreturn));

extern volatile u64 trap_expected, trap_count, trap_cause, trap_epc, trap_tval, trap_mpp;
extern volatile u64 strap_count, strap_cause, strap_epc, strap_tval;

#define csr_read(csr) ({ u64 __v; __asm__ volatile("csrr %0, " #csr : "=r"(__v) :: "memory"); __v; })
#define csr_write(csr, val) __asm__ volatile("csrw " #csr ", %0" :: "rK"((u64)(val)) : "memory")
#define csr_set(csr, val) __asm__ volatile("csrs " #csr ", %0" :: "rK"((u64)(val)) : "memory")
#define csr_clear(csr, val) __asm__ volatile("csrc " #csr ", %0" :: "rK"((u64)(val)) : "memory")

static inline void to_mode(u64 mode) {
	register u64 a7 __asm__("a7") = MODE_MAGIC + mode;
	__asm__ volatile("ecall" : "+r"(a7) :: "memory");
}

static inline u32 mmio_read32(u64 a) { return *(volatile u32 *)a; }
static inline void mmio_write32(u64 a, u32 v) { *(volatile u32 *)a = v; }
static inline u64 mtime(void) { return *(volatile u64 *)CLINT_MTIME; }

#endif
#endif
