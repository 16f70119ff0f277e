package cpu

// Decoded operations. The values are dense so the interpreter's switch
// compiles to a jump table. Compressed instructions decode to the same
// operations as their 32-bit expansions; inst.ilen tells them apart.
const (
	opUndecoded uint8 = iota // slot not decoded yet (zero value of a fresh page)
	opIllegal                // imm holds the instruction bits for tval

	opLUI
	opAUIPC
	opJAL
	opJALR
	opBEQ
	opBNE
	opBLT
	opBGE
	opBLTU
	opBGEU

	opLB
	opLH
	opLW
	opLD
	opLBU
	opLHU
	opLWU
	opSB
	opSH
	opSW
	opSD

	opADDI
	opSLTI
	opSLTIU
	opXORI
	opORI
	opANDI
	opSLLI
	opSRLI
	opSRAI
	opADD
	opSUB
	opSLL
	opSLT
	opSLTU
	opXOR
	opSRL
	opSRA
	opOR
	opAND

	opADDIW
	opSLLIW
	opSRLIW
	opSRAIW
	opADDW
	opSUBW
	opSLLW
	opSRLW
	opSRAW

	opMUL
	opMULH
	opMULHSU
	opMULHU
	opDIV
	opDIVU
	opREM
	opREMU
	opMULW
	opDIVW
	opDIVUW
	opREMW
	opREMUW

	opFENCE
	opFENCEI
	opECALL
	opEBREAK
	opMRET
	opSRET
	opWFI
	opSFENCEVMA

	opCSRRW // imm = CSR number, rs1 = source register
	opCSRRS
	opCSRRC
	opCSRRWI // rs1 = 5-bit immediate
	opCSRRSI
	opCSRRCI

	opAMOW // imm = funct5 (LR/SC/AMO kind)
	opAMOD

	// Forms with rd = x0, so that no inline path ever writes x0 and the
	// interpreter need not re-zero it per instruction. Register-only ops
	// with rd = x0 decode to opFENCE (a no-op).
	opJ        // jal x0: jump without link
	opJR       // jalr x0: jump without link
	opLoadToX0 // a load whose value is discarded (it can still fault); rs2 = the load op

	// A bne closing a loop that Run may finish in bulk (loop.go).
	opBNELoop
	// The last instruction of a code page that can fall through to the
	// next page; real holds its operation. runFast leaves on it, so that
	// straight-line code needs no page-end test per instruction.
	opPageEnd

	// Fused pairs (fuse.go): two adjacent instructions run by one dispatch.
	opADDIADDI // addi rd,rs1,imm; addi rs2,real,imm2
	opLWBLTU   // lw rd,imm(rs1); bltu rs2,real to pc+imm2
	opLDBEQ    // ld rd,imm(rs1); beq rs2,real to pc+imm2
	opADDWBNE  // addw rd,rs1,rs2; bne real,imm2 to pc+imm
	opLWLW     // lw rd,imm(rs1); lw rs2,imm2(real), real != rd
	opSLLIADD  // slli rd,rs1,imm; add rs2,real,imm2

	// Every F/D instruction (fp_decode.go): imm packs the operation.
	opFP

	// A slot marked by a breakpoint (debug.go); ilen is the length of the
	// instruction under it, which runs out of line when the hart does not
	// stop there.
	opBreak
)

// funct5 values of the A extension.
const (
	amoADD  = 0x00
	amoSWAP = 0x01
	amoLR   = 0x02
	amoSC   = 0x03
	amoXOR  = 0x04
	amoOR   = 0x08
	amoAND  = 0x0c
	amoMIN  = 0x10
	amoMAX  = 0x14
	amoMINU = 0x18
	amoMAXU = 0x1c
)

// inst is one pre-decoded instruction: 16 bytes, so a 4 KiB page of code
// (2048 halfword slots) decodes into 32 KiB.
type inst struct {
	op   uint8
	rd   uint8
	rs1  uint8
	rs2  uint8
	ilen uint8 // 2 or 4
	real uint8 // opPageEnd: the operation; fused pairs: a register
	imm2 int16 // fused pairs: the second instruction's immediate
	imm  int64
}

// noLinkForm rewrites an instruction whose destination is x0 into a form
// that does not write a register. Decoders apply it to every result.
func noLinkForm(in inst) inst {
	if in.rd != 0 {
		return in
	}
	switch {
	case in.op == opJAL:
		in.op = opJ
	case in.op == opJALR:
		in.op = opJR
	case in.op >= opLB && in.op <= opLWU:
		in.rs2, in.op = in.op, opLoadToX0
	case in.op >= opLUI && in.op <= opAUIPC,
		in.op >= opADDI && in.op <= opREMUW:
		in = inst{op: opFENCE, ilen: in.ilen}
	}
	return in
}
