// mbuf: one packet buffer. The payload lives in buf[head - buf .. +len);
// protocol layers grow it toward the front (mbufpush) when sending and
// strip headers from the front (mbufpull) when receiving.
#pragma once
#include "../types.h"

#define MBUF_SIZE 2048             // also the E1000 receive buffer size
#define MBUF_DEFAULT_HEADROOM 128  // room for Ethernet + IP + UDP headers

struct mbuf {
  struct mbuf *next;  // link in an mbufq
  char *head;         // first byte of the payload
  uint len;           // payload length
  char buf[MBUF_SIZE];
};

struct mbuf *mbufalloc(uint headroom);
void mbuffree(struct mbuf *m);
char *mbufpush(struct mbuf *m, uint len);  // prepend len bytes; new head
char *mbufpull(struct mbuf *m, uint len);  // drop len bytes in front; old head, or 0 if too short
char *mbufput(struct mbuf *m, uint len);   // append len bytes; start of them
char *mbuftrim(struct mbuf *m, uint len);  // drop len bytes at the end; start of them, or 0

// A FIFO of mbufs linked through next. Not locked: the owner's lock guards it.
struct mbufq {
  struct mbuf *head;
  struct mbuf *tail;
  int count;
};

void mbufq_init(struct mbufq *q);
void mbufq_pushtail(struct mbufq *q, struct mbuf *m);
struct mbuf *mbufq_pophead(struct mbufq *q);
int mbufq_empty(struct mbufq *q);
