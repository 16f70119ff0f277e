// Packet buffers and FIFOs of them. Each mbuf takes one kalloc page: simple,
// and the E1000 needs MBUF_SIZE contiguous bytes for every receive slot.
#include "../defs.h"
#include "mbuf.h"

_Static_assert(sizeof(struct mbuf) <= PGSIZE, "an mbuf must fit in one page");

struct mbuf *
mbufalloc(uint headroom)
{
  if(headroom > MBUF_SIZE)
    return 0;
  struct mbuf *m = kalloc();
  if(m == 0)
    return 0;
  m->next = 0;
  m->head = m->buf + headroom;
  m->len = 0;
  return m;
}

void
mbuffree(struct mbuf *m)
{
  kfree(m);
}

char *
mbufpush(struct mbuf *m, uint len)
{
  if(len > (uint)(m->head - m->buf))
    panic("mbufpush: no headroom");
  m->head -= len;
  m->len += len;
  return m->head;
}

char *
mbufpull(struct mbuf *m, uint len)
{
  if(len > m->len)
    return 0;
  char *old = m->head;
  m->head += len;
  m->len -= len;
  return old;
}

char *
mbufput(struct mbuf *m, uint len)
{
  char *tail = m->head + m->len;
  if(len > (uint)(m->buf + MBUF_SIZE - tail))
    panic("mbufput: no tailroom");
  m->len += len;
  return tail;
}

char *
mbuftrim(struct mbuf *m, uint len)
{
  if(len > m->len)
    return 0;
  m->len -= len;
  return m->head + m->len;
}

void
mbufq_init(struct mbufq *q)
{
  q->head = 0;
  q->tail = 0;
  q->count = 0;
}

void
mbufq_pushtail(struct mbufq *q, struct mbuf *m)
{
  m->next = 0;
  if(q->tail)
    q->tail->next = m;
  else
    q->head = m;
  q->tail = m;
  q->count++;
}

struct mbuf *
mbufq_pophead(struct mbufq *q)
{
  struct mbuf *m = q->head;
  if(m == 0)
    return 0;
  q->head = m->next;
  if(q->head == 0)
    q->tail = 0;
  m->next = 0;
  q->count--;
  return m;
}

int
mbufq_empty(struct mbufq *q)
{
  return q->head == 0;
}
