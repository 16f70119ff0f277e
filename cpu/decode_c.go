package cpu

// decodeCompressed expands a 16-bit RVC instruction (RV64C) into the same
// inst its 32-bit equivalent decodes to, with ilen 2. Reserved encodings
// are illegal with tval = the 16 bits.
func decodeCompressed(c uint16) inst {
	return noLinkForm(decode16(c))
}

func decode16(c uint16) inst {
	ill := inst{op: opIllegal, ilen: 2, imm: int64(c)}
	in := inst{ilen: 2}
	b := func(hi, lo uint) uint32 { return uint32(c) >> lo & (1<<(hi-lo+1) - 1) }
	rdp := uint8(8 + b(4, 2))  // rd' / rs2'
	rs1p := uint8(8 + b(9, 7)) // rs1' / rd'
	rd := uint8(b(11, 7))
	rs2 := uint8(b(6, 2))
	imm6 := int64(int32((b(12, 12)<<5|b(6, 2))<<26) >> 26) // sign-extended 6-bit

	switch c & 3 {
	case 0:
		switch b(15, 13) {
		case 0: // c.addi4spn
			nz := b(12, 11)<<4 | b(10, 7)<<6 | b(6, 6)<<2 | b(5, 5)<<3
			if nz == 0 {
				return ill
			}
			in.op, in.rd, in.rs1, in.imm = opADDI, rdp, 2, int64(nz)
		case 2: // c.lw
			in.op, in.rd, in.rs1 = opLW, rdp, rs1p
			in.imm = int64(b(12, 10)<<3 | b(6, 6)<<2 | b(5, 5)<<6)
		case 3: // c.ld
			in.op, in.rd, in.rs1 = opLD, rdp, rs1p
			in.imm = int64(b(12, 10)<<3 | b(6, 5)<<6)
		case 6: // c.sw
			in.op, in.rs2, in.rs1 = opSW, rdp, rs1p
			in.imm = int64(b(12, 10)<<3 | b(6, 6)<<2 | b(5, 5)<<6)
		case 7: // c.sd
			in.op, in.rs2, in.rs1 = opSD, rdp, rs1p
			in.imm = int64(b(12, 10)<<3 | b(6, 5)<<6)
		default: // c.fld, c.fsd, reserved
			return decodeCompressedFP(c, ill)
		}
	case 1:
		switch b(15, 13) {
		case 0: // c.addi / c.nop
			in.op, in.rd, in.rs1, in.imm = opADDI, rd, rd, imm6
		case 1: // c.addiw
			if rd == 0 {
				return ill
			}
			in.op, in.rd, in.rs1, in.imm = opADDIW, rd, rd, imm6
		case 2: // c.li
			in.op, in.rd, in.rs1, in.imm = opADDI, rd, 0, imm6
		case 3:
			if rd == 2 { // c.addi16sp
				v := b(12, 12)<<9 | b(6, 6)<<4 | b(5, 5)<<6 | b(4, 3)<<7 | b(2, 2)<<5
				if v == 0 {
					return ill
				}
				in.op, in.rd, in.rs1, in.imm = opADDI, 2, 2, int64(int32(v<<22)>>22)
			} else { // c.lui
				if imm6 == 0 {
					return ill
				}
				in.op, in.rd, in.imm = opLUI, rd, imm6<<12
			}
		case 4:
			switch b(11, 10) {
			case 0: // c.srli
				in.op, in.rd, in.rs1, in.imm = opSRLI, rs1p, rs1p, int64(b(12, 12)<<5|b(6, 2))
			case 1: // c.srai
				in.op, in.rd, in.rs1, in.imm = opSRAI, rs1p, rs1p, int64(b(12, 12)<<5|b(6, 2))
			case 2: // c.andi
				in.op, in.rd, in.rs1, in.imm = opANDI, rs1p, rs1p, imm6
			case 3:
				ops := [8]uint8{opSUB, opXOR, opOR, opAND, opSUBW, opADDW, 0, 0}
				op := ops[b(12, 12)<<2|b(6, 5)]
				if op == 0 {
					return ill
				}
				in.op, in.rd, in.rs1, in.rs2 = op, rs1p, rs1p, rdp
			}
		case 5: // c.j
			v := b(12, 12)<<11 | b(11, 11)<<4 | b(10, 9)<<8 | b(8, 8)<<10 |
				b(7, 7)<<6 | b(6, 6)<<7 | b(5, 3)<<1 | b(2, 2)<<5
			in.op, in.rd, in.imm = opJAL, 0, int64(int32(v<<20)>>20)
		case 6, 7: // c.beqz, c.bnez
			v := b(12, 12)<<8 | b(11, 10)<<3 | b(6, 5)<<6 | b(4, 3)<<1 | b(2, 2)<<5
			in.op, in.rs1, in.rs2, in.imm = opBEQ, rs1p, 0, int64(int32(v<<23)>>23)
			if b(15, 13) == 7 {
				in.op = opBNE
			}
		}
	case 2:
		switch b(15, 13) {
		case 0: // c.slli
			in.op, in.rd, in.rs1, in.imm = opSLLI, rd, rd, int64(b(12, 12)<<5|b(6, 2))
		case 2: // c.lwsp
			if rd == 0 {
				return ill
			}
			in.op, in.rd, in.rs1 = opLW, rd, 2
			in.imm = int64(b(12, 12)<<5 | b(6, 4)<<2 | b(3, 2)<<6)
		case 3: // c.ldsp
			if rd == 0 {
				return ill
			}
			in.op, in.rd, in.rs1 = opLD, rd, 2
			in.imm = int64(b(12, 12)<<5 | b(6, 5)<<3 | b(4, 2)<<6)
		case 4:
			switch {
			case b(12, 12) == 0 && rs2 == 0: // c.jr
				if rd == 0 {
					return ill
				}
				in.op, in.rd, in.rs1, in.imm = opJALR, 0, rd, 0
			case b(12, 12) == 0: // c.mv
				in.op, in.rd, in.rs1, in.rs2 = opADD, rd, 0, rs2
			case rd == 0 && rs2 == 0: // c.ebreak
				in.op = opEBREAK
			case rs2 == 0: // c.jalr
				in.op, in.rd, in.rs1, in.imm = opJALR, 1, rd, 0
			default: // c.add
				in.op, in.rd, in.rs1, in.rs2 = opADD, rd, rd, rs2
			}
		case 6: // c.swsp
			in.op, in.rs1, in.rs2 = opSW, 2, rs2
			in.imm = int64(b(12, 9)<<2 | b(8, 7)<<6)
		case 7: // c.sdsp
			in.op, in.rs1, in.rs2 = opSD, 2, rs2
			in.imm = int64(b(12, 10)<<3 | b(9, 7)<<6)
		default: // c.fldsp, c.fsdsp
			return decodeCompressedFP(c, ill)
		}
	}
	return in
}
