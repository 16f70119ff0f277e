// Freestanding string and memory helpers.
#include "defs.h"

void *memset(void *dst, int c, uint n) {
  uint8 *d = dst;
  // Word stores when aligned: kinit fills all of RAM through here.
  if (((uint64)d & 7) == 0 && (n & 7) == 0) {
    uint64 w = (uint8)c;
    w |= w << 8;
    w |= w << 16;
    w |= w << 32;
    for (uint i = 0; i < n; i += 8)
      *(uint64 *)(d + i) = w;
    return dst;
  }
  for (uint i = 0; i < n; i++)
    d[i] = c;
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
  if (s < d && s + n > d) {
    while (n-- > 0)
      d[n] = s[n];
  } else {
    for (uint i = 0; i < n; i++)
      d[i] = s[i];
  }
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
