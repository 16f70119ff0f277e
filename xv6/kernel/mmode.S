# Machine-mode trap handlers. Nothing here runs once the kernel is up
# except mtimer, and that only on the CLINT timer path.

# mskip: step over a trapping instruction. Installed while mstart probes
# CSRs that a machine may not implement (PMP, menvcfg, stimecmp).
        .globl mskip
        .align 2
mskip:
        csrrw t0, mscratch, t0
        csrr t0, mepc
        addi t0, t0, 4
        csrw mepc, t0
        csrrw t0, mscratch, t0
        mret

# mtimer: CLINT timer interrupt. Re-arm this hart's mtimecmp one interval
# from now and pass the tick to S-mode as a software interrupt.
# mscratch points at the hart's row of mtimer_scratch:
# [0..2] saved a1..a3, [3] address of mtimecmp, [4] interval.
        .globl mtimer
        .align 2
mtimer:
        csrrw a0, mscratch, a0
        sd a1, 0(a0)
        sd a2, 8(a0)
        sd a3, 16(a0)
        li a1, 0x200bff8
        ld a2, 0(a1)
        ld a3, 32(a0)
        add a2, a2, a3
        ld a1, 24(a0)
        sd a2, 0(a1)
        # Set SSIP through sip, which shows only the S-level bits. A csrs
        # on mip must leave SEIP's software bit alone even while the PLIC
        # asserts SEIP; an emulator that latches it storms S-mode with
        # external interrupts that claim nothing.
        li a1, 2
        csrs sip, a1
        ld a3, 16(a0)
        ld a2, 8(a0)
        ld a1, 0(a0)
        csrrw a0, mscratch, a0
        mret
