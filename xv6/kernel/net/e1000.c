// Driver for the Intel E1000 (82540EM) that QEMU puts on the PCIe bus.
//
// Both rings hold 16 legacy descriptors in kernel memory (the kernel maps
// RAM one-to-one, so a kernel address is the physical address the NIC DMAs).
// Each slot owns the mbuf its descriptor points at, recorded in tx_mbufs /
// rx_mbufs, so the mbuf can be freed (TX) or handed up (RX) later.
//
// Locking: tx_lock guards the TX ring and TDT; rx_lock guards the RX ring
// and RDT. Received frames are taken off the ring under rx_lock and handed
// up the stack after it is released: net_rx may transmit (an ARP reply) and
// wake sockets, and must not run with ring state locked.
//
// Test-only: `make E1000_BUG=name` compiles this file with one deliberate
// student mistake (the E1000_BUG_name blocks below) into build-bug/name/,
// so rvemu's driver checker (--check e1000) can be shown to catch each.
#include "../defs.h"
#include "e1000_regs.h"
#include "mbuf.h"
#include "net.h"

#define TX_RING_SIZE 16
#define RX_RING_SIZE 16

// The device reads ring bases with 16-byte alignment and lengths in
// multiples of 128 bytes.
static struct e1000_tx_desc tx_ring[TX_RING_SIZE] __attribute__((aligned(16)));
static struct mbuf *tx_mbufs[TX_RING_SIZE];
static struct e1000_rx_desc rx_ring[RX_RING_SIZE] __attribute__((aligned(16)));
static struct mbuf *rx_mbufs[RX_RING_SIZE];
_Static_assert(sizeof(tx_ring) % 128 == 0, "TDLEN must be a multiple of 128");
_Static_assert(sizeof(rx_ring) % 128 == 0, "RDLEN must be a multiple of 128");

static volatile uint32 *regs;  // BAR0, as 32-bit registers
static struct spinlock tx_lock;
static struct spinlock rx_lock;

static inline uint32 reg_read(uint32 off) { return regs[off / 4]; }
static inline void reg_write(uint32 off, uint32 v) { regs[off / 4] = v; }

static void
tx_ring_init(void)
{
  memset(tx_ring, 0, sizeof(tx_ring));
  for(int i = 0; i < TX_RING_SIZE; i++) {
    tx_ring[i].status = E1000_TXD_STAT_DD;  // every slot starts free
    tx_mbufs[i] = 0;
  }
#ifdef E1000_BUG_ring_base
  // Bug: the halves swapped, so the ring's address lands in the high word.
  reg_write(E1000_TDBAL, (uint32)((uint64)tx_ring >> 32));
  reg_write(E1000_TDBAH, (uint32)(uint64)tx_ring);
#else
  reg_write(E1000_TDBAL, (uint32)(uint64)tx_ring);
  reg_write(E1000_TDBAH, (uint32)((uint64)tx_ring >> 32));
#endif
#ifdef E1000_BUG_ring_len
  reg_write(E1000_TDLEN, TX_RING_SIZE);  // Bug: a descriptor count, not bytes.
#else
  reg_write(E1000_TDLEN, sizeof(tx_ring));
#endif
  reg_write(E1000_TDH, 0);
  reg_write(E1000_TDT, 0);
}

static void
rx_ring_init(void)
{
  memset(rx_ring, 0, sizeof(rx_ring));
  for(int i = 0; i < RX_RING_SIZE; i++) {
    rx_mbufs[i] = mbufalloc(0);  // the whole MBUF_SIZE buffer for the NIC
    if(rx_mbufs[i] == 0)
      panic("e1000: no memory for receive buffers");
    rx_ring[i].addr = (uint64)rx_mbufs[i]->head;
  }
  reg_write(E1000_RDBAL, (uint32)(uint64)rx_ring);
  reg_write(E1000_RDBAH, (uint32)((uint64)rx_ring >> 32));
  reg_write(E1000_RDH, 0);
  reg_write(E1000_RDT, RX_RING_SIZE - 1);  // hand the NIC every slot but one
  reg_write(E1000_RDLEN, sizeof(rx_ring));
}

// e1000_init is called by pci_init with BAR0 mapped at regs_base.
void
e1000_init(uint32 *regs_base)
{
  initlock(&tx_lock, "e1000_tx");
  initlock(&rx_lock, "e1000_rx");
  regs = regs_base;

  // Reset with interrupts masked; the reset bit clears itself.
  reg_write(E1000_IMS, 0);
  reg_write(E1000_CTRL, reg_read(E1000_CTRL) | E1000_CTRL_RST);
  reg_write(E1000_IMS, 0);
  __sync_synchronize();

#ifdef E1000_BUG_rx_enable_early
  // Bug: the receiver is enabled before its ring exists.
  reg_write(E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_BAM | E1000_RCTL_BSIZE_2048 | E1000_RCTL_SECRC);
#endif
  tx_ring_init();
  rx_ring_init();

  // Our MAC in receive address 0, little-endian byte order, marked valid.
  const uint8 *mac = net_local_mac;
  reg_write(E1000_RAL0, mac[0] | (mac[1] << 8) | (mac[2] << 16) | ((uint32)mac[3] << 24));
  reg_write(E1000_RAH0, mac[4] | (mac[5] << 8) | E1000_RAH_AV);
  for(int i = 0; i < E1000_MTA_WORDS; i++)  // no multicast
    reg_write(E1000_MTA + 4 * i, 0);

  // Transmitter: pad short frames; collision threshold 0x10 and full-duplex
  // collision distance 0x40 (manual 13.4.33); IEEE 802.3 gaps 10/8/6.
#ifdef E1000_BUG_tx_busy
  // Bug (with the one in e1000_transmit): EN forgotten, the NIC never sends.
  reg_write(E1000_TCTL, E1000_TCTL_PSP |
                        (0x10 << E1000_TCTL_CT_SHIFT) | (0x40 << E1000_TCTL_COLD_SHIFT));
#else
  reg_write(E1000_TCTL, E1000_TCTL_EN | E1000_TCTL_PSP |
                        (0x10 << E1000_TCTL_CT_SHIFT) | (0x40 << E1000_TCTL_COLD_SHIFT));
#endif
  reg_write(E1000_TIPG, 10 | (8 << 10) | (6 << 20));

  // Receiver: broadcast + our unicast MAC, 2048-byte buffers, CRC stripped.
#ifndef E1000_BUG_rx_enable_early
  reg_write(E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_BAM | E1000_RCTL_BSIZE_2048 | E1000_RCTL_SECRC);
#endif

  // Interrupt for every received frame, without delay.
  reg_write(E1000_RDTR, 0);
  reg_write(E1000_RADV, 0);
  reg_write(E1000_IMS, E1000_INT_RXT0);
}

