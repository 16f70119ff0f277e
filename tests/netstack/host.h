// Host (libc) services for the net-stack harness. This header is shared by
// host.c, built against libc, and the kernel-side files, built against the
// xv6 headers with libc names renamed away: it uses no libc types.
#pragma once

void *host_page_alloc(void);  // 4096-byte aligned, or 0
void host_page_free(void *p);
void host_vprint(const char *fmt, __builtin_va_list ap);
void host_print(const char *fmt, ...) __attribute__((format(__printf__, 1, 2)));
void host_exit(int code) __attribute__((noreturn));
