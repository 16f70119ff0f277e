package e1000

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// Descriptions of registers, rings and descriptors in the words of the
// Intel manual and the lab, shared by the driver checker and --trace e1000.

// RegName names the BAR0 register at byte offset off ("RDT", "MTA[3]",
// "RAH0"), or gives the offset in hex.
func RegName(off uint32) string {
	if r := registerAt(off); r != nil && off%4 == 0 {
		return r.nameAt(off)
	}
	return fmt.Sprintf("reg %#x", off)
}

// bitNames is one register's flag bits, in order.
type bitNames []struct {
	bit  uint32
	name string
}

var (
	intBits  = bitNames{{IntTXDW, "TXDW"}, {IntTXQE, "TXQE"}, {IntLSC, "LSC"}, {1 << 3, "RXSEQ"}, {IntRXDMT0, "RXDMT0"}, {IntRXO, "RXO"}, {IntRXT0, "RXT0"}}
	ctrlBits = bitNames{{1 << 0, "FD"}, {1 << 5, "ASDE"}, {ctrlSLU, "SLU"}, {ctrlResetAlt, "RST(bit22)"}, {ctrlReset, "RST"}, {ctrlPHYReset, "PHY_RST"}}
	rctlBits = bitNames{{rctlEN, "EN"}, {rctlSBP, "SBP"}, {rctlUPE, "UPE"}, {rctlMPE, "MPE"}, {rctlLPE, "LPE"}, {rctlBAM, "BAM"}, {rctlBSEX, "BSEX"}, {rctlSECRC, "SECRC"}}
	tctlBits = bitNames{{tctlEN, "EN"}, {tctlPSP, "PSP"}}
	txCmd    = bitNames{{txCmdEOP, "EOP"}, {txCmdIFCS, "IFCS"}, {1 << 2, "IC"}, {txCmdRS, "RS"}, {1 << 4, "RPS"}, {txCmdDEXT, "DEXT"}, {1 << 6, "VLE"}, {1 << 7, "IDE"}}
	txSta    = bitNames{{txStaDD, "DD"}, {1 << 1, "EC"}, {1 << 2, "LC"}}
	rxSta    = bitNames{{rxStaDD, "DD"}, {rxStaEOP, "EOP"}, {1 << 2, "IXSM"}, {1 << 3, "VP"}}
)

// format joins the names of the set bits with "|"; unnamed bits are added
// in hex, and no bit at all is "-".
func (b bitNames) format(v uint32) string {
	var parts []string
	for _, n := range b {
		if v&n.bit != 0 {
			parts = append(parts, n.name)
			v &^= n.bit
		}
	}
	if v != 0 {
		parts = append(parts, fmt.Sprintf("%#x", v))
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, "|")
}

// DescribeWrite decodes a value written to the register at off, where a
// short decoding helps ("EN|BAM|SECRC BSIZE=2048"); "" when plain hex says
// it all.
func DescribeWrite(off, v uint32) string {
	if r := registerAt(off); r != nil && r.show != nil && off%4 == 0 {
		return r.show(off, v)
	}
	return ""
}

// The table's decoders (register.show).

func showCTRL(_, v uint32) string { return ctrlBits.format(v) }

// showCauses decodes ICR, ICS, IMS and IMC.
func showCauses(_, v uint32) string {
	if v == 0xFFFF_FFFF {
		return "all"
	}
	return intBits.format(v)
}

func showRCTL(_, v uint32) string {
	return fmt.Sprintf("%s BSIZE=%d", rctlBits.format(v&^(rctlBSIZE|rctlRDMTS|rctlMO)), bufferSize(v))
}

func showTCTL(_, v uint32) string {
	return fmt.Sprintf("%s CT=%#x COLD=%#x", tctlBits.format(v&(tctlEN|tctlPSP)), v>>4&0xFF, v>>12&0x3FF)
}

// showRingLength: TDLEN and RDLEN in descriptors.
func showRingLength(_, v uint32) string {
	if v%descSize == 0 {
		return fmt.Sprintf("%d descriptors", v/descSize)
	}
	return ""
}

// showRAH0: the address-valid bit of the lab's one station address.
func showRAH0(off, v uint32) string {
	if off == regRA+4 && v&raValid != 0 {
		return "AV"
	}
	return ""
}

// txDesc is a legacy transmit descriptor as the guest wrote it.
type txDesc struct {
	addr   uint64
	length uint16
	cmd    byte
	status byte
}

func parseTxDesc(d []byte) txDesc {
	return txDesc{addr: binary.LittleEndian.Uint64(d), length: binary.LittleEndian.Uint16(d[8:]), cmd: d[11], status: d[12]}
}

func (d txDesc) String() string {
	return fmt.Sprintf("addr %#x len %d cmd %s sta %s", d.addr, d.length, txCmd.format(uint32(d.cmd)), txSta.format(uint32(d.status)))
}

// rxDesc is a receive descriptor.
type rxDesc struct {
	addr   uint64
	length uint16
	status byte
	errors byte
}

func parseRxDesc(d []byte) rxDesc {
	return rxDesc{addr: binary.LittleEndian.Uint64(d), length: binary.LittleEndian.Uint16(d[8:]), status: d[12], errors: d[13]}
}

func (d rxDesc) String() string {
	s := fmt.Sprintf("addr %#x len %d sta %s", d.addr, d.length, rxSta.format(uint32(d.status)))
	if d.errors != 0 {
		s += fmt.Sprintf(" err %#x", d.errors)
	}
	return s
}

// ringRegs are one ring's registers; tx picks which.
func (e *E1000) ringRegs(tx bool) ring {
	if tx {
		return e.ringAt(regTDBAL, regTDBAH, regTDLEN, regTDH, regTDT)
	}
	return e.ringAt(regRDBAL, regRDBAH, regRDLEN, regRDH, regRDT)
}

func ringName(tx bool) string {
	if tx {
		return "tx"
	}
	return "rx"
}

// describeRing is the ring's registers in one phrase.
func describeRing(tx bool, r ring) string {
	return fmt.Sprintf("%s ring base %#x len %d (%d desc) head %d tail %d",
		ringName(tx), r.base, r.count*descSize, r.count, r.head, r.tail)
}

// describeDesc reads descriptor i of the ring and formats it; a descriptor
// outside RAM says so.
func (e *E1000) describeDesc(tx bool, r ring, i uint32) string {
	var d [descSize]byte
	if r.count == 0 || e.bus.ReadDMA(r.base+uint64(i%r.count)*descSize, d[:]) != nil {
		return fmt.Sprintf("[%d] outside RAM", i)
	}
	if tx {
		return fmt.Sprintf("[%d] %v", i, parseTxDesc(d[:]))
	}
	return fmt.Sprintf("[%d] %v", i, parseRxDesc(d[:]))
}
