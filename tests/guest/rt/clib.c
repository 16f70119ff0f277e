/* The few libc routines gcc may call on its own in freestanding code. */
#include "guest.h"
#include <stddef.h>

void *memset(void *dst, int c, size_t n) {
	u8 *d = dst;
	while (n--)
		*d++ = (u8)c;
	return dst;
}

void *memcpy(void *dst, const void *src, size_t n) {
	u8 *d = dst;
	const u8 *s = src;
	while (n--)
		*d++ = *s++;
	return dst;
}
