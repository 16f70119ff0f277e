# The trampoline page: mapped at the same virtual address (TRAMPOLINE) in
# the kernel and every user page table, so the code keeps running while
# satp switches. Trapframe layout: struct trapframe in proc.h.

# TRAPFRAME = MAXVA - 2*PGSIZE = (1<<38) - 0x2000 (memlayout.h)
#define TF 0x3fffffe000

        .section .trampoline, "ax"
        .globl uservec
        .align 4
uservec:
        # stvec points here while in user mode. Save the user registers
        # into the trapframe, then switch to the kernel table and stack.
        csrw sscratch, a0
        li a0, TF
        .irp r, 1,2,3,4,5,6,7,8,9,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        sd x\r, (8*\r)(a0)
        .endr
        csrr t0, sscratch
        sd t0, 80(a0)
        ld sp, 264(a0)
        ld tp, 288(a0)
        ld t0, 272(a0)
        ld t1, 256(a0)
        sfence.vma zero, zero
        csrw satp, t1
        sfence.vma zero, zero
        jr t0

        .globl userret
userret:
        # userret(satp): switch to the user table, restore the user
        # registers from the trapframe, return to user mode.
        sfence.vma zero, zero
        csrw satp, a0
        sfence.vma zero, zero
        li a0, TF
        .irp r, 1,2,3,4,5,6,7,8,9,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        ld x\r, (8*\r)(a0)
        .endr
        ld a0, 80(a0)
        sret
