// Traps: system calls, device and timer interrupts, faults, from user mode
// (via trampoline.S) and from the kernel (via kernelvec.S).
#include "defs.h"
#include "memlayout.h"

struct spinlock tickslock;
uint ticks;

extern char trampoline[], uservec[], userret[];
void kernelvec(void);

void trapinithart(void) {
  static int once;
  if (!once++)
    initlock(&tickslock, "ticks");
  w_stvec((uint64)kernelvec);
}

static void clockintr(void) {
  if (cpuid() == 0) {
    acquire(&tickslock);
    ticks++;
    wakeup(&ticks);
    release(&tickslock);
  }
}

// Handle an interrupt if scause names one we know.
// Returns 2 for a timer tick, 1 for a device, 0 otherwise.
static int devintr(void) {
  uint64 scause = r_scause();
  if (scause == (SCAUSE_INTR | IRQ_SEXT)) {
    int irq = plic_claim();
    if (irq == UART0_IRQ)
      uartintr();
    else if (irq == VIRTIO0_IRQ)
      virtio_disk_intr();
    else if (irq == E1000_IRQ)
      e1000_intr();
    if (irq)
      plic_complete(irq);
    return 1;
  }
  if (scause == (SCAUSE_INTR | IRQ_STIMER)) {
    // Sstc: re-arming stimecmp also clears the pending bit.
    w_stimecmp(r_time() + TICK_INTERVAL);
    clockintr();
    return 2;
  }
  if (scause == (SCAUSE_INTR | IRQ_SSOFT)) {
    // CLINT path: mtimer in mmode.S forwarded the tick.
    // One atomic clear: mtimer may set the bit again at any moment.
    asm volatile("csrc sip, %0" : : "r"(SIP_SSIP));
    clockintr();
    return 2;
  }
  return 0;
}

// Called from uservec (trampoline.S) on the kernel stack, kernel table.
void usertrap(void) {
  if (r_sstatus() & SSTATUS_SPP)
    panic("usertrap: not from user mode");
  w_stvec((uint64)kernelvec);

  struct proc *p = myproc();
  p->trapframe->epc = r_sepc();
  int which = 0;
  if (r_scause() == EXC_ECALL_U) {
    if (killed(p))
      exit(-1);
    p->trapframe->epc += 4;  // return past the ecall
    intr_on();
    syscall();
  } else if ((which = devintr()) == 0) {
    printf("pid %d %s: fault scause %lx sepc %lx stval %lx\n", p->pid, p->name,
           r_scause(), r_sepc(), r_stval());
    setkilled(p);
  }
  if (killed(p))
    exit(-1);
  if (which == 2)
    yield();
  usertrapret();
}

// Return to user mode through userret in the trampoline.
void usertrapret(void) {
  struct proc *p = myproc();
  intr_off();  // until sret: a trap now would go to uservec in kernel mode
  w_stvec(TRAMPOLINE + (uservec - trampoline));

  struct trapframe *tf = p->trapframe;
  tf->kernel_satp = r_satp();
  tf->kernel_sp = p->kstack + PGSIZE;
  tf->kernel_trap = (uint64)usertrap;
  tf->kernel_hartid = r_tp();

  w_sstatus((r_sstatus() & ~SSTATUS_SPP) | SSTATUS_SPIE);  // sret to U, interrupts on
  w_sepc(tf->epc);

  uint64 satp = MAKE_SATP(p->pagetable);
  void (*to_user)(uint64) = (void (*)(uint64))(TRAMPOLINE + (userret - trampoline));
  to_user(satp);
  __builtin_unreachable();
}

// Traps taken in S-mode: only interrupts are expected.
void kerneltrap(void) {
  uint64 sepc = r_sepc();
  uint64 sstatus = r_sstatus();
  if ((sstatus & SSTATUS_SPP) == 0)
    panic("kerneltrap: not from S-mode");
  if (intr_get())
    panic("kerneltrap: interrupts on");
  int which = devintr();
  if (which == 0) {
    printf("scause %lx sepc %lx stval %lx\n", r_scause(), sepc, r_stval());
    panic("kerneltrap");
  }
  if (which == 2 && myproc() != 0)
    yield();
  // yield() may have taken other traps: restore this one's state for sret.
  w_sepc(sepc);
  w_sstatus(sstatus);
}
