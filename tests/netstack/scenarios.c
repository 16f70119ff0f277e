// Scenarios for the net lab's kernel code, run on the host against a model
// of the E1000's rings (what the device does with descriptors) and the
// kernel shim. Each scenario runs in its own process: `netstack NAME`
// prints PASS or FAIL with the failed check.
#include "kshim.h"
#include "host.h"
#include "kernel/net/e1000_regs.h"
#include "kernel/net/mbuf.h"
#include "kernel/net/net.h"

#define RING 16

// ---- the device side ----

static uint32 nic_regs[0x20000 / 4];
#define REG(off) nic_regs[(off) / 4]

static struct e1000_tx_desc *
nic_tx_ring(void)
{
  return (struct e1000_tx_desc *)(REG(E1000_TDBAL) | (uint64)REG(E1000_TDBAH) << 32);
}

static struct e1000_rx_desc *
nic_rx_ring(void)
{
  return (struct e1000_rx_desc *)(REG(E1000_RDBAL) | (uint64)REG(E1000_RDBAH) << 32);
}

// nic_receive stores a frame in the next free RX slot like the device;
// 0 when the ring has no free slot (RDH == RDT).
static int
nic_receive(const void *frame, int len)
{
  uint32 h = REG(E1000_RDH);
  if(h == REG(E1000_RDT))
    return 0;
  struct e1000_rx_desc *d = &nic_rx_ring()[h];
  memmove((void *)d->addr, frame, len);
  d->length = len;
  d->status = E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP;
  REG(E1000_RDH) = (h + 1) % RING;
  return 1;
}

static void
nic_deliver(const void *frame, int len)
{
  CHECK(nic_receive(frame, len));
  e1000_intr();
  CHECK(shim_locks_held == 0);
}

static uint8 sent[64][MBUF_SIZE];
static int sent_len[64];
static int nsent;

// nic_transmit sends what software queued between TDH and TDT.
static void
nic_transmit(void)
{
  while(REG(E1000_TDH) != REG(E1000_TDT)) {
    struct e1000_tx_desc *d = &nic_tx_ring()[REG(E1000_TDH)];
    CHECK(d->cmd & E1000_TXD_CMD_EOP);
    CHECK(d->cmd & E1000_TXD_CMD_RS);
    CHECK(nsent < 64);
    memmove(sent[nsent], (void *)d->addr, d->length);
    sent_len[nsent++] = d->length;
    d->status |= E1000_TXD_STAT_DD;
    REG(E1000_TDH) = (REG(E1000_TDH) + 1) % RING;
  }
}

static void
setup(void)
{
  e1000_init(nic_regs);
  sockinit();
  CHECK(shim_locks_held == 0);
}

// ---- frames, built independently of the code under test ----

