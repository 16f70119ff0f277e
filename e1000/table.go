package e1000

// buildTable lists every register the model knows. Registers without
// handlers are plain storage; anything else reads 0 and ignores writes.
func buildTable() map[uint32]register {
	plain := register{}
	readOnly := register{write: func(*E1000, uint32, uint32) {}}
	t := map[uint32]register{
		regCTRL:    {write: (*E1000).writeCTRL},
		regSTATUS:  {read: func(*E1000, uint32) uint32 { return statusLinkUp1000FD }, write: readOnly.write},
		regEECD:    {read: (*E1000).readEECD, write: (*E1000).writeEECD},
		regEERD:    {write: (*E1000).writeEERD},
		regCTRLEXT: plain,
		regMDIC:    {write: (*E1000).writeMDIC},
		regICR:     {read: (*E1000).readICR, write: (*E1000).writeICR},
		regITR:     plain,
		regICS:     {read: func(e *E1000, _ uint32) uint32 { return e.reg(regICR) }, write: func(e *E1000, _ uint32, v uint32) { e.raise(v) }},
		regIMS:     {write: func(e *E1000, _ uint32, v uint32) { e.setReg(regIMS, e.reg(regIMS)|v); e.updateIRQ() }},
		regIMC: {read: func(*E1000, uint32) uint32 { return 0 }, write: func(e *E1000, _ uint32, v uint32) {
			e.setReg(regIMS, e.reg(regIMS)&^v)
			e.updateIRQ()
		}},
		regRCTL:  {write: func(e *E1000, _ uint32, v uint32) { e.setReg(regRCTL, v); e.deliverWaiting() }},
		regTCTL:  {write: func(e *E1000, _ uint32, v uint32) { e.setReg(regTCTL, v); e.transmitRing() }},
		regTIPG:  plain,
		regRDBAL: {write: func(e *E1000, _ uint32, v uint32) { e.setReg(regRDBAL, v&^0xF) }},
		regRDBAH: plain,
		regRDLEN: {write: func(e *E1000, _ uint32, v uint32) { e.setReg(regRDLEN, v&0xF_FF80) }},
		regRDH:   {write: func(e *E1000, _ uint32, v uint32) { e.setReg(regRDH, v&0xFFFF) }},
		regRDT:   {write: func(e *E1000, _ uint32, v uint32) { e.setReg(regRDT, v&0xFFFF); e.deliverWaiting() }},
		regRDTR:  plain,
		regRADV:  plain,
		regTDBAL: {write: func(e *E1000, _ uint32, v uint32) { e.setReg(regTDBAL, v&^0xF) }},
		regTDBAH: plain,
		regTDLEN: {write: func(e *E1000, _ uint32, v uint32) { e.setReg(regTDLEN, v&0xF_FF80) }},
		regTDH:   {write: func(e *E1000, _ uint32, v uint32) { e.setReg(regTDH, v&0xFFFF) }},
		regTDT:   {write: func(e *E1000, _ uint32, v uint32) { e.setReg(regTDT, v&0xFFFF); e.transmitRing() }},
		regTIDV:  plain,
		regTADV:  plain,
		// Registers drivers touch that have no effect in this model.
		0x0028: plain, 0x002C: plain, 0x0030: plain, 0x0038: plain, // flow control, VLAN ethertype
		0x0170: plain, 0x0178: plain, 0x0180: readOnly, // FCTTV, TXCW, RXCW
		0x0E00: plain, 0x1000: plain, // LEDCTL, PBA
		0x2160: plain, 0x2168: plain, 0x2828: plain, 0x2C00: plain, // FCRTL/H, RXDCTL, RSRPD
		0x3828: plain, 0x5000: plain, 0x5800: plain, 0x5820: plain, // TXDCTL, RXCSUM, WUC, MANC
	}
	for i := uint32(0); i < 128; i++ {
		t[regMTA+4*i] = plain
		t[regVFTA+4*i] = plain
	}
	for i := uint32(0); i < 32; i++ {
		t[regRA+4*i] = plain
	}
	for i := uint32(0); i < 64; i++ {
		t[regStats+4*i] = register{read: readClearStat, write: readOnly.write}
	}
	return t
}

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