// e1000_ready reports whether pci_init found and set up the NIC.
int
e1000_ready(void)
{
  return regs != 0;
}

int
e1000_transmit(struct mbuf *m)
{
  if(regs == 0 || m->len == 0 || m->len > MBUF_SIZE)
    return -1;  // no NIC found, or nothing sensible to send

  acquire(&tx_lock);
  uint32 tail = reg_read(E1000_TDT) % TX_RING_SIZE;
  struct e1000_tx_desc *d = &tx_ring[tail];
  // Full if the NIC has not sent the frame in this slot yet, or if this is
  // the last free slot: the NIC reads TDT == TDH as an empty ring, so at
  // most TX_RING_SIZE - 1 frames may be outstanding. (The slot after the
  // tail is still busy only when it is the head.)
#ifndef E1000_BUG_tx_busy  // Bug: slots reused without looking at DD.
  if((d->status & E1000_TXD_STAT_DD) == 0 ||
     (tx_ring[(tail + 1) % TX_RING_SIZE].status & E1000_TXD_STAT_DD) == 0) {
    release(&tx_lock);
    return -1;
  }
#endif
  if(tx_mbufs[tail])  // sent earlier; the NIC is done with it
    mbuffree(tx_mbufs[tail]);

  d->addr = (uint64)m->head;
#ifdef E1000_BUG_tx_short
  d->length = sizeof(m->head);  // Bug: the size of the pointer, not of the frame.
#else
  d->length = m->len;
#endif
#if defined(E1000_BUG_tx_no_eop)
  d->cmd = E1000_TXD_CMD_RS;  // Bug: EOP forgotten.
#elif defined(E1000_BUG_tx_no_rs)
  d->cmd = E1000_TXD_CMD_EOP;  // Bug: RS forgotten.
#else
  d->cmd = E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS;
#endif
  d->status = 0;
  tx_mbufs[tail] = m;

  // The descriptor must be in memory before the NIC sees the new tail.
  __sync_synchronize();
#ifdef E1000_BUG_tx_no_wrap
  reg_write(E1000_TDT, tail + 1);  // Bug: the index never wraps.
#else
  reg_write(E1000_TDT, (tail + 1) % TX_RING_SIZE);
#endif
  release(&tx_lock);
  return 0;
}

// Take every filled descriptor off the RX ring, refill the slots, then hand
// the frames to the stack with no lock held.
#ifdef E1000_BUG_rx_starved
static uint32 rx_next = 0;  // Bug: the driver's own index; RDT never moves.
#endif

void
e1000_recv(void)
{
  for(;;) {
    struct mbufq ready;
    mbufq_init(&ready);

    acquire(&rx_lock);
    for(;;) {
#ifdef E1000_BUG_rx_starved
      uint32 next = rx_next;
#else
      uint32 next = (reg_read(E1000_RDT) + 1) % RX_RING_SIZE;
#endif
      struct e1000_rx_desc *d = &rx_ring[next];
      if((d->status & E1000_RXD_STAT_DD) == 0)
        break;
      __sync_synchronize();  // read the frame only after seeing DD

      struct mbuf *m = rx_mbufs[next];
      struct mbuf *fresh = mbufalloc(0);
      if(fresh && (d->status & E1000_RXD_STAT_EOP) && d->length <= MBUF_SIZE) {
        mbufput(m, d->length);
        mbufq_pushtail(&ready, m);
        rx_mbufs[next] = fresh;
      } else {
        // Out of memory, or a frame spread over several buffers (cannot
        // happen with 2048-byte buffers and a 1518-byte MTU): drop it and
        // give the same buffer back.
        if(fresh)
          mbuffree(fresh);
      }
      d->addr = (uint64)rx_mbufs[next]->head;
#ifndef E1000_BUG_rx_overrun  // Bug: DD left set on a slot handed back.
      d->status = 0;
#endif
      d->length = 0;
      __sync_synchronize();  // the slot must be clean before the NIC owns it
#ifdef E1000_BUG_rx_starved
      rx_next = (next + 1) % RX_RING_SIZE;
#else
      reg_write(E1000_RDT, next);
#endif
    }
    release(&rx_lock);

    if(mbufq_empty(&ready))
      return;
    struct mbuf *m;
    while((m = mbufq_pophead(&ready)) != 0)
      net_rx(m);
  }
}

void
e1000_intr(void)
{
  if(regs == 0)
    return;  // an interrupt on line 33 with no E1000 behind it
  // Acknowledge every cause first: a frame that arrives while we drain
  // raises a new interrupt instead of being lost.
#ifndef E1000_BUG_icr_unacked  // Bug: causes never acknowledged.
  reg_write(E1000_ICR, 0xffffffff);
#endif
  e1000_recv();
}
