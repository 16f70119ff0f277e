// Host (libc) services for running xv6's nettests as a host process. Shared
// by uhost.c (libc) and ushim.c (built against xv6's user.h with libc names
// renamed away), so it uses no libc types.
#pragma once

int uhost_fork(void);
int uhost_wait(int *status);  // status as the child passed it to exit
void uhost_exit(int status) __attribute__((noreturn));
int uhost_write(int fd, const void *buf, int n);
const char *uhost_getenv(const char *name);
