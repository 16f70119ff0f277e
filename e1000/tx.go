package e1000

import "encoding/binary"

// ring describes one descriptor ring from its registers.
type ring struct {
	base       uint64
	count      uint32 // descriptors
	head, tail uint32
}

func (e *E1000) ringAt(bal, bah, length, head, tail uint32) ring {
	return ring{
		base:  uint64(e.reg(bah))<<32 | uint64(e.reg(bal)),
		count: e.reg(length) / descSize,
		head:  e.reg(head),
		tail:  e.reg(tail),
	}
}

// usable checks the guest's ring setup; a bad one stalls the ring (as the
// hardware would hang) and is logged once.
func (e *E1000) usable(name string, r ring) bool {
	if r.count == 0 {
		return false
	}
	if r.head >= r.count || r.tail >= r.count {
		e.logOnce(name+" bounds", "%s head %d or tail %d outside a ring of %d descriptors", name, r.head, r.tail, r.count)
		return false
	}
	return true
}

// transmitRing sends every descriptor from TDH up to TDT. It runs when the
// guest writes TDT or TCTL.
func (e *E1000) transmitRing() {
	if e.reg(regTCTL)&tctlEN == 0 {
		return
	}
	if !e.cfg.BusMaster() {
		e.logOnce("tx no bus master", "transmit with bus mastering disabled: ignored")
		return
	}
	r := e.ringAt(regTDBAL, regTDBAH, regTDLEN, regTDH, regTDT)
	if !e.usable("TX", r) {
		return
	}
	var cause uint32
	var desc [descSize]byte
	for r.head != r.tail {
		addr := r.base + uint64(r.head)*descSize
		if err := e.bus.ReadDMA(addr, desc[:]); err != nil {
			e.logOnce("tx desc dma", "TX descriptor at %#x outside RAM: ring stalled", addr)
			break
		}
		if e.handleTxDescriptor(desc[:]) {
			desc[12] |= txStaDD
			if err := e.bus.WriteDMA(addr+12, desc[12:13]); err != nil {
				e.logOnce("tx wb dma", "TX write-back at %#x outside RAM", addr+12)
			}
			cause |= IntTXDW
		}
		r.head = (r.head + 1) % r.count
		e.setReg(regTDH, r.head)
	}
	e.raise(cause | IntTXQE)
}

// handleTxDescriptor gathers one descriptor's buffer and sends the frame at
// EOP. It reports whether the descriptor asked for status write-back (RS).
// Legacy descriptors carry a 16-bit length; extended (DEXT) data
// descriptors a 20-bit one; context descriptors carry offload parameters,
// which this model does not use.
func (e *E1000) handleTxDescriptor(d []byte) (report bool) {
	cmd := d[11]
	report = cmd&txCmdRS != 0
	var length uint32
	if cmd&txCmdDEXT != 0 {
		switch d[10] >> 4 {
		case 0: // context
			return report
		case 1: // data
			length = binary.LittleEndian.Uint32(d[8:12]) & 0xF_FFFF
			if cmd&(1<<2) != 0 {
				e.logOnce("tso", "TCP segmentation offload not supported: sent as one frame")
			}
		default:
			e.logOnce("tx dtyp", "TX descriptor type %d unknown: skipped", d[10]>>4)
			return report
		}
	} else {
		length = uint32(binary.LittleEndian.Uint16(d[8:10]))
	}
	buf := binary.LittleEndian.Uint64(d[0:8])
	if len(e.txFrame)+int(length) > maxTxData {
		e.logOnce("tx too long", "TX frame longer than %d bytes: dropped", maxTxData)
		e.txFrame = e.txFrame[:0]
		e.txBad = true
	} else if length > 0 {
		n := len(e.txFrame)
		e.txFrame = append(e.txFrame, make([]byte, length)...)
		if err := e.bus.ReadDMA(buf, e.txFrame[n:]); err != nil {
			e.logOnce("tx buf dma", "TX buffer at %#x (+%d) outside RAM: frame dropped", buf, length)
			e.txBad = true
		}
	}
	if cmd&txCmdEOP != 0 {
		e.finishTxFrame()
	}
	return report
}

// finishTxFrame pads and hands the gathered frame to the link.
func (e *E1000) finishTxFrame() {
	frame := e.txFrame
	bad := e.txBad
	e.txFrame, e.txBad = nil, false
	if !bad {
		e.notify(event{kind: evTxFrame, length: len(frame)})
	}
	if bad || len(frame) == 0 {
		e.stats.TxDropped++
		return
	}
	if len(frame) < minFrame && e.reg(regTCTL)&tctlPSP != 0 {
		frame = append(frame, make([]byte, minFrame-len(frame))...)
	}
	e.count(statGPTC, 1)
	e.count(statTPT, 1)
	e.countOctets(statGOTCL, len(frame)+4)
	e.countOctets(statTOTL, len(frame)+4)
	if isBroadcast(frame) {
		e.count(statBPTC, 1)
	} else if frame[0]&1 != 0 {
		e.count(statMPTC, 1)
	}
	e.stats.TxFrames++
	e.transmit(frame)
}
