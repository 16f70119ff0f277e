package e1000

// Register offsets inside BAR0 (Intel 8254x family manual, 82540EM).
const (
	regCTRL    = 0x0000
	regSTATUS  = 0x0008
	regEECD    = 0x0010
	regEERD    = 0x0014
	regCTRLEXT = 0x0018
	regMDIC    = 0x0020
	regICR     = 0x00C0
	regITR     = 0x00C4
	regICS     = 0x00C8
	regIMS     = 0x00D0
	regIMC     = 0x00D8
	regRCTL    = 0x0100
	regTCTL    = 0x0400
	regTIPG    = 0x0410
	regRDBAL   = 0x2800
	regRDBAH   = 0x2804
	regRDLEN   = 0x2808
	regRDH     = 0x2810
	regRDT     = 0x2818
	regRDTR    = 0x2820
	regRADV    = 0x282C
	regTDBAL   = 0x3800
	regTDBAH   = 0x3804
	regTDLEN   = 0x3808
	regTDH     = 0x3810
	regTDT     = 0x3818
	regTIDV    = 0x3820
	regTADV    = 0x382C
	regStats   = 0x4000 // 64 statistics dwords, clear on read
	regMTA     = 0x5200 // 128 dwords of multicast hash bits
	regRA      = 0x5400 // 16 pairs of receive address low/high
	regVFTA    = 0x5600 // 128 dwords of VLAN filter bits
)

// Statistics registers used by this model (offsets from the manual).
const (
	statMPC   = 0x4010 // missed packets (no room)
	statGPRC  = 0x4074
	statBPRC  = 0x4078
	statMPRC  = 0x407C
	statGPTC  = 0x4080
	statGORCL = 0x4088
	statGORCH = 0x408C
	statGOTCL = 0x4090
	statGOTCH = 0x4094
	statRNBC  = 0x40A0 // receive no buffers
	statROC   = 0x40AC // receive oversize
	statTORL  = 0x40C0
	statTORH  = 0x40C4
	statTOTL  = 0x40C8
	statTOTH  = 0x40CC
	statTPR   = 0x40D0
	statTPT   = 0x40D4
	statMPTC  = 0x40F0
	statBPTC  = 0x40F4
)

// CTRL bits. Two reset bits are accepted: bit 26 is the manual's, bit 22
// is what some lab headers define, and both must reset the device.
const (
	ctrlSLU      = 1 << 6
	ctrlReset    = 1 << 26
	ctrlResetAlt = 1 << 22
	ctrlPHYReset = 1 << 31
)

// STATUS bits: full duplex, link up, speed 1000.
const statusLinkUp1000FD = 1<<0 | 1<<1 | 2<<6

// Interrupt cause bits (ICR, ICS, IMS, IMC).
const (
	IntTXDW   = 1 << 0
	IntTXQE   = 1 << 1
	IntLSC    = 1 << 2
	IntRXDMT0 = 1 << 4
	IntRXO    = 1 << 6
	IntRXT0   = 1 << 7
)

// RCTL bits.
const (
	rctlEN     = 1 << 1
	rctlSBP    = 1 << 2
	rctlUPE    = 1 << 3
	rctlMPE    = 1 << 4
	rctlLPE    = 1 << 5
	rctlRDMTS  = 3 << 8
	rctlMO     = 3 << 12
	rctlBAM    = 1 << 15
	rctlBSIZE  = 3 << 16
	rctlBSEX   = 1 << 25
	rctlSECRC  = 1 << 26
	raValid    = 1 << 31 // RAH address valid
	tctlEN     = 1 << 1
	tctlPSP    = 1 << 3
	eerdStart  = 1 << 0
	eerdDone   = 1 << 4
	mdicReady  = 1 << 28
	mdicOpRead = 2 << 26
)

// Descriptor bits.
const (
	txCmdEOP  = 1 << 0
	txCmdIFCS = 1 << 1
	txCmdRS   = 1 << 3
	txCmdDEXT = 1 << 5
	txStaDD   = 1 << 0
	rxStaDD   = 1 << 0
	rxStaEOP  = 1 << 1
	descSize  = 16
)

// Frame size limits.
const (
	minFrame  = 60    // without FCS; shorter frames are padded
	maxFrame  = 1518  // without FCS, room for one VLAN tag
	maxLong   = 16384 // with RCTL.LPE
	maxTxData = 16384 + 256
)
