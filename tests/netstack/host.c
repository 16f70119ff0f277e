// libc side of the harness: memory pages and output.
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "host.h"

void *
host_page_alloc(void)
{
  return aligned_alloc(4096, 4096);
}

void
host_page_free(void *p)
{
  free(p);
}

void
host_vprint(const char *fmt, va_list ap)
{
  vprintf(fmt, ap);
  fflush(stdout);
}

void
host_print(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  host_vprint(fmt, ap);
  va_end(ap);
}

void
host_exit(int code)
{
  fflush(stdout);
  exit(code);
}
