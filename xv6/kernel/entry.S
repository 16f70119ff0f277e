# First instructions of every hart, in M-mode at 0x80000000 (a0 = hartid).
# Give the hart its own boot stack, then continue in mstart.c.
        .section .text.entry
        .globl _entry
_entry:
        la sp, boot_stacks
        csrr t0, mhartid
        addi t0, t0, 1
        slli t0, t0, 12
        add sp, sp, t0
        call mstart
1:      wfi
        j 1b
