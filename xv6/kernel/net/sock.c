// UDP sockets: a file descriptor bound to one (remote address, local port,
// remote port) triple, made by connect(). Received datagrams wait in the
// socket's queue until read(); write() sends one datagram.
//
// Locking: sock_list_lock guards the list and is held while a receiver uses
// a socket it found there, so a socket unlinked by sockclose can no longer
// be reached and may be freed. Each socket's lock guards its queue and is
// the lock sockread sleeps with, so a wakeup cannot slip in between the
// empty check and the sleep. Order: sock_list_lock before sock.lock.
#include "../defs.h"
#include "mbuf.h"
#include "net.h"

// Datagrams queued on one socket beyond this are dropped, so a reader that
// stopped reading cannot take all of memory.
#define SOCK_RXQ_MAX 64

struct sock {
  struct sock *next;  // sock_list link
  uint32 raddr;       // remote IPv4 address (host order)
  uint16 lport;       // local UDP port
  uint16 rport;       // remote UDP port
  struct spinlock lock;
  struct mbufq rxq;   // received payloads, oldest first
};

static struct spinlock sock_list_lock;
static struct sock *sock_list;

void
sockinit(void)
{
  initlock(&sock_list_lock, "sock_list");
}

// sockalloc makes a socket and a file for it; 0 on success, -1 without a
// NIC (a read would wait forever), out of memory, or if a socket with the
// same triple exists.
int
sockalloc(struct file **f, uint32 raddr, uint16 lport, uint16 rport)
{
  struct sock *si = 0;
  *f = 0;
  if(!e1000_ready())
    goto fail;
  *f = filealloc();
  if(*f == 0)
    goto fail;
  si = kalloc();
  if(si == 0)
    goto fail;

  si->next = 0;
  si->raddr = raddr;
  si->lport = lport;
  si->rport = rport;
  initlock(&si->lock, "sock");
  mbufq_init(&si->rxq);

  acquire(&sock_list_lock);
  for(struct sock *pos = sock_list; pos; pos = pos->next) {
    if(pos->raddr == raddr && pos->lport == lport && pos->rport == rport) {
      release(&sock_list_lock);
      goto fail;
    }
  }
  si->next = sock_list;
  sock_list = si;
  release(&sock_list_lock);

  (*f)->type = FD_SOCK;
  (*f)->readable = 1;
  (*f)->writable = 1;
  (*f)->sock = si;
  return 0;

fail:
  if(si)
    kfree(si);
  if(*f)
    fileclose(*f);  // still FD_NONE: just released
  *f = 0;
  return -1;
}

void
sockclose(struct sock *si)
{
  acquire(&sock_list_lock);
  for(struct sock **pp = &sock_list; *pp; pp = &(*pp)->next) {
    if(*pp == si) {
      *pp = si->next;
      break;
    }
  }
  release(&sock_list_lock);

  // Unlinked: no receiver can reach si any more, and the file had no other
  // user, so nothing else touches it.
  acquire(&si->lock);
  struct mbuf *m;
  while((m = mbufq_pophead(&si->rxq)) != 0)
    mbuffree(m);
  release(&si->lock);
  kfree(si);
}

int
sockread(struct sock *si, uint64 addr, int n)
{
  if(n < 0)
    return -1;
  struct proc *p = myproc();

  acquire(&si->lock);
  while(mbufq_empty(&si->rxq)) {
    if(killed(p)) {
      release(&si->lock);
      return -1;
    }
    sleep(&si->rxq, &si->lock);
  }
  struct mbuf *m = mbufq_pophead(&si->rxq);
  release(&si->lock);

  // One datagram per read; bytes beyond n are discarded, as UDP does.
  uint len = m->len < (uint)n ? m->len : (uint)n;
  int r = copyout(p->pagetable, addr, m->head, len);
  mbuffree(m);
  return r < 0 ? -1 : (int)len;
}

int
sockwrite(struct sock *si, uint64 addr, int n)
{
  if(n < 0 || n > UDP_MAX_PAYLOAD)
    return -1;  // one datagram must fit one frame
  struct mbuf *m = mbufalloc(MBUF_DEFAULT_HEADROOM);
  if(m == 0)
    return -1;
  if(copyin(myproc()->pagetable, mbufput(m, n), addr, n) < 0) {
    mbuffree(m);
    return -1;
  }
  net_tx_udp(m, si->raddr, si->lport, si->rport);
  return n;
}

// sockrecvudp delivers a received payload to the socket bound to the
// datagram's addresses, or drops it.
void
sockrecvudp(struct mbuf *m, uint32 raddr, uint16 lport, uint16 rport)
{
  acquire(&sock_list_lock);
  for(struct sock *si = sock_list; si; si = si->next) {
    if(si->raddr != raddr || si->lport != lport || si->rport != rport)
      continue;
    acquire(&si->lock);
    if(si->rxq.count < SOCK_RXQ_MAX) {
      mbufq_pushtail(&si->rxq, m);
      m = 0;
      wakeup(&si->rxq);
    }
    release(&si->lock);
    break;
  }
  release(&sock_list_lock);
  if(m)
    mbuffree(m);
}

uint64
sys_connect(void)
{
  int raddr, lport, rport;
  argint(0, &raddr);
  argint(1, &lport);
  argint(2, &rport);

  struct file *f;
  if(sockalloc(&f, (uint32)raddr, (uint16)lport, (uint16)rport) < 0)
    return -1;
  int fd = fdalloc(f);
  if(fd < 0) {
    fileclose(f);
    return -1;
  }
  return fd;
}
