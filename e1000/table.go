package e1000

import "fmt"

// The BAR0 register file, each register described once: offset, name,
// access, and the handlers that give it behaviour beyond storage. Read32
// and write32 look an access up here by offset; the tracer names and
// decodes registers from here. Offsets not listed are unknown: reads
// return 0 and writes are ignored, each logged once.

// access is what a guest access does when the register has no handler.
type access uint8

const (
	rw access = iota // reads return the stored value, writes store it
	ro               // writes are ignored
	// w1: a write sets or clears the bits written as 1 (ICR, ICS, IMS,
	// IMC), so a narrow write must not replay the other bytes.
	w1
)

// register is one row of the table: a single register, or an array of n
// consecutive dwords (MTA, RA, VFTA, the statistics).
type register struct {
	off  uint32
	n    uint32 // dwords in an array; 0 for a single register
	name string
	acc  access
	// reserved bits read as 0 whatever a plain write stores.
	reserved uint32
	// read returns the value a guest read sees; nil: the stored value.
	read func(e *E1000, off uint32) uint32
	// write replaces the plain store; nil: store (rw) or ignore (ro).
	write func(e *E1000, off, v uint32)
	// then is what a write starts once the value is stored.
	then func(e *E1000)
	// show decodes a written value for the trace; "" when hex says it all.
	show func(off, v uint32) string
	// elem names an array's dword; nil: name[i].
	elem func(i, off uint32) string
}

// registers is the table, in the manual's order.
var registers = []register{
	{off: regCTRL, name: "CTRL", write: (*E1000).writeCTRL, show: showCTRL},
	{off: regSTATUS, name: "STATUS", acc: ro, read: readStatus},
	{off: regEECD, name: "EECD", read: (*E1000).readEECD, write: (*E1000).writeEECD},
	{off: regEERD, name: "EERD", write: (*E1000).writeEERD},
	{off: regCTRLEXT, name: "CTRL_EXT"},
	{off: regMDIC, name: "MDIC", write: (*E1000).writeMDIC},
	{off: 0x0028, name: "FCAL"},
	{off: 0x002C, name: "FCAH"},
	{off: 0x0030, name: "FCT"},
	{off: 0x0038, name: "VET"},
	{off: regICR, name: "ICR", acc: w1, read: (*E1000).readICR, write: (*E1000).writeICR, show: showCauses},
	{off: regITR, name: "ITR"},
	{off: regICS, name: "ICS", acc: w1, read: (*E1000).readICS, write: (*E1000).writeICS, show: showCauses},
	{off: regIMS, name: "IMS", acc: w1, write: (*E1000).writeIMS, show: showCauses},
	{off: regIMC, name: "IMC", acc: w1, read: readZero, write: (*E1000).writeIMC, show: showCauses},
	{off: regRCTL, name: "RCTL", then: (*E1000).deliverWaiting, show: showRCTL},
	{off: 0x0170, name: "FCTTV"},
	{off: 0x0178, name: "TXCW"},
	{off: 0x0180, name: "RXCW", acc: ro},
	{off: regTCTL, name: "TCTL", then: (*E1000).transmitRing, show: showTCTL},
	{off: regTIPG, name: "TIPG"},
	{off: 0x0E00, name: "LEDCTL"},
	{off: 0x1000, name: "PBA"},
	{off: 0x2160, name: "FCRTL"},
	{off: 0x2168, name: "FCRTH"},
	{off: regRDBAL, name: "RDBAL", reserved: 0xF},
	{off: regRDBAH, name: "RDBAH"},
	{off: regRDLEN, name: "RDLEN", reserved: ^uint32(0xF_FF80), show: showRingLength},
	{off: regRDH, name: "RDH", reserved: 0xFFFF_0000},
	{off: regRDT, name: "RDT", reserved: 0xFFFF_0000, then: (*E1000).deliverWaiting},
	{off: regRDTR, name: "RDTR"},
	{off: 0x2828, name: "RXDCTL"},
	{off: regRADV, name: "RADV"},
	{off: 0x2C00, name: "RSRPD"},
	{off: regTDBAL, name: "TDBAL", reserved: 0xF},
	{off: regTDBAH, name: "TDBAH"},
	{off: regTDLEN, name: "TDLEN", reserved: ^uint32(0xF_FF80), show: showRingLength},
	{off: regTDH, name: "TDH", reserved: 0xFFFF_0000},
	{off: regTDT, name: "TDT", reserved: 0xFFFF_0000, then: (*E1000).transmitRing},
	{off: regTIDV, name: "TIDV"},
	{off: 0x3828, name: "TXDCTL"},
	{off: regTADV, name: "TADV"},
	{off: regStats, n: 64, name: "STAT", acc: ro, read: readClearStat, elem: statName},
	{off: 0x5000, name: "RXCSUM"},
	{off: regMTA, n: 128, name: "MTA"},
	{off: regRA, n: 32, name: "RA", elem: raName, show: showRAH0},
	{off: regVFTA, n: 128, name: "VFTA"},
	{off: 0x5800, name: "WUC"},
	{off: 0x5820, name: "MANC"},
}

