// Intel 8254x (E1000, 82540EM as QEMU models it) register map: only the
// registers and bits this driver uses. Offsets are in bytes from BAR0; the
// driver indexes a uint32 array, so every offset here is a multiple of 4.
// Source of the facts: Intel's 8254x Family of Gigabit Ethernet Controllers
// Software Developer's Manual, chapter 13 (registers) and 3.2/3.3 (rings).
#pragma once

// General control and interrupts.
#define E1000_CTRL 0x00000      // device control
#define E1000_CTRL_RST (1u << 26)  // software reset; self-clearing
#define E1000_ICR 0x000C0       // interrupt cause: clears on read and on write-1
#define E1000_IMS 0x000D0       // interrupt mask set (0 masks nothing new)
#define E1000_IMC 0x000D8       // interrupt mask clear
#define E1000_INT_RXT0 (1u << 7)   // receiver timer: a frame was stored

// Receive.
#define E1000_RCTL 0x00100
#define E1000_RCTL_EN (1u << 1)       // receiver enable
#define E1000_RCTL_BAM (1u << 15)     // accept broadcast frames
#define E1000_RCTL_BSIZE_2048 (0u << 16)  // with BSEX=0: 2048-byte buffers
#define E1000_RCTL_SECRC (1u << 26)   // strip the Ethernet CRC
#define E1000_RDBAL 0x02800     // ring base, low 32 bits (16-byte aligned)
#define E1000_RDBAH 0x02804     // ring base, high 32 bits
#define E1000_RDLEN 0x02808     // ring size in bytes (multiple of 128)
#define E1000_RDH 0x02810       // head: next slot the device fills
#define E1000_RDT 0x02818       // tail: last slot software handed back
#define E1000_RDTR 0x02820      // receive delay timer (0 = interrupt at once)
#define E1000_RADV 0x0282C      // absolute receive delay
#define E1000_MTA 0x05200       // multicast table array, 128 words
#define E1000_MTA_WORDS 128
#define E1000_RAL0 0x05400      // receive address 0: MAC bytes 0..3
#define E1000_RAH0 0x05404      // receive address 0: MAC bytes 4..5 + flags
#define E1000_RAH_AV (1u << 31)  // this receive address is valid

// Transmit.
#define E1000_TCTL 0x00400
#define E1000_TCTL_EN (1u << 1)     // transmitter enable
#define E1000_TCTL_PSP (1u << 3)    // pad short packets to 64 bytes
#define E1000_TCTL_CT_SHIFT 4       // collision threshold field
#define E1000_TCTL_COLD_SHIFT 12    // collision distance field
#define E1000_TIPG 0x00410      // inter-packet gap
#define E1000_TDBAL 0x03800
#define E1000_TDBAH 0x03804
#define E1000_TDLEN 0x03808
#define E1000_TDH 0x03810
#define E1000_TDT 0x03818

// Legacy transmit descriptor (16 bytes, manual 3.3.3).
struct e1000_tx_desc {
  uint64 addr;    // physical address of the frame
  uint16 length;  // bytes to send from addr
  uint8 cso;      // checksum offset (unused: we checksum in software)
  uint8 cmd;
  uint8 status;
  uint8 css;      // checksum start (unused)
  uint16 special;
};
#define E1000_TXD_CMD_EOP 0x01  // last descriptor of the frame
#define E1000_TXD_CMD_RS 0x08   // report status: device writes DD back
#define E1000_TXD_STAT_DD 0x01  // descriptor done

// Legacy receive descriptor (16 bytes, manual 3.2.3).
struct e1000_rx_desc {
  uint64 addr;    // physical address of a buffer of the RCTL size
  uint16 length;  // bytes the device stored
  uint16 csum;    // packet checksum (unused)
  uint8 status;
  uint8 errors;
  uint16 special;
};
#define E1000_RXD_STAT_DD 0x01   // descriptor done
#define E1000_RXD_STAT_EOP 0x02  // last descriptor of the frame
