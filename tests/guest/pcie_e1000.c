/* PCIe with the E1000 at 00:01.0, probed the way a lab kernel does and a
 * little further: host bridge at 00:00.0, the NIC's IDs, class, revision,
 * header type and interrupt pin, BAR sizing, COMMAND, BAR0 = 0x40000000,
 * then E1000 registers through the MMIO window (STATUS link up, register
 * read-back, self-clearing reset) and its INTA through PLIC IRQ 33
 * (cause raised with ICS, acknowledged by reading ICR). */
#include "guest.h"

#define CFG(dev, reg) (ECAM + ((u64)(dev) << 15) + (reg))
#define E1000 0x40000000ULL
#define E_CTRL   0x0000
#define E_STATUS 0x0008
#define E_ICR    0x00c0
#define E_ICS    0x00c8
#define E_IMS    0x00d0
#define E_IMC    0x00d8
#define E_TDLEN  0x3808
#define E_RDT    0x2818
#define IRQ_E1000 33

static u32 cfg32(int dev, int reg) { return mmio_read32(CFG(dev, reg)); }
static void set_cfg32(int dev, int reg, u32 v) { mmio_write32(CFG(dev, reg), v); }
static u8 cfg8(int dev, int reg) { return *(volatile u8 *)CFG(dev, reg); }
static u32 e1000(u32 reg) { return mmio_read32(E1000 + reg); }
static void set_e1000(u32 reg, u32 v) { mmio_write32(E1000 + reg, v); }

int main(void) {
	rt_puts("pcie_e1000: start\n");
	/* --- configuration space --- */
	rt_check(1, cfg32(0, 0x00), 0x00081b36);              /* host bridge */
	rt_check(2, cfg32(0, 0x08) >> 8, 0x060000);          /* class: host bridge */
	rt_check(3, cfg32(1, 0x00), 0x100e8086);              /* 82540EM */
	rt_check(4, cfg32(1, 0x08), 0x02000003);              /* ethernet, rev 3 */
	rt_check(5, cfg8(1, 0x0e) & 0x7f, 0);                 /* header type 0 */
	rt_check(6, cfg8(1, 0x3d), 1);                        /* INTA */
	rt_check(7, cfg32(2, 0x00), 0xffffffff);
	rt_puts("pcie_e1000: found 8086:100e at 00:01.0\n");

	/* --- BAR sizing: write all-ones, read the size mask, restore --- */
	u32 want[6] = {0xfffe0000, 0xffffffc1, 0, 0, 0, 0};   /* 128 KiB mem, 64 B I/O */
	for (int i = 0; i < 6; i++) {
		int reg = 0x10 + 4 * i;
		u32 old = cfg32(1, reg);
		set_cfg32(1, reg, 0xffffffff);
		rt_check(8 + i, cfg32(1, reg), want[i]);
		set_cfg32(1, reg, old);
	}
	set_cfg32(1, 0x04, 7);                                 /* I/O, memory, bus master */
	rt_check(14, cfg32(1, 0x04) & 7, 7);
	set_cfg32(1, 0x10, (u32)E1000);
	rt_check(15, cfg32(1, 0x10), (u32)E1000);
	rt_puts("pcie_e1000: bar0 at 0x40000000\n");

	/* --- device registers through the window --- */
	rt_check(16, e1000(E_STATUS) & 2, 2);                  /* link up */
	set_e1000(E_TDLEN, 16 * 16);
	rt_check(17, e1000(E_TDLEN), 256);
	set_e1000(E_RDT, 15);
	rt_check(18, e1000(E_RDT), 15);
	set_e1000(E_CTRL, e1000(E_CTRL) | (1u << 26));         /* reset */
	rt_check(19, e1000(E_CTRL) & (1u << 26), 0);           /* self-clears */
	rt_puts("pcie_e1000: registers ok\n");

	/* --- INTA -> PLIC 33 --- */
	mmio_write32(PLIC + 4 * IRQ_E1000, 1);
	mmio_write32(PLIC + 0x2000 + 4, 1u << (IRQ_E1000 - 32));
	mmio_write32(PLIC + 0x200000, 0);
	(void)e1000(E_ICR);                                    /* clear */
	set_e1000(E_IMC, 0xffffffff);
	set_e1000(E_IMS, 1 << 7);                              /* RXT0 */
	rt_check(20, e1000(E_IMS), 1 << 7);
	set_e1000(E_ICS, 1 << 7);
	rt_check(21, mmio_read32(PLIC + 0x1000 + 4) >> (IRQ_E1000 - 32) & 1, 1);
	rt_check(22, csr_read(mip) >> IRQ_MEI & 1, 1);
	u32 claim = mmio_read32(PLIC + 0x200004);
	rt_check(23, claim, IRQ_E1000);
	rt_check(24, e1000(E_ICR) & (1 << 7), 1 << 7);         /* read clears */
	rt_check(25, e1000(E_ICR), 0);
	mmio_write32(PLIC + 0x200004, claim);
	rt_check(26, csr_read(mip) >> IRQ_MEI & 1, 0);
	rt_check(27, mmio_read32(PLIC + 0x200004), 0);
	set_e1000(E_IMC, 0xffffffff);
	rt_puts("pcie_e1000: interrupt ok\n");
	return 0;
}
