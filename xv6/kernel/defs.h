// Every kernel function used outside its own file, grouped by file.
#pragma once

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "fs.h"
#include "file.h"
#include "proc.h"

struct buf;
struct stat;
struct pipe;
struct sock;

// bio.c
void binit(void);
struct buf *bread(uint dev, uint blockno);
void bwrite(struct buf *b);
void brelse(struct buf *b);

// console.c
void consoleinit(void);
void consoleintr(int c);
void consputc(int c);

// exec.c
int exec(char *path, char **argv);

// file.c
void fileinit(void);
struct file *filealloc(void);
struct file *filedup(struct file *f);
void fileclose(struct file *f);
int filestat(struct file *f, uint64 addr);
int fileread(struct file *f, uint64 addr, int n);
int filewrite(struct file *f, uint64 addr, int n);

// fs.c
void fsinit(int dev);
struct inode *ialloc(uint dev, short type);
struct inode *idup(struct inode *ip);
void ilock(struct inode *ip);
void iunlock(struct inode *ip);
void iput(struct inode *ip);
void iunlockput(struct inode *ip);
void iupdate(struct inode *ip);
void itrunc(struct inode *ip);
void stati(struct inode *ip, struct stat *st);
int readi(struct inode *ip, int user_dst, uint64 dst, uint off, uint n);
int writei(struct inode *ip, int user_src, uint64 src, uint off, uint n);
struct inode *dirlookup(struct inode *dp, char *name, uint *poff);
int dirlink(struct inode *dp, char *name, uint inum);
int namecmp(const char *s, const char *t);
struct inode *namei(char *path);
struct inode *nameiparent(char *path, char *name);

// kalloc.c
void kinit(void);
void *kalloc(void);
void kfree(void *pa);

// pipe.c
int pipealloc(struct file **rf, struct file **wf);
void pipeclose(struct pipe *pi, int writable);
int piperead(struct pipe *pi, uint64 addr, int n);
int pipewrite(struct pipe *pi, uint64 addr, int n);

// plic.c
void plicinit(void);
void plicinithart(void);
int plic_claim(void);
void plic_complete(int irq);

// printf.c
void printf(char *fmt, ...);
void panic(char *s) __attribute__((noreturn));
void printfinit(void);

// proc.c
void procinit(void);
int cpuid(void);
struct cpu *mycpu(void);
struct proc *myproc(void);
void userinit(void);
int growproc(int n);
int fork(void);
void exit(int status) __attribute__((noreturn));
int wait(uint64 addr);
int kill(int pid);
int killed(struct proc *p);
void setkilled(struct proc *p);
void scheduler(void) __attribute__((noreturn));
void yield(void);
void sleep(void *chan, struct spinlock *lk);
void wakeup(void *chan);
pagetable_t proc_pagetable(struct proc *p);
void proc_freepagetable(pagetable_t pt, uint64 sz);
int either_copyout(int user_dst, uint64 dst, void *src, uint64 len);
int either_copyin(void *dst, int user_src, uint64 src, uint64 len);

// swtch.S
void swtch(struct context *from, struct context *to);

// spinlock.c
void initlock(struct spinlock *lk, char *name);
void acquire(struct spinlock *lk);
void release(struct spinlock *lk);
int holding(struct spinlock *lk);
void push_off(void);
void pop_off(void);

// sleeplock.c
void initsleeplock(struct sleeplock *lk, char *name);
void acquiresleep(struct sleeplock *lk);
void releasesleep(struct sleeplock *lk);
int holdingsleep(struct sleeplock *lk);

// string.c
void *memset(void *dst, int c, uint n);
void *memmove(void *dst, const void *src, uint n);
void *memcpy(void *dst, const void *src, uint n);
int memcmp(const void *a, const void *b, uint n);
int strlen(const char *s);
int strncmp(const char *a, const char *b, uint n);
char *strncpy(char *dst, const char *src, int n);
char *safestrcpy(char *dst, const char *src, int n);

// syscall.c
void syscall(void);
void argint(int n, int *ip);
void argaddr(int n, uint64 *ap);
int argstr(int n, char *buf, int max);
int fetchaddr(uint64 addr, uint64 *ip);
int fetchstr(uint64 addr, char *buf, int max);

// sysfile.c
int fdalloc(struct file *f);

// trap.c
extern uint ticks;
extern struct spinlock tickslock;
void trapinithart(void);
void usertrapret(void) __attribute__((noreturn));

// uart.c
void uartinit(void);
void uartputc(int c);
void uartintr(void);

// virtio_disk.c
void virtio_disk_init(void);
void virtio_disk_rw(struct buf *b, int write);
void virtio_disk_intr(void);

// vm.c
void kvminit(void);
void kvminithart(void);
pte_t *walk(pagetable_t pt, uint64 va, int alloc);
uint64 walkaddr(pagetable_t pt, uint64 va);
int mappages(pagetable_t pt, uint64 va, uint64 size, uint64 pa, int perm);
pagetable_t uvmcreate(void);
uint64 uvmalloc(pagetable_t pt, uint64 oldsz, uint64 newsz, int xperm);
uint64 uvmdealloc(pagetable_t pt, uint64 oldsz, uint64 newsz);
int uvmcopy(pagetable_t from, pagetable_t to, uint64 sz);
void uvmfree(pagetable_t pt, uint64 sz);
void uvmunmap(pagetable_t pt, uint64 va, uint64 npages, int do_free);
void uvmclear(pagetable_t pt, uint64 va);
int copyout(pagetable_t pt, uint64 dstva, char *src, uint64 len);
int copyin(pagetable_t pt, char *dst, uint64 srcva, uint64 len);
int copyinstr(pagetable_t pt, char *dst, uint64 srcva, uint64 max);

// Net lab (xv6/kernel/net/); netstub.c holds weak no-op versions.
void pci_init(void);
void sockinit(void);
void e1000_intr(void);
int sockread(struct sock *s, uint64 addr, int n);
int sockwrite(struct sock *s, uint64 addr, int n);
void sockclose(struct sock *s);
uint64 sys_connect(void);

#define NELEM(x) (sizeof(x) / sizeof((x)[0]))
