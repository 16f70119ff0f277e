// libc side of the nettests simulation.
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "uhost.h"

int
uhost_fork(void)
{
  return fork();
}

int
uhost_wait(int *status)
{
  int raw;
  int pid = wait(&raw);
  if(pid >= 0 && status)
    *status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return pid;
}

void
uhost_exit(int status)
{
  _exit(status);  // not exit(): a forked child must not flush the parent's stdio
}

int
uhost_write(int fd, const void *buf, int n)
{
  return write(fd, buf, n);
}

const char *
uhost_getenv(const char *name)
{
  return getenv(name);
}
