// Freestanding string and memory helpers.
#include "defs.h"

void *memset(void *dst, int c, uint n) {
  uint8 *d = dst, *end = d + n;
  // Word stores when aligned: kinit and kalloc fill whole pages through
  // here. Pointer loops (store, bump, compare with the end) are also the
  // shape rvemu runs in bulk.
  if (((uint64)d & 7) == 0 && (n & 7) == 0) {
    uint64 w = (uint8)c;
    w |= w << 8;
    w |= w << 16;
    w |= w << 32;
    for (uint64 *p = dst; p != (uint64 *)end; p++)
      *p = w;
    return dst;
  }
  for (; d != end; d++)
    *d = c;
  return dst;
}

int memcmp(const void *a, const void *b, uint n) {
  const uint8 *x = a, *y = b;
  for (uint i = 0; i < n; i++)
    if (x[i] != y[i])
      return x[i] - y[i];
  return 0;
}

void *memmove(void *dst, const void *src, uint n) {
  uint8 *d = dst;
  const uint8 *s = src;
  int words = (((uint64)d | (uint64)s | n) & 7) == 0;
  if (s < d && s + n > d) {
    // Overlapping with the destination above: copy from the end down.
    uint8 *dend = d + n;
    const uint8 *send = s + n;
    if (words) {
      while (dend != d) {
        dend -= 8;
        send -= 8;
        *(uint64 *)dend = *(const uint64 *)send;
      }
      return dst;
    }
    while (dend != d)
      *--dend = *--send;
    return dst;
  }
  uint8 *end = d + n;
  if (words) {
    for (; d != end; d += 8, s += 8)
      *(uint64 *)d = *(const uint64 *)s;
    return dst;
  }
  for (; d != end; d++, s++)
    *d = *s;
  return dst;
}

// The compiler may emit calls to memcpy for struct copies.
void *memcpy(void *dst, const void *src, uint n) {
  return memmove(dst, src, n);
}

int strlen(const char *s) {
  int n = 0;
  while (s[n])
    n++;
  return n;
}

int strncmp(const char *a, const char *b, uint n) {
  for (; n > 0; n--, a++, b++) {
    if (*a != *b)
      return (uint8)*a - (uint8)*b;
    if (*a == 0)
      return 0;
  }
  return 0;
}

// Copies at most n bytes; pads with zeros like the C library's.
char *strncpy(char *dst, const char *src, int n) {
  int i = 0;
  for (; i < n && src[i]; i++)
    dst[i] = src[i];
  for (; i < n; i++)
    dst[i] = 0;
  return dst;
}

// Like strncpy, but always NUL-terminates.
char *safestrcpy(char *dst, const char *src, int n) {
  if (n <= 0)
    return dst;
  int i = 0;
  for (; i < n - 1 && src[i]; i++)
    dst[i] = src[i];
  dst[i] = 0;
  return dst;
}
