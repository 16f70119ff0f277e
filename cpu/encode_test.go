package cpu

// A small instruction encoder for tests, so they run without a toolchain.

func rType(op, f3, f7 uint32, rd, rs1, rs2 int) uint32 {
	return f7<<25 | uint32(rs2)<<20 | uint32(rs1)<<15 | f3<<12 | uint32(rd)<<7 | op
}

func iType(op, f3 uint32, rd, rs1 int, imm int64) uint32 {
	return uint32(imm&0xfff)<<20 | uint32(rs1)<<15 | f3<<12 | uint32(rd)<<7 | op
}

func sType(f3 uint32, rs1, rs2 int, imm int64) uint32 {
	u := uint32(imm & 0xfff)
	return (u>>5)<<25 | uint32(rs2)<<20 | uint32(rs1)<<15 | f3<<12 | (u&31)<<7 | 0x23
}

func bType(f3 uint32, rs1, rs2 int, imm int64) uint32 {
	u := uint32(imm)
	return (u>>12&1)<<31 | (u>>5&0x3f)<<25 | uint32(rs2)<<20 | uint32(rs1)<<15 | f3<<12 |
		(u>>1&0xf)<<8 | (u>>11&1)<<7 | 0x63
}

func encLUI(rd int, imm int64) uint32   { return uint32(imm)&0xfffff000 | uint32(rd)<<7 | 0x37 }
func encAUIPC(rd int, imm int64) uint32 { return uint32(imm)&0xfffff000 | uint32(rd)<<7 | 0x17 }
func encJAL(rd int, imm int64) uint32 {
	u := uint32(imm)
	return (u>>20&1)<<31 | (u>>1&0x3ff)<<21 | (u>>11&1)<<20 | (u>>12&0xff)<<12 | uint32(rd)<<7 | 0x6f
}
func encJALR(rd, rs1 int, imm int64) uint32  { return iType(0x67, 0, rd, rs1, imm) }
func encADDI(rd, rs1 int, imm int64) uint32  { return iType(0x13, 0, rd, rs1, imm) }
func encADDIW(rd, rs1 int, imm int64) uint32 { return iType(0x1b, 0, rd, rs1, imm) }
func encSLLI(rd, rs1 int, sh int64) uint32   { return iType(0x13, 1, rd, rs1, sh) }
func encSRAI(rd, rs1 int, sh int64) uint32   { return iType(0x13, 5, rd, rs1, sh|0x400) }
func encADD(rd, rs1, rs2 int) uint32         { return rType(0x33, 0, 0, rd, rs1, rs2) }
func encSUB(rd, rs1, rs2 int) uint32         { return rType(0x33, 0, 0x20, rd, rs1, rs2) }
func encMUL(rd, rs1, rs2 int) uint32         { return rType(0x33, 0, 1, rd, rs1, rs2) }
func encDIV(rd, rs1, rs2 int) uint32         { return rType(0x33, 4, 1, rd, rs1, rs2) }
func encREMU(rd, rs1, rs2 int) uint32        { return rType(0x33, 7, 1, rd, rs1, rs2) }
func encMULH(rd, rs1, rs2 int) uint32        { return rType(0x33, 1, 1, rd, rs1, rs2) }
func encDIVW(rd, rs1, rs2 int) uint32        { return rType(0x3b, 4, 1, rd, rs1, rs2) }
func encBEQ(rs1, rs2 int, off int64) uint32  { return bType(0, rs1, rs2, off) }
func encBNE(rs1, rs2 int, off int64) uint32  { return bType(1, rs1, rs2, off) }
func encBLT(rs1, rs2 int, off int64) uint32  { return bType(4, rs1, rs2, off) }
func encLB(rd, rs1 int, imm int64) uint32    { return iType(0x03, 0, rd, rs1, imm) }
func encLW(rd, rs1 int, imm int64) uint32    { return iType(0x03, 2, rd, rs1, imm) }
func encLD(rd, rs1 int, imm int64) uint32    { return iType(0x03, 3, rd, rs1, imm) }
func encLWU(rd, rs1 int, imm int64) uint32   { return iType(0x03, 6, rd, rs1, imm) }
func encSB(rs1, rs2 int, imm int64) uint32   { return sType(0, rs1, rs2, imm) }
func encSW(rs1, rs2 int, imm int64) uint32   { return sType(2, rs1, rs2, imm) }
func encSD(rs1, rs2 int, imm int64) uint32   { return sType(3, rs1, rs2, imm) }
func encCSRRW(rd, csr, rs1 int) uint32       { return iType(0x73, 1, rd, rs1, int64(csr)) }
func encCSRRS(rd, csr, rs1 int) uint32       { return iType(0x73, 2, rd, rs1, int64(csr)) }
func encCSRRC(rd, csr, rs1 int) uint32       { return iType(0x73, 3, rd, rs1, int64(csr)) }
func encCSRRWI(rd, csr, imm int) uint32      { return iType(0x73, 5, rd, imm, int64(csr)) }
func encAMO(f5 uint32, f3 uint32, rd, rs1, rs2 int) uint32 {
	return rType(0x2f, f3, f5<<2, rd, rs1, rs2)
}

const (
	encECALL     = 0x00000073
	encEBREAK    = 0x00100073
	encMRET      = 0x30200073
	encSRET      = 0x10200073
	encWFI       = 0x10500073
	encSFENCEVMA = 0x12000073
	encFENCEI    = 0x0000100f
	encNOP       = 0x00000013
)
