package e1000

import (
	"encoding/binary"
	"hash/crc32"
)

// Receive offers a frame (no FCS) from the link to the guest. Frames the
// address filter rejects are dropped; accepted frames are written to the
// receive ring, or wait in a bounded queue while the ring has no free
// descriptors (or bus mastering is off) and are delivered as soon as the
// guest returns descriptors by moving RDT.
func (e *E1000) Receive(frame []byte) {
	rctl := e.reg(regRCTL)
	if rctl&rctlEN == 0 {
		e.stats.RxDisabled++
		return
	}
	limit := maxFrame
	if rctl&rctlLPE != 0 {
		limit = maxLong
	}
	if len(frame) > limit || len(frame) < 14 {
		e.count(statROC, 1)
		e.stats.RxBadSize++
		return
	}
	if !e.accept(frame) {
		e.stats.RxFiltered++
		return
	}
	size := max(len(frame), minFrame)
	f := make([]byte, size, size+4)
	copy(f, frame)
	if len(e.rxWait) >= e.rxLimit {
		e.count(statMPC, 1)
		e.stats.RxOverflow++
		e.logOnce("rx overflow", "receive queue full (%d frames): frames dropped (counted in MPC)", e.rxLimit)
		e.raise(IntRXO)
		return
	}
	e.rxWait = append(e.rxWait, f)
	if len(e.rxWait) == 1 {
		e.deliverWaiting()
	}
	e.notify(event{kind: evRxFrame})
	if len(e.rxWait) > 0 {
		e.count(statRNBC, 1)
	}
}

// Waiting returns how many received frames wait for descriptors.
func (e *E1000) Waiting() int { return len(e.rxWait) }

// deliverWaiting moves queued frames into the ring while it has room.
func (e *E1000) deliverWaiting() {
	for len(e.rxWait) > 0 {
		if e.reg(regRCTL)&rctlEN == 0 || !e.cfg.BusMaster() {
			return
		}
		ok, consumed := e.deliver(e.rxWait[0])
		if consumed {
			e.rxWait[0] = nil
			e.rxWait = e.rxWait[1:]
			if len(e.rxWait) == 0 {
				e.rxWait = nil
			}
		}
		if !ok {
			return
		}
	}
}

// bufferSize decodes RCTL.BSIZE/BSEX.
func bufferSize(rctl uint32) int {
	sizes := [2][4]int{{2048, 1024, 512, 256}, {2048, 16384, 8192, 4096}}
	ext := 0
	if rctl&rctlBSEX != 0 {
		ext = 1
	}
	return sizes[ext][rctl&rctlBSIZE>>16]
}

// deliver writes one frame into the ring. ok is false when the ring cannot
// take it now; consumed is true when the frame is done with (written or
// dropped for good).
func (e *E1000) deliver(frame []byte) (ok, consumed bool) {
	r := e.ringAt(regRDBAL, regRDBAH, regRDLEN, regRDH, regRDT)
	if !e.usable("RX", r) {
		return false, false
	}
	rctl := e.reg(regRCTL)
	if rctl&rctlSECRC == 0 {
		frame = binary.LittleEndian.AppendUint32(frame, crc32.ChecksumIEEE(frame))
	}
	bufSize := bufferSize(rctl)
	need := uint32((len(frame) + bufSize - 1) / bufSize)
	if need > r.count-1 {
		e.logOnce("rx ring small", "frame of %d bytes needs %d descriptors, ring has %d: dropped", len(frame), need, r.count)
		e.stats.RxBadSize++
		return true, true
	}
	free := (r.tail + r.count - r.head) % r.count
	if free < need {
		return false, false
	}
	for rest := frame; len(rest) > 0; {
		chunk := rest[:min(len(rest), bufSize)]
		rest = rest[len(chunk):]
		addr := r.base + uint64(r.head)*descSize
		buf, err := e.bus.ReadU64(addr)
		if err != nil {
			e.logOnce("rx desc dma", "RX descriptor at %#x outside RAM: ring stalled", addr)
			return false, true
		}
		var wb [8]byte // length, checksum, status, errors, special
		binary.LittleEndian.PutUint16(wb[0:], uint16(len(chunk)))
		wb[4] = rxStaDD
		if len(rest) == 0 {
			wb[4] |= rxStaEOP
		}
		if err := e.bus.WriteDMA(buf, chunk); err != nil {
			e.logOnce("rx buf dma", "RX buffer at %#x outside RAM: frame reported with RXE", buf)
			wb[5] = 0x80 // RXE
		}
		if err := e.bus.WriteDMA(addr+8, wb[:]); err != nil {
			e.logOnce("rx wb dma", "RX write-back at %#x outside RAM", addr+8)
		}
		r.head = (r.head + 1) % r.count
		e.setReg(regRDH, r.head)
	}
	e.count(statGPRC, 1)
	e.count(statTPR, 1)
	e.countOctets(statGORCL, len(frame))
	e.countOctets(statTORL, len(frame))
	if isBroadcast(frame) {
		e.count(statBPRC, 1)
	} else if frame[0]&1 != 0 {
		e.count(statMPRC, 1)
	}
	e.stats.RxFrames++
	cause := uint32(IntRXT0)
	free = (r.tail + r.count - r.head) % r.count
	if free <= r.count>>((rctl&rctlRDMTS>>8)+1) {
		cause |= IntRXDMT0
	}
	e.raise(cause)
	return true, true
}
