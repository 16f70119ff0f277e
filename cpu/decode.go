package cpu

// decode turns a 32-bit instruction into an inst. Anything we do not
// implement (hypervisor, vector, reserved encodings) becomes opIllegal.
func decode(raw uint32) inst {
	return noLinkForm(decode32(raw))
}

func decode32(raw uint32) inst {
	in := inst{
		ilen: 4,
		rd:   uint8(raw >> 7 & 31),
		rs1:  uint8(raw >> 15 & 31),
		rs2:  uint8(raw >> 20 & 31),
	}
	funct3 := raw >> 12 & 7
	funct7 := raw >> 25
	immI := int64(int32(raw) >> 20)
	ill := inst{op: opIllegal, ilen: 4, imm: int64(raw)}

	switch raw & 0x7f {
	case 0x37:
		in.op, in.imm = opLUI, int64(int32(raw&0xfffff000))
	case 0x17:
		in.op, in.imm = opAUIPC, int64(int32(raw&0xfffff000))
	case 0x6f:
		in.op, in.imm = opJAL, immJ(raw)
	case 0x67:
		if funct3 != 0 {
			return ill
		}
		in.op, in.imm = opJALR, immI
	case 0x63:
		ops := [8]uint8{opBEQ, opBNE, 0, 0, opBLT, opBGE, opBLTU, opBGEU}
		if ops[funct3] == 0 {
			return ill
		}
		in.op, in.imm = ops[funct3], immB(raw)
	case 0x03:
		ops := [8]uint8{opLB, opLH, opLW, opLD, opLBU, opLHU, opLWU, 0}
		if ops[funct3] == 0 {
			return ill
		}
		in.op, in.imm = ops[funct3], immI
	case 0x23:
		ops := [8]uint8{opSB, opSH, opSW, opSD}
		if ops[funct3] == 0 {
			return ill
		}
		in.op, in.imm = ops[funct3], immS(raw)
	case 0x13:
		in.imm = immI
		switch funct3 {
		case 0:
			in.op = opADDI
		case 2:
			in.op = opSLTI
		case 3:
			in.op = opSLTIU
		case 4:
			in.op = opXORI
		case 6:
			in.op = opORI
		case 7:
			in.op = opANDI
		case 1:
			if raw>>26 != 0 {
				return ill
			}
			in.op, in.imm = opSLLI, int64(raw>>20&63)
		case 5:
			switch raw >> 26 {
			case 0:
				in.op = opSRLI
			case 0x10:
				in.op = opSRAI
			default:
				return ill
			}
			in.imm = int64(raw >> 20 & 63)
		}
	case 0x1b:
		switch {
		case funct3 == 0:
			in.op, in.imm = opADDIW, immI
		case funct3 == 1 && funct7 == 0:
			in.op, in.imm = opSLLIW, int64(raw>>20&31)
		case funct3 == 5 && funct7 == 0:
			in.op, in.imm = opSRLIW, int64(raw>>20&31)
		case funct3 == 5 && funct7 == 0x20:
			in.op, in.imm = opSRAIW, int64(raw>>20&31)
		default:
			return ill
		}
	case 0x33:
		var ops [8]uint8
		switch funct7 {
		case 0:
			ops = [8]uint8{opADD, opSLL, opSLT, opSLTU, opXOR, opSRL, opOR, opAND}
		case 0x20:
			ops = [8]uint8{opSUB, 0, 0, 0, 0, opSRA, 0, 0}
		case 1:
			ops = [8]uint8{opMUL, opMULH, opMULHSU, opMULHU, opDIV, opDIVU, opREM, opREMU}
		}
		if ops[funct3] == 0 {
			return ill
		}
		in.op = ops[funct3]
	case 0x3b:
		var ops [8]uint8
		switch funct7 {
		case 0:
			ops = [8]uint8{opADDW, opSLLW, 0, 0, 0, opSRLW, 0, 0}
		case 0x20:
			ops = [8]uint8{opSUBW, 0, 0, 0, 0, opSRAW, 0, 0}
		case 1:
			ops = [8]uint8{opMULW, 0, 0, 0, opDIVW, opDIVUW, opREMW, opREMUW}
		}
		if ops[funct3] == 0 {
			return ill
		}
		in.op = ops[funct3]
	case 0x0f:
		switch funct3 {
		case 0:
			in.op = opFENCE
		case 1:
			in.op = opFENCEI
		default:
			return ill
		}
	case 0x73:
		return decodeSystem(raw, in, ill)
	case 0x2f:
		f5 := raw >> 27
		switch f5 {
		case amoADD, amoSWAP, amoXOR, amoOR, amoAND, amoMIN, amoMAX, amoMINU, amoMAXU, amoSC:
		case amoLR:
			if in.rs2 != 0 {
				return ill
			}
		default:
			return ill
		}
		switch funct3 {
		case 2:
			in.op = opAMOW
		case 3:
			in.op = opAMOD
		default:
			return ill
		}
		in.imm = int64(f5)
	default:
		return decodeFP(raw, in, ill)
	}
	return in
}

func decodeSystem(raw uint32, in, ill inst) inst {
	funct3 := raw >> 12 & 7
	if funct3 == 0 {
		switch {
		case raw == 0x00000073:
			in.op = opECALL
		case raw == 0x00100073:
			in.op = opEBREAK
		case raw == 0x30200073:
			in.op = opMRET
		case raw == 0x10200073:
			in.op = opSRET
		case raw == 0x10500073:
			in.op = opWFI
		case raw&0xfe007fff == 0x12000073:
			in.op = opSFENCEVMA
		default:
			return ill
		}
		return in
	}
	ops := [8]uint8{0, opCSRRW, opCSRRS, opCSRRC, 0, opCSRRWI, opCSRRSI, opCSRRCI}
	if ops[funct3] == 0 {
		return ill
	}
	in.op = ops[funct3]
	in.imm = int64(raw >> 20)
	// CSR instructions keep the raw bits reachable for illegal-instruction
	// tval through rs2/rd; the CSR path re-encodes from fields instead.
	return in
}

func immB(raw uint32) int64 {
	v := (raw>>31&1)<<12 | (raw>>7&1)<<11 | (raw>>25&0x3f)<<5 | (raw>>8&0xf)<<1
	return int64(int32(v<<19) >> 19)
}

func immS(raw uint32) int64 {
	return int64(int32(raw&0xfe000000)>>20) | int64(raw>>7&31)
}

func immJ(raw uint32) int64 {
	v := (raw>>31&1)<<20 | (raw>>12&0xff)<<12 | (raw>>20&1)<<11 | (raw>>21&0x3ff)<<1
	return int64(int32(v<<11) >> 11)
}