static uint16
wire_checksum(const uint8 *a, int alen, const uint8 *b, int blen)
{
  uint32 sum = 0;
  for(int i = 0; i < alen; i += 2)
    sum += (a[i] << 8) | (i + 1 < alen ? a[i + 1] : 0);
  for(int i = 0; i < blen; i += 2)
    sum += (b[i] << 8) | (i + 1 < blen ? b[i + 1] : 0);
  while(sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return ~sum;
}

static void put16(uint8 *p, uint16 v) { p[0] = v >> 8; p[1] = v; }
static void put32(uint8 *p, uint32 v) { put16(p, v >> 16); put16(p + 2, v); }
static uint16 get16(const uint8 *p) { return (p[0] << 8) | p[1]; }
static uint32 get32(const uint8 *p) { return ((uint32)get16(p) << 16) | get16(p + 2); }

static const uint8 host_mac[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};
static const uint8 guest_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
#define HOST_IP MAKE_IP_ADDR(10, 0, 2, 2)
#define GUEST_IP MAKE_IP_ADDR(10, 0, 2, 15)

enum { GOOD = 0, BAD_IP_SUM = 1, BAD_UDP_SUM = 2, NO_UDP_SUM = 4, FRAGMENT = 8 };

// udp_frame builds Ethernet+IPv4+UDP from sip:sport to dip:dport, padded
// to the 60-byte Ethernet minimum like real hardware; returns its length.
static int
udp_frame(uint8 *f, uint32 sip, uint16 sport, uint32 dip, uint16 dport,
          const char *payload, int plen, int flaws)
{
  memmove(f, guest_mac, 6);
  memmove(f + 6, host_mac, 6);
  put16(f + 12, ETH_TYPE_IPV4);
  uint8 *ip = f + 14;
  memset(ip, 0, 20);
  ip[0] = 0x45;
  put16(ip + 2, 20 + 8 + plen);
  put16(ip + 6, (flaws & FRAGMENT) ? 0x2000 : 0);
  ip[8] = 64;
  ip[9] = IP_PROTO_UDP;
  put32(ip + 12, sip);
  put32(ip + 16, dip);
  put16(ip + 10, wire_checksum(ip, 20, 0, 0) ^ ((flaws & BAD_IP_SUM) ? 1 : 0));
  uint8 *udp = ip + 20;
  put16(udp, sport);
  put16(udp + 2, dport);
  put16(udp + 4, 8 + plen);
  put16(udp + 6, 0);
  memmove(udp + 8, payload, plen);
  if(!(flaws & NO_UDP_SUM)) {
    uint8 pseudo[12];
    put32(pseudo, sip);
    put32(pseudo + 4, dip);
    pseudo[8] = 0;
    pseudo[9] = IP_PROTO_UDP;
    put16(pseudo + 10, 8 + plen);
    uint16 s = wire_checksum(pseudo, 12, udp, 8 + plen);
    put16(udp + 6, (s == 0 ? 0xffff : s) ^ ((flaws & BAD_UDP_SUM) ? 1 : 0));
  }
  int len = 14 + 20 + 8 + plen;
  for(; len < 60; len++)
    f[len] = 0;
  return len;
}

static int
arp_request(uint8 *f, uint32 target)
{
  memset(f, 0xff, 6);
  memmove(f + 6, host_mac, 6);
  put16(f + 12, ETH_TYPE_ARP);
  uint8 *a = f + 14;
  put16(a, 1);
  put16(a + 2, ETH_TYPE_IPV4);
  a[4] = 6;
  a[5] = 4;
  put16(a + 6, ARP_OP_REQUEST);
  memmove(a + 8, host_mac, 6);
  put32(a + 14, HOST_IP);
  memset(a + 18, 0, 6);
  put32(a + 24, target);
  memset(f + 42, 0, 18);
  return 60;
}

// ---- sockets from the process's side ----

static struct file *
open_socket(uint32 raddr, uint16 lport, uint16 rport)
{
  struct file *f = 0;
  CHECK(sockalloc(&f, raddr, lport, rport) == 0);
  CHECK(f != 0 && f->type == FD_SOCK && f->readable && f->writable && f->sock);
  CHECK(shim_locks_held == 0);
  return f;
}

static int
read_socket(struct file *f, char *buf, int n)
{
  int r = sockread(f->sock, (uint64)buf, n);
  CHECK(shim_locks_held == 0);
  return r;
}

static void
check_udp_sent(int i, uint16 sport, uint32 dip, uint16 dport, const char *payload, int plen)
{
  CHECK(i < nsent);
  const uint8 *f = sent[i];
  CHECK(sent_len[i] == 14 + 20 + 8 + plen);
  CHECK(memcmp(f, "\xff\xff\xff\xff\xff\xff", 6) == 0);  // IP goes to broadcast
  CHECK(memcmp(f + 6, guest_mac, 6) == 0);
  CHECK(get16(f + 12) == ETH_TYPE_IPV4);
  const uint8 *ip = f + 14;
  CHECK(ip[0] == 0x45);
  CHECK(get16(ip + 2) == 20 + 8 + plen);
  CHECK(ip[8] > 0);  // TTL
  CHECK(ip[9] == IP_PROTO_UDP);
  CHECK(get32(ip + 12) == GUEST_IP);
  CHECK(get32(ip + 16) == dip);
  CHECK(wire_checksum(ip, 20, 0, 0) == 0);
  const uint8 *udp = ip + 20;
  CHECK(get16(udp) == sport);
  CHECK(get16(udp + 2) == dport);
  CHECK(get16(udp + 4) == 8 + plen);
  CHECK(get16(udp + 6) != 0);  // we always checksum
  uint8 pseudo[12];
  put32(pseudo, GUEST_IP);
  put32(pseudo + 4, dip);
  pseudo[8] = 0;
  pseudo[9] = IP_PROTO_UDP;
  put16(pseudo + 10, 8 + plen);
  CHECK(wire_checksum(pseudo, 12, udp, 8 + plen) == 0);
  CHECK(memcmp(udp + 8, payload, plen) == 0);
}

// ---- scenarios ----

static void
init_programs_registers(void)
{
  setup();
  CHECK(REG(E1000_RDT) == RING - 1);
  CHECK(REG(E1000_RDH) == 0);
  CHECK(REG(E1000_TDT) == 0 && REG(E1000_TDH) == 0);
  CHECK(REG(E1000_RDLEN) == RING * 16 && REG(E1000_TDLEN) == RING * 16);
  CHECK(REG(E1000_RAL0) == 0x12005452);
  CHECK(REG(E1000_RAH0) == (0x5634 | E1000_RAH_AV));
  CHECK((REG(E1000_TCTL) & (E1000_TCTL_EN | E1000_TCTL_PSP)) == (E1000_TCTL_EN | E1000_TCTL_PSP));
  CHECK(REG(E1000_RCTL) == (E1000_RCTL_EN | E1000_RCTL_BAM | E1000_RCTL_SECRC));
  CHECK(REG(E1000_IMS) == E1000_INT_RXT0);
  CHECK(((uint64)nic_tx_ring() & 15) == 0 && ((uint64)nic_rx_ring() & 15) == 0);
  for(int i = 0; i < RING; i++) {
    CHECK(nic_tx_ring()[i].status & E1000_TXD_STAT_DD);  // all free
    CHECK(nic_rx_ring()[i].addr != 0);
    for(int j = 0; j < i; j++)
      CHECK(nic_rx_ring()[i].addr != nic_rx_ring()[j].addr);
  }
  CHECK(shim_live_pages() == RING);  // one buffer per RX slot
}

static void
mbuf_ops(void)
{
  struct mbuf *m = mbufalloc(100);
  CHECK(m && m->len == 0 && m->head == m->buf + 100);
  char *p = mbufput(m, 10);
  CHECK(p == m->buf + 100 && m->len == 10);
  CHECK(mbufpush(m, 20) == m->buf + 80 && m->len == 30);
  CHECK(mbufpull(m, 5) == m->buf + 80 && m->head == m->buf + 85 && m->len == 25);
  CHECK(mbufpull(m, 26) == 0 && m->len == 25);  // too short: unchanged
  CHECK(mbuftrim(m, 5) == m->buf + 105 && m->len == 20);
  CHECK(mbuftrim(m, 21) == 0 && m->len == 20);
  CHECK(mbufalloc(MBUF_SIZE + 1) == 0);

  struct mbufq q;
  mbufq_init(&q);
  CHECK(mbufq_empty(&q) && mbufq_pophead(&q) == 0);
  struct mbuf *a = mbufalloc(0), *b = mbufalloc(0);
  mbufq_pushtail(&q, a);
  mbufq_pushtail(&q, b);
  CHECK(!mbufq_empty(&q) && q.count == 2);
  CHECK(mbufq_pophead(&q) == a && mbufq_pophead(&q) == b && mbufq_empty(&q));
  mbufq_pushtail(&q, a);  // usable again after draining
  CHECK(mbufq_pophead(&q) == a && q.tail == 0);
  mbuffree(a);
  mbuffree(b);
  mbuffree(m);
  CHECK(shim_live_pages() == 0);
}

static void
udp_send_frame(void)
{
  setup();
  struct file *f = open_socket(HOST_IP, 2000, 25099);
  char msg[] = "a message from xv6!";
  CHECK(sockwrite(f->sock, (uint64)msg, 19) == 19);
  CHECK(REG(E1000_TDT) == 1);
  struct e1000_tx_desc *d = &nic_tx_ring()[0];
  CHECK(d->status == 0);  // the device owns it now
  nic_transmit();
  CHECK(nsent == 1);
  check_udp_sent(0, 2000, HOST_IP, 25099, msg, 19);

  char odd[] = "odd";  // odd length exercises the checksum's padding
  CHECK(sockwrite(f->sock, (uint64)odd, 3) == 3);
  nic_transmit();
  check_udp_sent(1, 2000, HOST_IP, 25099, odd, 3);

  static char big[UDP_MAX_PAYLOAD + 1];
  CHECK(sockwrite(f->sock, (uint64)big, sizeof(big)) == -1);  // no fragmentation
  CHECK(sockwrite(f->sock, (uint64)big, UDP_MAX_PAYLOAD) == UDP_MAX_PAYLOAD);
  CHECK(sockwrite(f->sock, 0, 4) == -1);  // bad user address
  fileclose(f);
  CHECK(shim_locks_held == 0);
}

static void
tx_ring_full(void)
{
  setup();
  int base = shim_live_pages();
  struct mbuf *m[RING + 1];
  for(int i = 0; i <= RING; i++) {
    m[i] = mbufalloc(MBUF_DEFAULT_HEADROOM);
    memmove(mbufput(m[i], 60), "frame", 5);
  }
  // The device sends nothing meanwhile. It takes TDT == TDH for an empty
  // ring, so only RING - 1 frames can be outstanding.
  for(int i = 0; i < RING - 1; i++)
    CHECK(e1000_transmit(m[i]) == 0);
  CHECK(REG(E1000_TDT) == RING - 1);
  CHECK(e1000_transmit(m[RING - 1]) == -1);
  CHECK(e1000_transmit(m[RING]) == -1);
  CHECK(REG(E1000_TDT) == RING - 1 && shim_locks_held == 0);
  CHECK(shim_live_pages() == base + RING + 1);  // nothing freed while busy

  nic_transmit();  // the device catches up
  CHECK(nsent == RING - 1);
  CHECK(e1000_transmit(m[RING - 1]) == 0);
  CHECK(REG(E1000_TDT) == 0);  // wrapped
  CHECK(e1000_transmit(m[RING]) == 0);  // slot 0: its old mbuf is reclaimed
  CHECK(shim_live_pages() == base + RING);
  CHECK(REG(E1000_TDT) == 1);
  nic_transmit();
  CHECK(nsent == RING + 1);
}

static void
arp_request_answered(void)
{
  setup();
  int base = shim_live_pages();
  uint8 f[64];
  nic_deliver(f, arp_request(f, GUEST_IP));
  nic_transmit();
  CHECK(nsent == 1);
  const uint8 *r = sent[0];
  CHECK(memcmp(r, host_mac, 6) == 0);  // unicast back to the asker
  CHECK(memcmp(r + 6, guest_mac, 6) == 0);
  CHECK(get16(r + 12) == ETH_TYPE_ARP);
  const uint8 *a = r + 14;
  CHECK(get16(a) == 1 && get16(a + 2) == ETH_TYPE_IPV4 && a[4] == 6 && a[5] == 4);
  CHECK(get16(a + 6) == ARP_OP_REPLY);
  CHECK(memcmp(a + 8, guest_mac, 6) == 0 && get32(a + 14) == GUEST_IP);
  CHECK(memcmp(a + 18, host_mac, 6) == 0 && get32(a + 24) == HOST_IP);

  nic_deliver(f, arp_request(f, MAKE_IP_ADDR(10, 0, 2, 99)));  // not ours
  nic_transmit();
  CHECK(nsent == 1);
  CHECK(shim_live_pages() == base + 1);  // the reply's mbuf, until its slot is reused
}

// net_announce: one gratuitous ARP, a broadcast who-has for our own address
// from our own address, so the network learns our MAC before it needs it.
static void
arp_announce_sent(void)
{
  setup();
  net_announce();
  nic_transmit();
  CHECK(nsent == 1);
  const uint8 *r = sent[0];
  static const uint8 everyone[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  static const uint8 nobody[6];
  CHECK(memcmp(r, everyone, 6) == 0);
  CHECK(memcmp(r + 6, guest_mac, 6) == 0);
  CHECK(get16(r + 12) == ETH_TYPE_ARP);
  const uint8 *a = r + 14;
  CHECK(get16(a) == 1 && get16(a + 2) == ETH_TYPE_IPV4 && a[4] == 6 && a[5] == 4);
  CHECK(get16(a + 6) == ARP_OP_REQUEST);
  CHECK(memcmp(a + 8, guest_mac, 6) == 0 && get32(a + 14) == GUEST_IP);
  CHECK(memcmp(a + 18, nobody, 6) == 0 && get32(a + 24) == GUEST_IP);
}

static void
udp_to_socket(void)
{
  setup();
  int base = shim_live_pages();
  struct file *f = open_socket(HOST_IP, 2000, 25099);
  uint8 frame[MBUF_SIZE];
  nic_deliver(frame, udp_frame(frame, HOST_IP, 25099, GUEST_IP, 2000, "this is the host!", 17, GOOD));
  CHECK(REG(E1000_RDT) == 0);  // slot 0 handed back
  CHECK(shim_live_pages() == base + 2);  // socket + queued datagram (slot refilled)

  char buf[128];
  memset(buf, 0, sizeof(buf));
  CHECK(read_socket(f, buf, sizeof(buf)) == 17);
  CHECK(memcmp(buf, "this is the host!", 17) == 0);  // no padding, no headers
  CHECK(shim_sleeps == 0);
  CHECK(shim_live_pages() == base + 1);
  fileclose(f);
  CHECK(shim_live_pages() == base);
}

static void
sleep_delivers_answer(void *chan)
{
  uint8 frame[MBUF_SIZE];
  nic_deliver(frame, udp_frame(frame, HOST_IP, 25099, GUEST_IP, 2000, "late", 4, GOOD));
}

static void
sockread_sleeps_until_data(void)
{
  setup();
  struct file *f = open_socket(HOST_IP, 2000, 25099);
  shim_sleep_hook = sleep_delivers_answer;
  char buf[16];
  CHECK(read_socket(f, buf, sizeof(buf)) == 4);
  CHECK(shim_sleeps == 1);
  CHECK(memcmp(buf, "late", 4) == 0);
  fileclose(f);
}

static void
sleep_gets_killed(void *chan)
{
  shim_killed = 1;
  wakeup(chan);  // kill() wakes the sleeper
}

static void
sockread_killed(void)
{
  setup();
  struct file *f = open_socket(HOST_IP, 2000, 25099);
  shim_sleep_hook = sleep_gets_killed;
  char buf[16];
  CHECK(read_socket(f, buf, sizeof(buf)) == -1);
  CHECK(shim_sleeps == 1);
  fileclose(f);
}

static void
sockread_truncates(void)
{
  setup();
  int base = shim_live_pages();
  struct file *f = open_socket(HOST_IP, 2000, 25099);
  uint8 frame[MBUF_SIZE];
  nic_deliver(frame, udp_frame(frame, HOST_IP, 25099, GUEST_IP, 2000, "0123456789", 10, GOOD));
  nic_deliver(frame, udp_frame(frame, HOST_IP, 25099, GUEST_IP, 2000, "second", 6, GOOD));
  char buf[16];
  CHECK(read_socket(f, buf, 4) == 4);  // one datagram per read; the rest is gone
  CHECK(memcmp(buf, "0123", 4) == 0);
  CHECK(read_socket(f, buf, sizeof(buf)) == 6);
  CHECK(memcmp(buf, "second", 6) == 0);
  nic_deliver(frame, udp_frame(frame, HOST_IP, 25099, GUEST_IP, 2000, "third", 5, GOOD));
  CHECK(read_socket(f, 0, 4) == -1);  // bad address fails the read...
  CHECK(shim_live_pages() == base + 1);  // ...without leaking the datagram
  fileclose(f);
}

static void
udp_dropped(void)
{
  setup();
  int base = shim_live_pages();
  struct file *f = open_socket(HOST_IP, 2000, 25099);
  uint8 frame[MBUF_SIZE];
  struct {
    uint32 sip, dip;
    uint16 sport, dport;
    int flaws;
  } bad[] = {
    {HOST_IP, GUEST_IP, 25099, 2000, BAD_IP_SUM},
    {HOST_IP, GUEST_IP, 25099, 2000, BAD_UDP_SUM},
    {HOST_IP, GUEST_IP, 25099, 2000, FRAGMENT},
    {HOST_IP, MAKE_IP_ADDR(10, 0, 2, 16), 25099, 2000, GOOD},  // not our address
    {HOST_IP, GUEST_IP, 25099, 2001, GOOD},                    // no such socket
    {HOST_IP, GUEST_IP, 25100, 2000, GOOD},
    {MAKE_IP_ADDR(10, 0, 2, 3), GUEST_IP, 25099, 2000, GOOD},
  };
  for(int i = 0; i < NELEM(bad); i++) {
    int len = udp_frame(frame, bad[i].sip, bad[i].sport, bad[i].dip, bad[i].dport, "bad", 3, bad[i].flaws);
    nic_deliver(frame, len);
  }
  // Truncated: the IP length claims more than the frame holds.
  int len = udp_frame(frame, HOST_IP, 25099, GUEST_IP, 2000, "0123456789abcdefghijklmnopqrstuvwxyz", 36, GOOD);
  nic_deliver(frame, len - 10);
  // Not IP or ARP, and a runt shorter than an Ethernet header.
  put16(frame + 12, 0x86dd);
  nic_deliver(frame, 60);
  nic_deliver(frame, 10);
  CHECK(shim_live_pages() == base + 1);  // all freed; only the socket remains

  // A datagram without a checksum is legal; it is the first one queued.
  nic_deliver(frame, udp_frame(frame, HOST_IP, 25099, GUEST_IP, 2000, "good", 4, NO_UDP_SUM));
  char buf[16];
  CHECK(read_socket(f, buf, sizeof(buf)) == 4 && memcmp(buf, "good", 4) == 0);
  fileclose(f);
  CHECK(shim_live_pages() == base);
}

static void
sockclose_unlinks_and_frees(void)
{
  setup();
  int base = shim_live_pages();
  struct file *s[3];
  for(int i = 0; i < 3; i++)
    s[i] = open_socket(HOST_IP, 2001 + i, 25099);
  uint8 frame[MBUF_SIZE];
  for(int i = 0; i < 3; i++)
    for(int j = 0; j < 2; j++)
      nic_deliver(frame, udp_frame(frame, HOST_IP, 25099, GUEST_IP, 2001 + i, "q", 1, GOOD));
  CHECK(shim_live_pages() == base + 3 + 6);

  fileclose(s[1]);  // from the middle of the list, with two queued
  CHECK(shim_live_pages() == base + 2 + 4);
  nic_deliver(frame, udp_frame(frame, HOST_IP, 25099, GUEST_IP, 2002, "x", 1, GOOD));
  CHECK(shim_live_pages() == base + 2 + 4);  // dropped: nobody listens

  char buf[4];
  CHECK(read_socket(s[0], buf, sizeof(buf)) == 1);
  CHECK(read_socket(s[2], buf, sizeof(buf)) == 1);
  fileclose(s[2]);  // the list head
  fileclose(s[0]);  // the last one
  CHECK(shim_live_pages() == base);

  struct file *again = open_socket(HOST_IP, 2002, 25099);  // the triple is free again
  fileclose(again);
}

static void
connect_duplicate_fails(void)
{
  setup();
  int base = shim_live_pages();
  struct file *a = open_socket(HOST_IP, 2000, 25099);
  struct file *dup = (struct file *)1;
  CHECK(sockalloc(&dup, HOST_IP, 2000, 25099) == -1);
  CHECK(dup == 0);
  CHECK(shim_live_pages() == base + 1);  // the failed attempt freed its socket
  struct file *other = open_socket(HOST_IP, 2000, 25100);  // one port differs: fine
  fileclose(other);
  fileclose(a);
  CHECK(shim_live_pages() == base);

  shim_args[0] = (int)HOST_IP;
  shim_args[1] = 2000;
  shim_args[2] = 25099;
  uint64 fd = sys_connect();
  CHECK((int)fd >= 3);
  CHECK(sys_connect() == (uint64)-1);  // same triple
}

static void
rx_burst_wraps_ring(void)
{
  setup();
  int base = shim_live_pages();
  struct file *f = open_socket(HOST_IP, 2000, 25099);
  uint8 frame[MBUF_SIZE];
  char payload[8];
  int next = 0;
  // 5 rounds of up to 15 frames (all the slots the device may fill) before
  // one interrupt drains them: the ring wraps several times.
  for(int round = 0; round < 5; round++) {
    int n = round == 0 ? RING - 1 : 7 + round;
    for(int i = 0; i < n; i++) {
      payload[0] = 'a' + (next + i) % 26;
      CHECK(nic_receive(frame, udp_frame(frame, HOST_IP, 25099, GUEST_IP, 2000, payload, 1, GOOD)));
    }
    if(n == RING - 1)  // full: the device must see no free slot
      CHECK(!nic_receive(frame, 60));
    e1000_intr();
    CHECK(shim_locks_held == 0);
    CHECK(REG(E1000_RDT) == (REG(E1000_RDH) + RING - 1) % RING);  // all handed back
    for(int i = 0; i < n; i++, next++) {
      char got;
      CHECK(read_socket(f, &got, 1) == 1);
      CHECK(got == 'a' + next % 26);  // in arrival order
    }
  }
  fileclose(f);
  CHECK(shim_live_pages() == base);
}

static void
socket_queue_bounded(void)
{
  setup();
  int base = shim_live_pages();
  struct file *f = open_socket(HOST_IP, 2000, 25099);
  uint8 frame[MBUF_SIZE];
  for(int i = 0; i < 100; i++)
    nic_deliver(frame, udp_frame(frame, HOST_IP, 25099, GUEST_IP, 2000, "z", 1, GOOD));
  int queued = shim_live_pages() - base - 1;
  CHECK(queued > 0 && queued < 100);  // a reader that never reads cannot eat all memory
  fileclose(f);
  CHECK(shim_live_pages() == base);
}

static void
interrupt_without_frames(void)
{
  setup();
  e1000_intr();  // spurious or TX-only cause: nothing to drain
  CHECK(REG(E1000_RDT) == RING - 1);
  CHECK(REG(E1000_ICR) == 0xffffffff);  // acknowledged (write-1-to-clear)
}

static void
connect_without_nic_fails(void)
{
  sockinit();  // pci_init found no E1000: e1000_init never ran
  struct file *f = (struct file *)1;
  CHECK(sockalloc(&f, HOST_IP, 2000, 25099) == -1);
  CHECK(f == 0);
  CHECK(shim_live_pages() == 0 && shim_locks_held == 0);
  e1000_intr();  // a stray interrupt is ignored
}

static const struct {
  const char *name;
  void (*run)(void);
} scenarios[] = {
  {"init_programs_registers", init_programs_registers},
  {"mbuf_ops", mbuf_ops},
  {"udp_send_frame", udp_send_frame},
  {"tx_ring_full", tx_ring_full},
  {"arp_request_answered", arp_request_answered},
  {"arp_announce_sent", arp_announce_sent},
  {"udp_to_socket", udp_to_socket},
  {"sockread_sleeps_until_data", sockread_sleeps_until_data},
  {"sockread_killed", sockread_killed},
  {"sockread_truncates", sockread_truncates},
  {"udp_dropped", udp_dropped},
  {"sockclose_unlinks_and_frees", sockclose_unlinks_and_frees},
  {"connect_duplicate_fails", connect_duplicate_fails},
  {"rx_burst_wraps_ring", rx_burst_wraps_ring},
  {"socket_queue_bounded", socket_queue_bounded},
  {"interrupt_without_frames", interrupt_without_frames},
  {"connect_without_nic_fails", connect_without_nic_fails},
};

static int
streq(const char *a, const char *b)
{
  while(*a && *a == *b)
    a++, b++;
  return *a == *b;
}

int
main(int argc, char **argv)
{
  if(argc == 2 && streq(argv[1], "list")) {
    for(int i = 0; i < NELEM(scenarios); i++)
      host_print("%s\n", scenarios[i].name);
    return 0;
  }
  for(int i = 0; argc == 2 && i < NELEM(scenarios); i++) {
    if(streq(argv[1], scenarios[i].name)) {
      scenarios[i].run();
      host_print("PASS %s\n", argv[1]);
      return 0;
    }
  }
  host_print("usage: netstack list | SCENARIO\n");
  return 2;
}
