# stvec while in the kernel: save every register on the current kernel
# stack, handle the trap in kerneltrap(), restore, return.
        .globl kernelvec
        .align 4
kernelvec:
        addi sp, sp, -256
        .irp r, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        sd x\r, (8*\r)(sp)
        .endr
        call kerneltrap
        # tp is not restored: if kerneltrap yielded, this thread may now
        # run on another hart, and tp must keep naming the current one.
        .irp r, 1,3,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        ld x\r, (8*\r)(sp)
        .endr
        addi sp, sp, 256
        sret
