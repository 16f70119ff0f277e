package uart

// Register offsets (1-byte stride).
const (
	regData = 0 // RBR on read, THR on write; DLL with DLAB
	regIER  = 1 // DLM with DLAB
	regIIR  = 2 // IIR on read, FCR on write
	regLCR  = 3
	regMCR  = 4
	regLSR  = 5
	regMSR  = 6
	regSCR  = 7
)

// Read implements bus.Device. Registers are one byte wide; wider accesses
// see the register at their offset. Offsets past SCR read 0.
func (u *UART) Read(off uint64, size int) uint64 {
	dlab := u.lcr&lcrDLAB != 0
	switch off {
	case regData:
		if dlab {
			return uint64(u.dll)
		}
		b := u.popRX()
		u.update()
		return uint64(b)
	case regIER:
		if dlab {
			return uint64(u.dlm)
		}
		return uint64(u.ier)
	case regIIR:
		c := u.cause()
		if c == iirTHRI {
			u.thrPending = false // reading IIR acknowledges THRE
			u.update()
		}
		if u.fifoOn() {
			c |= iirFIFOs
		}
		return uint64(c)
	case regLCR:
		return uint64(u.lcr)
	case regMCR:
		return uint64(u.mcr)
	case regLSR:
		u.listening = true
		v := u.lsr()
		if u.overrun {
			u.overrun = false // error bits clear on read
			u.update()
		}
		return uint64(v)
	case regMSR:
		return uint64(u.msr())
	case regSCR:
		return uint64(u.scr)
	}
	return 0
}

// Write implements bus.Device. The interrupt line is re-driven only where
// the interrupt state can change (THR, IER, FCR, MCR), because the PLIC
// latches a request on every Set(true).
func (u *UART) Write(off uint64, size int, val uint64) {
	v := uint8(val)
	dlab := u.lcr&lcrDLAB != 0
	switch off {
	case regData:
		if dlab {
			u.dll = v
			return
		}
		u.thrPending = false
		u.transmit(v)
	case regIER:
		if dlab {
			u.dlm = v
			return
		}
		changed := (u.ier ^ v) & ierMask
		u.ier = v & ierMask
		if u.ier&ierRDI != 0 {
			u.listening = true
		}
		if changed == 0 {
			return
		}
		// Turning THRI on while the transmitter is empty raises THRE at once
		// (QEMU and Bochs do so; drivers that kick transmission by enabling
		// THRI rely on it).
		if changed&ierTHRI != 0 {
			u.thrPending = u.ier&ierTHRI != 0 && u.lsr()&lsrTHRE != 0
		}
	case regIIR: // FCR
		if (v^u.fcr)&fcrEnable != 0 || v&fcrClearRX != 0 {
			u.clearRX() // toggling the FIFO mode also empties it
		}
		u.fcr = v & (fcrEnable | fcrTrigMask)
	case regMCR:
		u.mcr = v & mcrMask
	case regLCR:
		u.lcr = v
		return
	case regSCR:
		u.scr = v
		return
	default:
		return // LSR and MSR are read-only
	}
	u.update()
}
