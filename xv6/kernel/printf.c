// Kernel printf: %d %u %x %p %s %c %%, with an optional l on d/u/x.
#include <stdarg.h>
#include "defs.h"

static struct {
  struct spinlock lock;
  int locking;  // 0 after a panic, so a panicking hart can always print
} pr;

static void putnum(uint64 v, int base, int neg) {
  char digits[24];
  int i = 0;
  do {
    digits[i++] = "0123456789abcdef"[v % base];
    v /= base;
  } while (v);
  if (neg)
    digits[i++] = '-';
  while (--i >= 0)
    consputc(digits[i]);
}

void printf(char *fmt, ...) {
  va_list ap;
  int locking = pr.locking;
  if (locking)
    acquire(&pr.lock);
  va_start(ap, fmt);
  for (char *p = fmt; *p; p++) {
    if (*p != '%') {
      consputc(*p);
      continue;
    }
    int is_long = 0;
    if (p[1] == 'l') {
      is_long = 1;
      p++;
    }
    switch (*++p) {
    case 'd': {
      long v = is_long ? va_arg(ap, long) : va_arg(ap, int);
      putnum(v < 0 ? -v : v, 10, v < 0);
      break;
    }
    case 'u':
      putnum(is_long ? va_arg(ap, uint64) : va_arg(ap, uint), 10, 0);
      break;
    case 'x':
      putnum(is_long ? va_arg(ap, uint64) : va_arg(ap, uint), 16, 0);
      break;
    case 'p':
      consputc('0');
      consputc('x');
      putnum(va_arg(ap, uint64), 16, 0);
      break;
    case 's': {
      char *s = va_arg(ap, char *);
      for (s = s ? s : "(null)"; *s; s++)
        consputc(*s);
      break;
    }
    case 'c':
      consputc(va_arg(ap, int));
      break;
    case 0:
      p--;
      break;
    default:
      consputc('%');
      consputc(*p);
    }
  }
  va_end(ap);
  if (locking)
    release(&pr.lock);
}

void panic(char *s) {
  pr.locking = 0;
  printf("panic: %s\n", s);
  for (;;)
    ;
}

void printfinit(void) {
  initlock(&pr.lock, "pr");
  pr.locking = 1;
}
