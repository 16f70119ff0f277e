/* rvemu compute benchmark: a bare-metal integer workload of ours.
 *
 * Each iteration runs five kernels over fixed data: table-driven CRC32 of a
 * 4 KiB buffer, a 24x24 integer matrix multiply, quicksort (insertion sort
 * below 16 elements) of 512 pseudo-random words, sorted insertion into and
 * traversal/removal from a linked list, and a tokenizer state machine over
 * a text buffer. Every result feeds a checksum, so no kernel can be skipped,
 * and the checksum is compared with the known-good value at the end.
 *
 * Output (one line each): iterations, instret (minstret delta), mtime ticks
 * (10 MHz CLINT mtime delta), checksum; then PASS, or FAIL and the finisher
 * fail code 1 for a wrong checksum, 2 for a failed self-check. The
 * checksum is known for ITERATIONS 3000 (benchmark), 2000 and 20 (tests).
 * Runs in M-mode on hart 0 (the shared guest runtime: tests/guest/rt). */
#include "guest.h"

#ifndef ITERATIONS
#define ITERATIONS 3000
#endif
/* known-good checksums: the benchmark build and the short test build */
#if ITERATIONS == 3000
#define EXPECTED_CHECKSUM 0xc8b930c104884de3ULL
#elif ITERATIONS == 2000
#define EXPECTED_CHECKSUM 0x2a1a9851623f1017ULL
#elif ITERATIONS == 20
#define EXPECTED_CHECKSUM 0xbb16a793929f6e43ULL
#endif

#define BUF_SIZE 4096
#define N_MAT 24
#define N_SORT 512
#define N_NODES 256

static u32 crc_table[256];
static u8 data[BUF_SIZE];
static int32_t mat_a[N_MAT][N_MAT], mat_b[N_MAT][N_MAT], mat_c[N_MAT][N_MAT];
static u32 sort_src[N_SORT], sort_buf[N_SORT];

struct node { u32 key; struct node *next; };
static struct node nodes[N_NODES];

static const char text[] =
	"let x1 = 42 + foo(bar, 7) * 3; if (x1 >= 100) { print \"big\"; } "
	"else { x1 = x1 - 0x1f; } // comment until the end of the line\n"
	"while n < 1000 do n = n * 2 + 1; end; return n, x1, \"done\";\n";

