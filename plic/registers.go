package plic

// Register map offsets.
const (
	priorityBase  = 0x000000 // 4 bytes per source
	pendingBase   = 0x001000 // bitmap, read-only
	enableBase    = 0x002000 // bitmap per context
	enableStride  = 0x80
	contextBase   = 0x200000 // threshold, then claim/complete
	contextStride = 0x1000
	claimOffset   = 4 // claim/complete, after the threshold
)

// Read implements bus.Device. Registers are 32 bits; an 8-byte access reads
// two neighbouring registers. Unknown offsets read 0.
func (p *PLIC) Read(off uint64, size int) uint64 {
	if size == 8 {
		return uint64(p.read32(off)) | uint64(p.read32(off+4))<<32
	}
	return uint64(p.read32(off &^ 3))
}

// Write implements bus.Device.
func (p *PLIC) Write(off uint64, size int, val uint64) {
	if size == 8 {
		p.write32(off, uint32(val))
		p.write32(off+4, uint32(val>>32))
		return
	}
	p.write32(off&^3, uint32(val))
}

func (p *PLIC) read32(off uint64) uint32 {
	switch {
	case off < pendingBase:
		if s := off / 4; s < Sources {
			return p.priority[s]
		}
	case off < enableBase:
		if w := (off - pendingBase) / 4; w < words {
			return p.pending[w]
		}
	case off < contextBase:
		ctx, w := (off-enableBase)/enableStride, (off-enableBase)%enableStride/4
		if ctx < uint64(len(p.enable)) && w < words {
			return p.enable[ctx][w]
		}
	default:
		ctx, reg := (off-contextBase)/contextStride, (off-contextBase)%contextStride
		if ctx >= uint64(len(p.threshold)) {
			return 0
		}
		switch reg {
		case 0:
			return p.threshold[ctx]
		case claimOffset:
			return p.claim(int(ctx))
		}
	}
	return 0
}

func (p *PLIC) write32(off uint64, val uint32) {
	switch {
	case off < pendingBase:
		if s := off / 4; s > 0 && s < Sources {
			p.priority[s] = val & maxPriority
		}
	case off < enableBase:
		// Pending bits are set only by the sources.
	case off < contextBase:
		ctx, w := (off-enableBase)/enableStride, (off-enableBase)%enableStride/4
		if ctx < uint64(len(p.enable)) && w < words {
			if w == 0 {
				val &^= 1 // source 0 does not exist
			}
			p.enable[ctx][w] = val
		}
	default:
		ctx, reg := (off-contextBase)/contextStride, (off-contextBase)%contextStride
		if ctx >= uint64(len(p.threshold)) {
			return
		}
		switch reg {
		case 0:
			p.threshold[ctx] = val & maxPriority
		case claimOffset:
			p.complete(val)
		}
	}
}

// ClaimContext reports whether off is a context's claim/complete register,
// and which context (2*hart for M-mode, 2*hart+1 for S-mode): for tracers,
// so that the register layout is described here only.
func ClaimContext(off uint64) (ctx int, ok bool) {
	if off < contextBase || (off-contextBase)%contextStride != claimOffset {
		return 0, false
	}
	return int((off - contextBase) / contextStride), true
}
