package e1000

// EEPROM layout facts (8254x manual): words 0-2 hold the MAC, 0x0B-0x0E the
// PCI subsystem/device/vendor IDs, and word 0x3F makes the sum of words
// 0x00-0x3F equal 0xBABA, which drivers verify.
const (
	eepromWords    = 64
	eepromChecksum = 0xBABA
)

// EECD bits for the bit-banged Microwire interface.
const (
	eecdSK   = 1 << 0
	eecdCS   = 1 << 1
	eecdDI   = 1 << 2
	eecdDO   = 1 << 3
	eecdREQ  = 1 << 6
	eecdGNT  = 1 << 7
	eecdPRES = 1 << 8
)

type eeprom struct {
	words [eepromWords]uint16

	// Microwire state: bits clocked in since CS went high, then the data
	// bit position being clocked out (-1 before the first data edge).
	eecd    uint32
	in      uint32
	inBits  int
	reading bool
	outPos  int
}

func (p *eeprom) load(mac [6]byte) {
	p.words = [eepromWords]uint16{}
	for i := 0; i < 3; i++ {
		p.words[i] = uint16(mac[2*i]) | uint16(mac[2*i+1])<<8
	}
	p.words[0x0B] = 0x1100 // subsystem ID
	p.words[0x0C] = 0x1af4 // subsystem vendor ID
	p.words[0x0D] = DeviceID
	p.words[0x0E] = VendorID
	var sum uint16
	for i := 0; i < eepromWords-1; i++ {
		sum += p.words[i]
	}
	p.words[eepromWords-1] = eepromChecksum - sum
}

func (p *eeprom) resetBus() {
	p.eecd = 0
	p.in, p.inBits, p.reading, p.outPos = 0, 0, false, -1
}

func (p *eeprom) word(addr uint32) uint16 {
	return p.words[addr%eepromWords]
}

// EERD: a read started by writing START completes at once.
func (e *E1000) writeEERD(_ uint32, v uint32) {
	if v&eerdStart == 0 {
		e.setReg(regEERD, v)
		return
	}
	addr := (v >> 8) & 0xFF
	e.setReg(regEERD, uint32(e.eeprom.word(addr))<<16|addr<<8|eerdDone)
}

func (e *E1000) readEECD(uint32) uint32 {
	p := &e.eeprom
	v := p.eecd&(eecdSK|eecdCS|eecdDI|eecdREQ) | eecdPRES
	if p.eecd&eecdREQ != 0 {
		v |= eecdGNT
	}
	if p.reading && p.outPos >= 0 {
		w := p.word(uint32(p.outPos / 16))
		if w>>(15-p.outPos%16)&1 != 0 {
			v |= eecdDO
		}
	}
	return v
}

// writeEECD clocks the Microwire interface: on each rising SK edge with CS
// high one bit goes in (start bit, READ opcode 10, six address bits) and,
// once a read is decoded, one data bit comes out, MSB first.
func (e *E1000) writeEECD(_ uint32, v uint32) {
	p := &e.eeprom
	old := p.eecd
	p.eecd = v
	if v&eecdCS == 0 {
		p.in, p.inBits, p.reading, p.outPos = 0, 0, false, -1
		return
	}
	if old&eecdSK != 0 || v&eecdSK == 0 {
		return // not a rising edge
	}
	if p.reading {
		p.outPos++
		return
	}
	bit := uint32(0)
	if v&eecdDI != 0 {
		bit = 1
	}
	if p.inBits == 0 && bit == 0 {
		return // waiting for the start bit
	}
	p.in = p.in<<1 | bit
	p.inBits++
	if p.inBits == 9 {
		if p.in>>6 == 0b110 { // start bit, then READ
			p.reading = true
			p.outPos = int(p.in&0x3F)*16 - 1
		} else {
			e.logOnce("eeprom op", "EEPROM opcode %#x not supported", p.in>>6)
			p.in, p.inBits = 0, 0
		}
	}
}
