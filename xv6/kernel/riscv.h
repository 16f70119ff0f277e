// RISC-V privileged-architecture constants and CSR accessors.
#pragma once


#define MSTATUS_MPP_MASK (3L << 11)
#define MSTATUS_MPP_S (1L << 11)
#define MSTATUS_MIE (1L << 3)

#define SSTATUS_SPP (1L << 8)   // trap came from S-mode
#define SSTATUS_SPIE (1L << 5)
#define SSTATUS_SIE (1L << 1)
#define SSTATUS_SUM (1L << 18)

#define MIE_MTIE (1L << 7)
#define SIE_SSIE (1L << 1)
#define SIE_STIE (1L << 5)
#define SIE_SEIE (1L << 9)
#define SIP_SSIP (1L << 1)

#define MENVCFG_STCE (1L << 63)

// scause values (interrupt bit set for the first three).
#define SCAUSE_INTR (1L << 63)
#define IRQ_SSOFT 1
#define IRQ_STIMER 5
#define IRQ_SEXT 9
#define EXC_ECALL_U 8

// Sv39 paging.
#define PGSIZE 4096
#define PGSHIFT 12
#define PGROUNDUP(a) (((a) + PGSIZE - 1) & ~((uint64)PGSIZE - 1))
#define PGROUNDDOWN(a) ((a) & ~((uint64)PGSIZE - 1))

#define PTE_V (1L << 0)
#define PTE_R (1L << 1)
#define PTE_W (1L << 2)
#define PTE_X (1L << 3)
#define PTE_U (1L << 4)

#define PA2PTE(pa) ((((uint64)(pa)) >> 12) << 10)
#define PTE2PA(pte) (((pte) >> 10) << 12)
#define PTE_FLAGS(pte) ((pte) & 0x3FF)
#define PX(level, va) ((((uint64)(va)) >> (PGSHIFT + 9 * (level))) & 0x1FF)

#define SATP_SV39 (8L << 60)
#define MAKE_SATP(pt) (SATP_SV39 | (((uint64)(pt)) >> 12))

// One beyond the highest usable virtual address: we avoid VAs with bit 38
// set so no sign extension is needed.
#define MAXVA (1L << 38)

#ifndef __ASSEMBLER__
#include "types.h"


// CSR_RW(name) defines r_name() and w_name(v) for one CSR.
#define CSR_RW(csr)                                                     \
  static inline uint64 r_##csr(void) {                                  \
    uint64 v;                                                           \
    asm volatile("csrr %0, " #csr : "=r"(v));                           \
    return v;                                                           \
  }                                                                     \
  static inline void w_##csr(uint64 v) { asm volatile("csrw " #csr ", %0" : : "r"(v)); }

CSR_RW(mhartid)
CSR_RW(mstatus)
CSR_RW(mepc)
CSR_RW(medeleg)
CSR_RW(mideleg)
CSR_RW(mie)
CSR_RW(mtvec)
CSR_RW(mscratch)
CSR_RW(mcounteren)
CSR_RW(pmpcfg0)
CSR_RW(pmpaddr0)
CSR_RW(sstatus)
CSR_RW(sepc)
CSR_RW(sie)
CSR_RW(stvec)
CSR_RW(scause)
CSR_RW(stval)
CSR_RW(satp)
CSR_RW(time)

// Registers by number: older assemblers do not know these names.
static inline void w_menvcfg(uint64 v) { asm volatile("csrw 0x30a, %0" : : "r"(v)); }
static inline uint64 r_menvcfg(void) { uint64 v; asm volatile("csrr %0, 0x30a" : "=r"(v)); return v; }
static inline void w_stimecmp(uint64 v) { asm volatile("csrw 0x14d, %0" : : "r"(v)); }

static inline uint64 r_tp(void) { uint64 v; asm volatile("mv %0, tp" : "=r"(v)); return v; }
static inline void w_tp(uint64 v) { asm volatile("mv tp, %0" : : "r"(v)); }

static inline void sfence_vma(void) { asm volatile("sfence.vma zero, zero"); }

static inline void intr_on(void) { w_sstatus(r_sstatus() | SSTATUS_SIE); }
static inline void intr_off(void) { w_sstatus(r_sstatus() & ~SSTATUS_SIE); }
static inline int intr_get(void) { return (r_sstatus() & SSTATUS_SIE) != 0; }

#endif
