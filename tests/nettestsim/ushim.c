// The system calls nettests makes, simulated: sockets are in-memory and
// answered at once by models of the host servers and of a DNS server, so
// nettests' own logic (ping checks, DNS query and reply parsing, exit
// codes) can be tested without a kernel or a network.
//
// NETTESTS_SIM selects a misbehaving peer: host-wrong, dns-wrong-ip,
// dns-rcode, dns-no-answer, dns-truncated; unset, every peer is correct.
#include "user.h"
#include "uhost.h"

#define HOST_IP 0x0a000202u
#define DNS_IP 0x08080808u
#define MAXSOCK 16

static struct {
  int open;
  uint32 raddr;
  uint16 lport, rport;
  uint8 reply[512];
  int replylen;  // -1: nothing to read
} socks[MAXSOCK];

static int
mode(const char *m)
{
  const char *s = uhost_getenv("NETTESTS_SIM");
  return s && strcmp(s, m) == 0;
}

static void
die(const char *why)
{
  uhost_write(1, "SIM FAIL ", 9);
  uhost_write(1, why, strlen(why));
  uhost_write(1, "\n", 1);
  uhost_exit(3);
}

int
connect(uint32 raddr, uint16 lport, uint16 rport)
{
  for(int i = 0; i < MAXSOCK; i++)
    if(socks[i].open && socks[i].raddr == raddr && socks[i].lport == lport && socks[i].rport == rport)
      return -1;  // the kernel refuses a duplicate triple
  for(int i = 0; i < MAXSOCK; i++) {
    if(!socks[i].open) {
      socks[i].open = 1;
      socks[i].raddr = raddr;
      socks[i].lport = lport;
      socks[i].rport = rport;
      socks[i].replylen = -1;
      return 3 + i;
    }
  }
  return -1;
}

static void put16(uint8 *p, int v) { p[0] = v >> 8; p[1] = v; }
static int get16(const uint8 *p) { return (p[0] << 8) | p[1]; }

// dns_answer checks the query and builds the reply the selected mode asks for.
static int
dns_answer(const uint8 *q, int qlen, uint8 *r)
{
  static const uint8 qname[] = "\x04pdos\x05" "csail\x03mit\x03" "edu";  // + the root's 0
  int qend = 12 + sizeof(qname) + 4;
  if(qlen != qend)
    die("DNS query length");
  if((get16(q + 2) & 0x8000) || !(get16(q + 2) & 0x0100))
    die("DNS query flags: want a query with recursion desired");
  if(get16(q + 4) != 1 || get16(q + 6) || get16(q + 8) || get16(q + 10))
    die("DNS query counts");
  if(memcmp(q + 12, qname, sizeof(qname)) != 0)
    die("DNS query name");
  if(get16(q + 12 + sizeof(qname)) != 1 || get16(q + 14 + sizeof(qname)) != 1)
    die("DNS query type/class: want A/IN");

  memmove(r, q, qend);  // id and the question, echoed
  put16(r + 2, 0x8180 | (mode("dns-rcode") ? 3 : 0));  // response, RD, RA
  int no_answer = mode("dns-no-answer") || mode("dns-rcode");
  put16(r + 6, no_answer ? 0 : 1);
  if(no_answer)
    return qend;
  uint8 *a = r + qend;
  put16(a, 0xc00c);  // name: pointer to the question's
  put16(a + 2, 1);   // A
  put16(a + 4, 1);   // IN
  put16(a + 6, 0);
  put16(a + 8, 300);  // TTL
  put16(a + 10, 4);
  static const uint8 ip[4] = {128, 52, 129, 126}, wrong[4] = {1, 2, 3, 4};
  memmove(a + 12, mode("dns-wrong-ip") ? wrong : ip, 4);
  int len = qend + 16;
  return mode("dns-truncated") ? len - 3 : len;
}

int
write(int fd, const void *buf, int n)
{
  if(fd == 1 || fd == 2)
    return uhost_write(fd, buf, n);
  int i = fd - 3;
  if(i < 0 || i >= MAXSOCK || !socks[i].open)
    return -1;
  if(n > 1472)
    return -1;
  if(socks[i].raddr == HOST_IP && socks[i].rport == NET_TESTS_PORT) {
    if(n != 19 || memcmp(buf, "a message from xv6!", 19) != 0)
      die("ping payload");
    const char *ans = mode("host-wrong") ? "this is not the host" : "this is the host!";
    socks[i].replylen = strlen(ans);
    memmove(socks[i].reply, ans, socks[i].replylen);
  } else if(socks[i].raddr == HOST_IP && socks[i].rport == NET_TESTS_PORT + 1) {
    memmove(socks[i].reply, buf, n);  // the echo server
    socks[i].replylen = n;
  } else if(socks[i].raddr == DNS_IP && socks[i].rport == 53) {
    socks[i].replylen = dns_answer(buf, n, socks[i].reply);
  } else {
    die("datagram to an unexpected address");
  }
  return n;
}

int
read(int fd, void *buf, int n)
{
  int i = fd - 3;
  if(i < 0 || i >= MAXSOCK || !socks[i].open)
    return -1;
  if(socks[i].replylen < 0)
    die("read would block forever: no datagram will come");
  int len = socks[i].replylen < n ? socks[i].replylen : n;
  memmove(buf, socks[i].reply, len);
  socks[i].replylen = -1;
  return len;
}

int
close(int fd)
{
  int i = fd - 3;
  if(i < 0 || i >= MAXSOCK || !socks[i].open)
    return -1;
  socks[i].open = 0;
  return 0;
}

int fork(void) { return uhost_fork(); }
int wait(int *status) { return uhost_wait(status); }
int exit(int status) { uhost_exit(status); }

// The library's stat() calls these; nettests never does.
int open(const char *path, int omode) { return -1; }
int fstat(int fd, struct stat *st) { return -1; }
