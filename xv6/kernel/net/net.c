// The protocol layers between the NIC and the sockets: Ethernet framing,
// answering ARP for our address, IPv4 and UDP with their checksums.
//
// Receive: e1000_recv -> net_rx -> arp_rx | ip_rx -> udp_rx -> sockrecvudp.
// Send:    sockwrite -> net_tx_udp -> ip_tx -> eth_tx -> e1000_transmit.
// Every function here that takes an mbuf consumes it: it is passed on or freed.
//
// We keep no ARP cache: like the 2020 lab, IP frames go to the broadcast MAC,
// which QEMU's user-mode network (the only peer we talk to) accepts.
#include "../defs.h"
#include "mbuf.h"
#include "net.h"

const uint8 net_local_mac[ETH_ADDR_LEN] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
const uint8 net_broadcast_mac[ETH_ADDR_LEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

#define IP_DEFAULT_TTL 64

static uint32 ip_next_id;  // IPv4 identification (low 16 bits); bumped atomically

// ---- transmit ----

static void
eth_tx(struct mbuf *m, uint16 type, const uint8 dst[ETH_ADDR_LEN])
{
  struct eth_hdr *eh = (struct eth_hdr *)mbufpush(m, sizeof(*eh));
  memmove(eh->dst, dst, ETH_ADDR_LEN);
  memmove(eh->src, net_local_mac, ETH_ADDR_LEN);
  eh->type = htons(type);
  if(e1000_transmit(m) < 0)
    mbuffree(m);  // ring full: drop, as a busy NIC would
}

static void
ip_tx(struct mbuf *m, uint8 proto, uint32 dip)
{
  struct ip_hdr *ih = (struct ip_hdr *)mbufpush(m, sizeof(*ih));
  memset(ih, 0, sizeof(*ih));
  ih->ver_ihl = (4 << 4) | (sizeof(*ih) / 4);
  ih->len = htons(m->len);
  ih->id = htons((uint16)__atomic_fetch_add(&ip_next_id, 1, __ATOMIC_RELAXED));
  ih->ttl = IP_DEFAULT_TTL;
  ih->proto = proto;
  ih->src = htonl(NET_LOCAL_IP);
  ih->dst = htonl(dip);
  ih->sum = htons(inet_fold(inet_sum(0, ih, sizeof(*ih))));
  eth_tx(m, ETH_TYPE_IPV4, net_broadcast_mac);
}

// The sum of the UDP pseudo-header (RFC 768): addresses, protocol, length.
static uint32
udp_pseudo_sum(uint32 sip, uint32 dip, uint16 udp_len)
{
  uint32 sum = 0;
  sum += (sip >> 16) + (sip & 0xffff);
  sum += (dip >> 16) + (dip & 0xffff);
  sum += IP_PROTO_UDP;
  sum += udp_len;
  return sum;
}

void
net_tx_udp(struct mbuf *m, uint32 dip, uint16 sport, uint16 dport)
{
  struct udp_hdr *uh = (struct udp_hdr *)mbufpush(m, sizeof(*uh));
  uh->sport = htons(sport);
  uh->dport = htons(dport);
  uh->len = htons(m->len);
  uh->sum = 0;
  uint16 sum = inet_fold(inet_sum(udp_pseudo_sum(NET_LOCAL_IP, dip, m->len), uh, m->len));
  uh->sum = htons(sum == 0 ? 0xffff : sum);  // 0 on the wire means "no checksum"
  ip_tx(m, IP_PROTO_UDP, dip);
}

// arp_send transmits an ARP packet about us: op, with our MAC and address
// as the sender and (tha, tpa) as the target, in a frame to dst.
static void
arp_send(uint16 op, const uint8 tha[ETH_ADDR_LEN], uint32 tpa, const uint8 dst[ETH_ADDR_LEN])
{
  struct mbuf *m = mbufalloc(MBUF_DEFAULT_HEADROOM);
  if(m == 0)
    return;
  struct arp_pkt *ap = (struct arp_pkt *)mbufput(m, sizeof(*ap));
  ap->htype = htons(ARP_HTYPE_ETHER);
  ap->ptype = htons(ETH_TYPE_IPV4);
  ap->hlen = ETH_ADDR_LEN;
  ap->plen = 4;
  ap->op = htons(op);
  memmove(ap->sha, net_local_mac, ETH_ADDR_LEN);
  ap->spa = htonl(NET_LOCAL_IP);
  memmove(ap->tha, tha, ETH_ADDR_LEN);
  ap->tpa = tpa;  // network byte order
  eth_tx(m, ETH_TYPE_ARP, dst);
}

// net_announce tells the link our address with a gratuitous ARP (a request
// whose sender and target are both us), as hosts do when an interface comes
// up. Without it QEMU's user-mode network learns our MAC only by asking when
// its first datagram for us is ready; QEMU's E1000 holds received frames
// for its first second after RCTL.EN, so our answer can come after slirp
// has already given up on that datagram (it waits 1 s) and a first ping
// then never gets its reply.
void
net_announce(void)
{
  static const uint8 unknown_mac[ETH_ADDR_LEN];
  arp_send(ARP_OP_REQUEST, unknown_mac, htonl(NET_LOCAL_IP), net_broadcast_mac);
}

// ---- receive ----

static void
arp_rx(struct mbuf *m)
{
  struct arp_pkt *ap = (struct arp_pkt *)mbufpull(m, sizeof(*ap));
  if(ap && ntohs(ap->htype) == ARP_HTYPE_ETHER && ntohs(ap->ptype) == ETH_TYPE_IPV4 &&
     ap->hlen == ETH_ADDR_LEN && ap->plen == 4 && ntohs(ap->op) == ARP_OP_REQUEST &&
     ntohl(ap->tpa) == NET_LOCAL_IP)
    arp_send(ARP_OP_REPLY, ap->sha, ap->spa, ap->sha);
  mbuffree(m);
}

static void
udp_rx(struct mbuf *m, uint32 sip, uint32 dip)
{
  struct udp_hdr *uh = (struct udp_hdr *)m->head;
  if(m->len < sizeof(*uh))
    goto drop;
  uint16 len = ntohs(uh->len);
  if(len < sizeof(*uh) || len > m->len)
    goto drop;
  mbuftrim(m, m->len - len);  // drop anything past the datagram
  if(uh->sum != 0 && inet_fold(inet_sum(udp_pseudo_sum(sip, dip, len), uh, len)) != 0)
    goto drop;
  uint16 sport = ntohs(uh->sport);
  uint16 dport = ntohs(uh->dport);
  mbufpull(m, sizeof(*uh));
  sockrecvudp(m, sip, dport, sport);
  return;

drop:
  mbuffree(m);
}

static void
ip_rx(struct mbuf *m)
{
  struct ip_hdr *ih = (struct ip_hdr *)m->head;
  if(m->len < sizeof(*ih) || (ih->ver_ihl >> 4) != 4)
    goto drop;
  uint hlen = (ih->ver_ihl & 0xf) * 4;
  uint16 len = ntohs(ih->len);
  if(hlen < sizeof(*ih) || hlen > m->len || len < hlen || len > m->len)
    goto drop;
  if(inet_fold(inet_sum(0, ih, hlen)) != 0)
    goto drop;  // corrupt header
  if(ntohs(ih->frag) & (IP_FRAG_MF | IP_FRAG_OFFSET))
    goto drop;  // we do not reassemble fragments
  if(ntohl(ih->dst) != NET_LOCAL_IP || ih->proto != IP_PROTO_UDP)
    goto drop;
  uint32 sip = ntohl(ih->src);
  uint32 dip = ntohl(ih->dst);
  mbuftrim(m, m->len - len);  // drop Ethernet padding
  mbufpull(m, hlen);          // and any IP options with the header
  udp_rx(m, sip, dip);
  return;

drop:
  mbuffree(m);
}

void
net_rx(struct mbuf *m)
{
  struct eth_hdr *eh = (struct eth_hdr *)mbufpull(m, sizeof(struct eth_hdr));
  if(eh == 0) {
    mbuffree(m);
    return;
  }
  switch(ntohs(eh->type)) {
  case ETH_TYPE_IPV4:
    ip_rx(m);
    break;
  case ETH_TYPE_ARP:
    arp_rx(m);
    break;
  default:
    mbuffree(m);
  }
}
