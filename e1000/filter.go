package e1000

// accept applies the receive address filter: promiscuous modes, broadcast
// with BAM, unicast against the valid receive addresses, multicast against
// the 4096-bit hash table selected by RCTL.MO.
func (e *E1000) accept(frame []byte) bool {
	rctl := e.reg(regRCTL)
	dst := frame[:6]
	multicast := dst[0]&1 != 0
	switch {
	case isBroadcast(frame):
		return rctl&rctlBAM != 0 || rctl&rctlMPE != 0
	case multicast && rctl&rctlMPE != 0, !multicast && rctl&rctlUPE != 0:
		return true
	case multicast:
		shift := [4]uint{4, 3, 2, 0}[rctl&rctlMO>>12]
		hash := (uint32(dst[4])>>shift | uint32(dst[5])<<(8-shift)) & 0xFFF
		return e.reg(regMTA+4*(hash>>5))>>(hash&31)&1 != 0
	}
	for i := uint32(0); i < 16; i++ {
		low, high := e.reg(regRA+8*i), e.reg(regRA+8*i+4)
		if high&raValid == 0 {
			continue
		}
		if uint32(dst[0])|uint32(dst[1])<<8|uint32(dst[2])<<16|uint32(dst[3])<<24 == low &&
			uint32(dst[4])|uint32(dst[5])<<8 == high&0xFFFF {
			return true
		}
	}
	return false
}

func isBroadcast(frame []byte) bool {
	return len(frame) >= 6 && frame[0]&frame[1]&frame[2]&frame[3]&frame[4]&frame[5] == 0xFF
}
