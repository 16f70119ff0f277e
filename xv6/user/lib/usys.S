# System call stubs: number in a7, arguments already in a0..a5, result in a0.
#include "syscall.h"

#define stub(name) .globl name; name: li a7, SYS_##name; ecall; ret

        stub(fork)
        stub(exit)
        stub(wait)
        stub(pipe)
        stub(read)
        stub(write)
        stub(close)
        stub(kill)
        stub(exec)
        stub(open)
        stub(mknod)
        stub(unlink)
        stub(fstat)
        stub(link)
        stub(mkdir)
        stub(chdir)
        stub(dup)
        stub(getpid)
        stub(sbrk)
        stub(sleep)
        stub(uptime)
        stub(connect)
        stub(shutdown)
