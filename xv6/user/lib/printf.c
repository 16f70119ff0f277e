// Formatted output to a file descriptor, buffered per call.
#include <stdarg.h>
#include "user.h"

struct out {
  int fd;
  int n;
  char buf[128];
};

static void put(struct out *o, char c) {
  o->buf[o->n++] = c;
  if (o->n == sizeof(o->buf)) {
    write(o->fd, o->buf, o->n);
    o->n = 0;
  }
}

static void putnum(struct out *o, uint64 v, int base, int neg) {
  char digits[24];
  int i = 0;
  do {
    digits[i++] = "0123456789abcdef"[v % base];
    v /= base;
  } while (v);
  if (neg)
    digits[i++] = '-';
  while (--i >= 0)
    put(o, digits[i]);
}

static void vprintf(int fd, const char *fmt, va_list ap) {
  struct out o = {.fd = fd};
  for (const char *p = fmt; *p; p++) {
    if (*p != '%') {
      put(&o, *p);
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
      putnum(&o, v < 0 ? -v : v, 10, v < 0);
      break;
    }
    case 'u':
      putnum(&o, is_long ? va_arg(ap, uint64) : va_arg(ap, uint), 10, 0);
      break;
    case 'x':
      putnum(&o, is_long ? va_arg(ap, uint64) : va_arg(ap, uint), 16, 0);
      break;
    case 'p':
      put(&o, '0');
      put(&o, 'x');
      putnum(&o, va_arg(ap, uint64), 16, 0);
      break;
    case 's': {
      const char *s = va_arg(ap, const char *);
      for (s = s ? s : "(null)"; *s; s++)
        put(&o, *s);
      break;
    }
    case 'c':
      put(&o, va_arg(ap, int));
      break;
    case 0:
      p--;
      break;
    default:
      put(&o, '%');
      put(&o, *p);
    }
  }
  if (o.n)
    write(fd, o.buf, o.n);
}

void fprintf(int fd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprintf(fd, fmt, ap);
  va_end(ap);
}

void printf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprintf(1, fmt, ap);
  va_end(ap);
}
