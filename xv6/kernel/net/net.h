// Wire formats (Ethernet II, ARP for IPv4 over Ethernet, IPv4, UDP) and the
// functions the network layers call on each other. Multi-byte fields in the
// headers are big-endian on the wire: convert with htons/ntohs/htonl/ntohl.
#pragma once
#include "../types.h"

struct mbuf;
struct file;

// Byte order: RISC-V is little-endian, the network is big-endian.
static inline uint16 bswap16(uint16 v) { return (uint16)((v << 8) | (v >> 8)); }
static inline uint32 bswap32(uint32 v)
{
  return ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >> 8) & 0xff00) | (v >> 24);
}
#define htons(v) bswap16(v)
#define ntohs(v) bswap16(v)
#define htonl(v) bswap32(v)
#define ntohl(v) bswap32(v)

#define MAKE_IP_ADDR(a, b, c, d) \
  (((uint32)(a) << 24) | ((uint32)(b) << 16) | ((uint32)(c) << 8) | (uint32)(d))

// Our addresses on QEMU's user-mode network (slirp defaults).
#define NET_LOCAL_IP MAKE_IP_ADDR(10, 0, 2, 15)
extern const uint8 net_local_mac[6];     // 52:54:00:12:34:56
extern const uint8 net_broadcast_mac[6]; // ff:ff:ff:ff:ff:ff

#define ETH_ADDR_LEN 6
struct eth_hdr {
  uint8 dst[ETH_ADDR_LEN];
  uint8 src[ETH_ADDR_LEN];
  uint16 type;
} __attribute__((packed));
#define ETH_TYPE_IPV4 0x0800
#define ETH_TYPE_ARP 0x0806

struct arp_pkt {
  uint16 htype;  // hardware: 1 = Ethernet
  uint16 ptype;  // protocol: ETH_TYPE_IPV4
  uint8 hlen;    // 6
  uint8 plen;    // 4
  uint16 op;
  uint8 sha[ETH_ADDR_LEN];  // sender MAC
  uint32 spa;               // sender IP
  uint8 tha[ETH_ADDR_LEN];  // target MAC
  uint32 tpa;               // target IP
} __attribute__((packed));
#define ARP_HTYPE_ETHER 1
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2

struct ip_hdr {
  uint8 ver_ihl;   // version << 4 | header length in 32-bit words
  uint8 tos;
  uint16 len;      // header + payload bytes
  uint16 id;
  uint16 frag;     // flags << 13 | fragment offset in 8-byte units
  uint8 ttl;
  uint8 proto;
  uint16 sum;      // header checksum
  uint32 src;
  uint32 dst;
} __attribute__((packed));
#define IP_PROTO_UDP 17
#define IP_FRAG_MF 0x2000      // more fragments follow
#define IP_FRAG_OFFSET 0x1fff

struct udp_hdr {
  uint16 sport;
  uint16 dport;
  uint16 len;  // header + payload bytes
  uint16 sum;  // 0 = sender computed none
} __attribute__((packed));

// Largest UDP payload that fits one Ethernet frame without IP fragmentation.
#define UDP_MAX_PAYLOAD (1500 - sizeof(struct ip_hdr) - sizeof(struct udp_hdr))

// checksum.c: the Internet checksum (RFC 1071), in host byte order.
uint32 inet_sum(uint32 sum, const void *data, uint len);
uint16 inet_fold(uint32 sum);

// net.c: the protocol layers.
void net_rx(struct mbuf *m);   // a frame from the NIC; consumes m
void net_tx_udp(struct mbuf *m, uint32 dip, uint16 sport, uint16 dport);  // consumes m
void net_announce(void);       // a gratuitous ARP: tells the link our MAC

// e1000.c: the NIC.
void e1000_init(uint32 *regs);
int e1000_ready(void);               // 0 until pci_init has found the NIC
int e1000_transmit(struct mbuf *m);  // 0: the NIC owns m; -1: ring full, caller keeps m
void e1000_recv(void);

// sock.c: UDP sockets.
int sockalloc(struct file **f, uint32 raddr, uint16 lport, uint16 rport);
void sockrecvudp(struct mbuf *m, uint32 raddr, uint16 lport, uint16 rport);  // consumes m
