// Machine-mode setup for each hart: delegate traps to S-mode, open PMP,
// start the timer, then mret into main() in S-mode.
#include "defs.h"
#include "memlayout.h"

void main(void);
void mskip(void);
void mtimer(void);

__attribute__((aligned(16))) char boot_stacks[4096 * NCPU];

// CLINT path: per-hart scratch for mtimer (layout in mmode.S).
uint64 mtimer_scratch[NCPU][5];

// Sstc is usable on this machine: S-mode programs stimecmp itself.
// Read by trap.c; written once per hart before S-mode starts.
int timer_sstc;

// Does the machine implement Sstc? Write the CSRs and read them back; with
// mskip installed, an unimplemented CSR leaves v at its initial 0.
static int probe_sstc(void) {
  uint64 v = 0;
  asm volatile("csrs 0x30a, %1\n csrr %0, 0x30a" : "+r"(v) : "r"(MENVCFG_STCE));
  if ((v & MENVCFG_STCE) == 0)
    return 0;
  v = 0;
  asm volatile("csrw 0x14d, %1\n csrr %0, 0x14d" : "+r"(v) : "r"(-1L));
  return v == (uint64)-1;
}

static void start_clint_timer(int hart) {
  uint64 *scratch = mtimer_scratch[hart];
  scratch[3] = CLINT_MTIMECMP(hart);
  scratch[4] = TICK_INTERVAL;
  *(volatile uint64 *)CLINT_MTIMECMP(hart) = *(volatile uint64 *)CLINT_MTIME + TICK_INTERVAL;
  w_mscratch((uint64)scratch);
  w_mtvec((uint64)mtimer);
  w_mstatus(r_mstatus() | MSTATUS_MIE);
  w_mie(r_mie() | MIE_MTIE);
}

void mstart(void) {
  int hart = r_mhartid();

  // PMP is optional: on a machine without it these writes trap or are ignored.
  w_mtvec((uint64)mskip);
  w_pmpaddr0(0x3fffffffffffffUL);
  w_pmpcfg0(0xf);  // TOR, R|W|X: all of memory for S and U
  int sstc = probe_sstc();
#ifdef FORCE_CLINT
  sstc = 0;
#endif
  if (!sstc && (r_menvcfg() & MENVCFG_STCE))
    w_menvcfg(r_menvcfg() & ~MENVCFG_STCE);

  w_medeleg(0xffff);
  w_mideleg(0xffff);
  w_sie(r_sie() | SIE_SEIE | SIE_STIE | SIE_SSIE);
  w_mcounteren(r_mcounteren() | 2);  // S-mode may read the time CSR
  w_satp(0);

  if (sstc) {
    timer_sstc = 1;
    w_mie(r_mie() | SIE_STIE);
    w_stimecmp(*(volatile uint64 *)CLINT_MTIME + TICK_INTERVAL);
  } else {
    start_clint_timer(hart);
  }

  w_tp(hart);  // cpuid() reads it in S-mode
  w_mstatus((r_mstatus() & ~MSTATUS_MPP_MASK) | MSTATUS_MPP_S);
  w_mepc((uint64)main);
  asm volatile("mret");
}
