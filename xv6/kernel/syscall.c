// System call dispatch. Convention: a7 = number, a0..a5 = arguments,
// result in a0 (-1 for errors).
#include "defs.h"
#include "syscall.h"

// Fetch the uint64 at user address addr.
int fetchaddr(uint64 addr, uint64 *ip) {
  struct proc *p = myproc();
  if (addr >= p->sz || addr + sizeof(uint64) > p->sz)
    return -1;
  return copyin(p->pagetable, (char *)ip, addr, sizeof(*ip));
}

// Fetch a NUL-terminated string; returns its length or -1.
int fetchstr(uint64 addr, char *buf, int max) {
  if (copyinstr(myproc()->pagetable, buf, addr, max) < 0)
    return -1;
  return strlen(buf);
}

static uint64 argraw(int n) {
  return myproc()->trapframe->x[TF_A0 + n];
}

void argint(int n, int *ip) {
  *ip = argraw(n);
}

// Addresses are checked when used (copyin/copyout), not here.
void argaddr(int n, uint64 *ap) {
  *ap = argraw(n);
}

int argstr(int n, char *buf, int max) {
  return fetchstr(argraw(n), buf, max);
}

uint64 sys_fork(void), sys_exit(void), sys_wait(void), sys_pipe(void),
    sys_read(void), sys_kill(void), sys_exec(void), sys_fstat(void),
    sys_chdir(void), sys_dup(void), sys_getpid(void), sys_sbrk(void),
    sys_sleep(void), sys_uptime(void), sys_open(void), sys_write(void),
    sys_mknod(void), sys_unlink(void), sys_link(void), sys_mkdir(void),
    sys_close(void), sys_shutdown(void);

static uint64 (*const handlers[])(void) = {
    [SYS_fork] = sys_fork,       [SYS_exit] = sys_exit,     [SYS_wait] = sys_wait,
    [SYS_pipe] = sys_pipe,       [SYS_read] = sys_read,     [SYS_kill] = sys_kill,
    [SYS_exec] = sys_exec,       [SYS_fstat] = sys_fstat,   [SYS_chdir] = sys_chdir,
    [SYS_dup] = sys_dup,         [SYS_getpid] = sys_getpid, [SYS_sbrk] = sys_sbrk,
    [SYS_sleep] = sys_sleep,     [SYS_uptime] = sys_uptime, [SYS_open] = sys_open,
    [SYS_write] = sys_write,     [SYS_mknod] = sys_mknod,   [SYS_unlink] = sys_unlink,
    [SYS_link] = sys_link,       [SYS_mkdir] = sys_mkdir,   [SYS_close] = sys_close,
    [SYS_connect] = sys_connect, [SYS_shutdown] = sys_shutdown,
};

void syscall(void) {
  struct proc *p = myproc();
  uint64 num = p->trapframe->x[TF_A7];
  if (num < NELEM(handlers) && handlers[num]) {
    p->trapframe->x[TF_A0] = handlers[num]();
  } else {
    printf("pid %d %s: unknown system call %d\n", p->pid, p->name, (int)num);
    p->trapframe->x[TF_A0] = -1;
  }
}