static u64 rng_state = 0x9e3779b97f4a7c15ULL;
static u64 rng(void) {
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void fail(u64 code, const char *what) {
	rt_puts("compute: self-check failed: ");
	rt_puts(what);
	rt_puts("\n");
	rt_exit(code);
}

/* ---- CRC32 (reflected, polynomial 0xEDB88320) ---- */
static void crc_init(void) {
	for (u32 i = 0; i < 256; i++) {
		u32 c = i;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
		crc_table[i] = c;
	}
}

static u32 crc32(const u8 *p, u64 n) {
	u32 c = 0xFFFFFFFFu;
	while (n--)
		c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return c ^ 0xFFFFFFFFu;
}

/* ---- matrix multiply ---- */
static u64 matmul(u32 seed) {
	for (int i = 0; i < N_MAT; i++)
		for (int j = 0; j < N_MAT; j++) {
			mat_a[i][j] = (int32_t)((i * 7 + j * 3 + seed) % 19) - 9;
			mat_b[i][j] = (int32_t)((i * 5 + j * 11 + seed) % 23) - 11;
		}
	for (int i = 0; i < N_MAT; i++)
		for (int j = 0; j < N_MAT; j++) {
			int32_t s = 0;
			for (int k = 0; k < N_MAT; k++)
				s += mat_a[i][k] * mat_b[k][j];
			mat_c[i][j] = s;
		}
	u64 sum = 0;
	for (int i = 0; i < N_MAT; i++)
		sum = sum * 31 + (u32)mat_c[i][(i * 5) % N_MAT];
	return sum;
}

/* ---- sorting ---- */
static void insertion_sort(u32 *a, int lo, int hi) {
	for (int i = lo + 1; i <= hi; i++) {
		u32 v = a[i];
		int j = i - 1;
		while (j >= lo && a[j] > v) {
			a[j + 1] = a[j];
			j--;
		}
		a[j + 1] = v;
	}
}

static void quicksort(u32 *a, int lo, int hi) {
	while (hi - lo >= 16) {
		u32 pivot = a[lo + (hi - lo) / 2];
		int i = lo, j = hi;
		while (i <= j) {
			while (a[i] < pivot)
				i++;
			while (a[j] > pivot)
				j--;
			if (i <= j) {
				u32 t = a[i];
				a[i] = a[j];
				a[j] = t;
				i++;
				j--;
			}
		}
		/* recurse into the smaller half, loop on the larger */
		if (j - lo < hi - i) {
			quicksort(a, lo, j);
			lo = i;
		} else {
			quicksort(a, i, hi);
			hi = j;
		}
	}
	insertion_sort(a, lo, hi);
}

static u64 sort_round(void) {
	for (int i = 0; i < N_SORT; i++)
		sort_buf[i] = sort_src[i];
	quicksort(sort_buf, 0, N_SORT - 1);
	for (int i = 1; i < N_SORT; i++)
		if (sort_buf[i - 1] > sort_buf[i])
			fail(2, "sort order");
	return sort_buf[0] ^ ((u64)sort_buf[N_SORT / 2] << 16) ^ ((u64)sort_buf[N_SORT - 1] << 32);
}

/* ---- linked list: sorted insert, traverse, remove every third ---- */
static u64 list_round(u32 seed) {
	struct node *head = 0;
	for (int i = 0; i < N_NODES; i++) {
		struct node *n = &nodes[i];
		n->key = (u32)((i * 2654435761u) ^ seed) & 0xffff;
		struct node **pp = &head;
		while (*pp && (*pp)->key < n->key)
			pp = &(*pp)->next;
		n->next = *pp;
		*pp = n;
	}
	u64 sum = 0;
	int idx = 0;
	for (struct node **pp = &head; *pp; idx++) {
		sum = sum * 3 + (*pp)->key;
		if (idx % 3 == 0)
			*pp = (*pp)->next;
		else
			pp = &(*pp)->next;
	}
	u32 prev = 0;
	int count = 0;
	for (struct node *n = head; n; n = n->next, count++) {
		if (n->key < prev)
			fail(2, "list order");
		prev = n->key;
		sum += n->key;
	}
	if (count != N_NODES - (N_NODES + 2) / 3)
		fail(2, "list length");
	return sum;
}

/* ---- tokenizer state machine ---- */
enum { S_START, S_IDENT, S_NUMBER, S_HEX, S_STRING, S_COMMENT, S_OP };

static u64 tokenize(const char *s) {
	int state = S_START;
	u64 idents = 0, numbers = 0, strings = 0, ops = 0, hash = 0, value = 0;
	for (;; s++) {
		char c = *s;
	again:
		switch (state) {
		case S_START:
			if (c == 0)
				return hash ^ (idents << 48) ^ (numbers << 32) ^ (strings << 16) ^ ops;
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
				state = S_IDENT;
				idents++;
			} else if (c >= '0' && c <= '9') {
				state = (c == '0' && s[1] == 'x') ? S_HEX : S_NUMBER;
				value = 0;
				numbers++;
				if (state == S_HEX) {
					s++;
					continue;
				}
			} else if (c == '"') {
				state = S_STRING;
				strings++;
				continue;
			} else if (c == '/' && s[1] == '/') {
				state = S_COMMENT;
				continue;
			} else if (c == ' ' || c == '\n') {
				continue;
			} else {
				state = S_OP;
				ops++;
			}
			goto again;
		case S_IDENT:
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (c >= '0' && c <= '9')) {
				hash = hash * 33 + (u8)c;
				continue;
			}
			state = S_START;
			goto again;
		case S_NUMBER:
			if (c >= '0' && c <= '9') {
				value = value * 10 + (u64)(c - '0');
				continue;
			}
			hash += value * 7;
			state = S_START;
			goto again;
		case S_HEX:
			if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) {
				value = value * 16 + (u64)(c <= '9' ? c - '0' : c - 'a' + 10);
				continue;
			}
			hash += value * 11;
			state = S_START;
			goto again;
		case S_STRING:
			if (c == 0)
				fail(2, "unterminated string");
			if (c == '"')
				state = S_START;
			else
				hash ^= (u64)(u8)c << (c & 31);
			continue;
		case S_COMMENT:
			if (c == 0 || c == '\n')
				state = S_START;
			if (c == 0)
				goto again;
			continue;
		case S_OP:
			hash = hash * 5 + (u8)c;
			/* two-character operators */
			if ((c == '>' || c == '<' || c == '=' || c == '!') && s[1] == '=')
				s++;
			state = S_START;
			continue;
		}
	}
}

int main(void) {
	crc_init();
	if (crc32((const u8 *)"123456789", 9) != 0xCBF43926u)
		fail(2, "crc32 check value");
	for (int i = 0; i < BUF_SIZE; i++)
		data[i] = (u8)rng();
	for (int i = 0; i < N_SORT; i++)
		sort_src[i] = (u32)rng();

	u64 t0 = mtime();
	u64 i0 = csr_read(minstret);
	u64 sum = 0;
	for (u32 it = 0; it < ITERATIONS; it++) {
		data[it % BUF_SIZE] ^= (u8)it;
		sum = sum * 0x100000001b3ULL + crc32(data, BUF_SIZE);
		sum = sum * 0x100000001b3ULL + matmul(it);
		sort_src[it % N_SORT] = (u32)rng();
		sum = sum * 0x100000001b3ULL + sort_round();
		sum = sum * 0x100000001b3ULL + list_round(it);
		sum = sum * 0x100000001b3ULL + tokenize(text);
	}
	u64 i1 = csr_read(minstret);
	u64 t1 = mtime();

	rt_puts("compute: iterations ");
	rt_putdec(ITERATIONS);
	rt_puts("\ncompute: instret ");
	rt_putdec(i1 - i0);
	rt_puts("\ncompute: mtime ticks ");
	rt_putdec(t1 - t0);
	rt_puts("\ncompute: checksum ");
	rt_puthex(sum);
	rt_puts("\n");
#ifdef EXPECTED_CHECKSUM
	if (sum != EXPECTED_CHECKSUM) {
		rt_puts("compute: checksum mismatch, want ");
		rt_puthex(EXPECTED_CHECKSUM);
		rt_puts("\n");
		return 1;
	}
#endif
	return 0;
}
