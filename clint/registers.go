package clint

// Read implements bus.Device. Accesses are 4 or 8 bytes; a 4-byte access to
// a 64-bit register sees the half it addresses. Unknown offsets read 0.
func (c *CLINT) Read(off uint64, size int) uint64 {
	switch {
	case off < mtimecmpBase:
		h := int(off / 4)
		if h < len(c.msip) && off%4 == 0 && c.msip[h] {
			return 1
		}
		return 0
	case off >= mtimecmpBase && off < mtimecmpBase+8*uint64(len(c.mtimecmp)):
		rel := off - mtimecmpBase
		return readHalf(c.mtimecmp[rel/8], rel%8, size)
	case off >= mtimeOffset && off < mtimeOffset+8:
		return readHalf(c.mtime(), off-mtimeOffset, size)
	}
	return 0
}

// Write implements bus.Device. Writes to mtime are ignored: the clock is the
// board's and guests on the virt board do not set it.
func (c *CLINT) Write(off uint64, size int, val uint64) {
	switch {
	case off < mtimecmpBase:
		h := int(off / 4)
		if h < len(c.msip) && off%4 == 0 {
			c.msip[h] = val&1 != 0
		}
	case off >= mtimecmpBase && off < mtimecmpBase+8*uint64(len(c.mtimecmp)):
		rel := off - mtimecmpBase
		h := rel / 8
		c.mtimecmp[h] = writeHalf(c.mtimecmp[h], rel%8, size, val)
	}
}

// readHalf extracts a size-byte access at byte offset within a 64-bit register.
func readHalf(reg, within uint64, size int) uint64 {
	switch {
	case size == 8 && within == 0:
		return reg
	case size == 4 && within == 0:
		return reg & 0xffffffff
	case size == 4 && within == 4:
		return reg >> 32
	}
	return 0
}

// writeHalf merges a size-byte write at byte offset within a 64-bit register.
// Misaligned or odd-sized writes leave the register unchanged.
func writeHalf(reg, within uint64, size int, val uint64) uint64 {
	switch {
	case size == 8 && within == 0:
		return val
	case size == 4 && within == 0:
		return reg&^0xffffffff | val&0xffffffff
	case size == 4 && within == 4:
		return reg&0xffffffff | val<<32
	}
	return reg
}