// regSpan bounds the offsets the table covers; above it all is unknown.
const regSpan = 0x6000

// regIndex maps a dword of BAR0 to its row of registers plus one (0:
// unknown register).
var regIndex = indexRegisters(registers)

func indexRegisters(rows []register) *[regSpan / 4]uint8 {
	var idx [regSpan / 4]uint8
	if len(rows) > 255 {
		panic("e1000: register table too long for its index")
	}
	for i, r := range rows {
		for d := uint32(0); d < max(r.n, 1); d++ {
			at := r.off/4 + d
			if idx[at] != 0 {
				panic(fmt.Sprintf("e1000: registers %s and %s overlap at %#x", rows[idx[at]-1].name, r.name, at*4))
			}
			idx[at] = uint8(i + 1)
		}
	}
	return &idx
}

// registerAt returns the row for the dword at off, or nil.
func registerAt(off uint32) *register {
	if off >= regSpan {
		return nil
	}
	if i := regIndex[off/4]; i != 0 {
		return &registers[i-1]
	}
	return nil
}

// nameAt names the dword at off: the register, or the array element.
func (r *register) nameAt(off uint32) string {
	if r.n == 0 {
		return r.name
	}
	i := (off - r.off) / 4
	if r.elem != nil {
		return r.elem(i, off)
	}
	return fmt.Sprintf("%s[%d]", r.name, i)
}

// raName: the receive addresses are pairs, low dword then high.
func raName(i, _ uint32) string {
	if i%2 == 0 {
		return fmt.Sprintf("RAL%d", i/2)
	}
	return fmt.Sprintf("RAH%d", i/2)
}

func statName(_, off uint32) string { return fmt.Sprintf("STAT[%#x]", off) }

func readStatus(*E1000, uint32) uint32 { return statusLinkUp1000FD }

// readZero: a write-only register.
func readZero(*E1000, uint32) uint32 { return 0 }

// writeCTRL: the reset bits self-clear after resetting everything.
func (e *E1000) writeCTRL(_ uint32, v uint32) {
	if v&(ctrlReset|ctrlResetAlt) != 0 {
		e.reset()
		v &^= ctrlReset | ctrlResetAlt
		v |= e.reg(regCTRL) & ctrlSLU
	}
	e.setReg(regCTRL, v&^ctrlPHYReset)
}

// ICR clears on read and on write-1.
func (e *E1000) readICR(uint32) uint32 {
	v := e.reg(regICR)
	e.setReg(regICR, 0)
	e.updateIRQ()
	return v
}

func (e *E1000) writeICR(_ uint32, v uint32) {
	e.setReg(regICR, e.reg(regICR)&^v)
	e.updateIRQ()
}

// ICS sets causes as if the device raised them; reading it shows ICR
// without clearing it.
func (e *E1000) readICS(uint32) uint32       { return e.reg(regICR) }
func (e *E1000) writeICS(_ uint32, v uint32) { e.raise(v) }

// IMS enables causes, IMC disables them.
func (e *E1000) writeIMS(_ uint32, v uint32) {
	e.setReg(regIMS, e.reg(regIMS)|v)
	e.updateIRQ()
}

func (e *E1000) writeIMC(_ uint32, v uint32) {
	e.setReg(regIMS, e.reg(regIMS)&^v)
	e.updateIRQ()
}

// Statistics registers clear when read, as on the real part.
func readClearStat(e *E1000, off uint32) uint32 {
	v := e.reg(off)
	e.setReg(off, 0)
	return v
}

// count adds to a statistics register, saturating like the hardware does.
func (e *E1000) count(off uint32, n uint32) {
	v := e.reg(off)
	if v+n < v {
		v = 0xFFFF_FFFF
	} else {
		v += n
	}
	e.setReg(off, v)
}

// countOctets adds to a 64-bit low/high statistics pair.
func (e *E1000) countOctets(low uint32, n int) {
	v := uint64(e.reg(low+4))<<32 | uint64(e.reg(low)) + uint64(n)
	e.setReg(low, uint32(v))
	e.setReg(low+4, uint32(v>>32))
}

// MDIC reaches the PHY; the access completes at once.
func (e *E1000) writeMDIC(_ uint32, v uint32) {
	phyAddr, reg := (v>>21)&31, (v>>16)&31
	if phyAddr != 1 {
		e.setReg(regMDIC, v|mdicReady|1<<30) // error: no such PHY
		return
	}
	if v&(3<<26) == mdicOpRead {
		v = v&^0xFFFF | uint32(e.phy[reg])
	} else {
		e.phy[reg] = uint16(v)
	}
	e.setReg(regMDIC, v|mdicReady)
}

// defaultPHY: an M88E1011-style PHY with the link up and autonegotiated.
var defaultPHY = [32]uint16{
	0: 0x1140, 1: 0x796D, 2: 0x0141, 3: 0x0C20, 4: 0x0DE1, 5: 0x41E1,
	6: 0x0001, 9: 0x0E00, 10: 0x3C00, 15: 0x3000, 17: 0xAC00,
}
