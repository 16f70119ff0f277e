// The user-space C library: system calls and a few helpers.
#pragma once
#include "types.h"
#include "stat.h"
#include "fcntl.h"

// System calls (lib/usys.S).
int fork(void);
int exit(int status) __attribute__((noreturn));
int wait(int *status);
int pipe(int *fds);
int write(int fd, const void *buf, int n);
int read(int fd, void *buf, int n);
int close(int fd);
int kill(int pid);
int exec(const char *path, char **argv);
int open(const char *path, int omode);
int mknod(const char *path, short major, short minor);
int unlink(const char *path);
int fstat(int fd, struct stat *st);
int link(const char *old, const char *new);
int mkdir(const char *path);
int chdir(const char *path);
int dup(int fd);
int getpid(void);
char *sbrk(int n);
int sleep(int ticks);
int uptime(void);
int connect(uint32 raddr, uint16 lport, uint16 rport);
int shutdown(int how); // 0: power off, 1: reset (reboot)

// lib/string.c
int stat(const char *path, struct stat *st);
char *strcpy(char *dst, const char *src);
void *memmove(void *dst, const void *src, int n);
void *memcpy(void *dst, const void *src, uint n);
char *strchr(const char *s, char c);
int strcmp(const char *a, const char *b);
uint strlen(const char *s);
void *memset(void *dst, int c, uint n);
int memcmp(const void *a, const void *b, uint n);
char *gets(char *buf, int max);
int atoi(const char *s);

// lib/printf.c: %d %u %x %p %s %c %%, optional l
void fprintf(int fd, const char *fmt, ...);
void printf(const char *fmt, ...);

// lib/malloc.c
void *malloc(uint n);
void free(void *p);
