package cpu

import (
	"encoding/binary"
	"math/bits"
)

// Run executes up to budget instructions and returns how many retired. It
// returns early after an MMIO access (so the board can re-sample device
// interrupt lines) and when the hart enters WFI. Pending interrupts are
// checked on entry, and after the instructions that can unmask one.
func (h *Hart) Run(budget int) int {
	h.runStart = h.Instret
	if h.wfi {
		if h.mip()&h.csr.mie == 0 {
			return 0
		}
		h.wfi = false
	}
	// Another hart may have dropped the code cache since we last ran.
	h.fetchVPN = noPage
	h.limit = budget
	h.takeInterrupt()

	ram := h.ram
	flags := h.sys.flags
	x := &h.X
	for i := 0; i < h.limit; i++ {
		x[0] = 0
		pc := h.PC
		var in *inst
		if pc>>pageShift == h.fetchVPN {
			in = &h.fetchPage[(pc>>1)&(slotsPerPage-1)]
			if in.op < opIllegal {
				if in = h.decodeSlot(in, pc); in == nil {
					continue
				}
			}
		} else if in = h.fetchSlow(pc); in == nil {
			continue
		}

		switch in.op {
		case opIllegal:
			h.raise(causeIllegal, uint64(in.imm))
			continue

		case opLUI:
			x[in.rd&31] = uint64(in.imm)
		case opAUIPC:
			x[in.rd&31] = pc + uint64(in.imm)
		case opJAL:
			x[in.rd&31] = pc + uint64(in.ilen)
			h.PC = pc + uint64(in.imm)
			h.Instret++
			continue
		case opJALR:
			t := (x[in.rs1&31] + uint64(in.imm)) &^ 1
			x[in.rd&31] = pc + uint64(in.ilen)
			h.PC = t
			h.Instret++
			continue
		case opBEQ:
			if x[in.rs1&31] == x[in.rs2&31] {
				h.PC = pc + uint64(in.imm)
				h.Instret++
				continue
			}
		case opBNE:
			if x[in.rs1&31] != x[in.rs2&31] {
				h.PC = pc + uint64(in.imm)
				h.Instret++
				continue
			}
		case opBLT:
			if int64(x[in.rs1&31]) < int64(x[in.rs2&31]) {
				h.PC = pc + uint64(in.imm)
				h.Instret++
				continue
			}
		case opBGE:
			if int64(x[in.rs1&31]) >= int64(x[in.rs2&31]) {
				h.PC = pc + uint64(in.imm)
				h.Instret++
				continue
			}
		case opBLTU:
			if x[in.rs1&31] < x[in.rs2&31] {
				h.PC = pc + uint64(in.imm)
				h.Instret++
				continue
			}
		case opBGEU:
			if x[in.rs1&31] >= x[in.rs2&31] {
				h.PC = pc + uint64(in.imm)
				h.Instret++
				continue
			}

		case opLB:
			va := x[in.rs1&31] + uint64(in.imm)
			if off, ok := h.ltlb.Lookup(va); ok {
				x[in.rd&31] = uint64(int8(ram[off]))
			} else if v, ok := h.loadSlow(va, 1); ok {
				x[in.rd&31] = uint64(int8(v))
			} else {
				continue
			}
		case opLBU:
			va := x[in.rs1&31] + uint64(in.imm)
			if off, ok := h.ltlb.Lookup(va); ok {
				x[in.rd&31] = uint64(ram[off])
			} else if v, ok := h.loadSlow(va, 1); ok {
				x[in.rd&31] = v
			} else {
				continue
			}
		case opLH:
			va := x[in.rs1&31] + uint64(in.imm)
			if off, ok := h.ltlb.Lookup(va); ok && va&(pageSize-1) <= pageSize-2 {
				x[in.rd&31] = uint64(int16(binary.LittleEndian.Uint16(ram[off:])))
			} else if v, ok := h.loadSlow(va, 2); ok {
				x[in.rd&31] = uint64(int16(v))
			} else {
				continue
			}
		case opLHU:
			va := x[in.rs1&31] + uint64(in.imm)
			if off, ok := h.ltlb.Lookup(va); ok && va&(pageSize-1) <= pageSize-2 {
				x[in.rd&31] = uint64(binary.LittleEndian.Uint16(ram[off:]))
			} else if v, ok := h.loadSlow(va, 2); ok {
				x[in.rd&31] = v
			} else {
				continue
			}
		case opLW:
			va := x[in.rs1&31] + uint64(in.imm)
			if off, ok := h.ltlb.Lookup(va); ok && va&(pageSize-1) <= pageSize-4 {
				x[in.rd&31] = uint64(int32(binary.LittleEndian.Uint32(ram[off:])))
			} else if v, ok := h.loadSlow(va, 4); ok {
				x[in.rd&31] = uint64(int32(v))
			} else {
				continue
			}
		case opLWU:
			va := x[in.rs1&31] + uint64(in.imm)
			if off, ok := h.ltlb.Lookup(va); ok && va&(pageSize-1) <= pageSize-4 {
				x[in.rd&31] = uint64(binary.LittleEndian.Uint32(ram[off:]))
			} else if v, ok := h.loadSlow(va, 4); ok {
				x[in.rd&31] = v
			} else {
				continue
			}
		case opLD:
			va := x[in.rs1&31] + uint64(in.imm)
			if off, ok := h.ltlb.Lookup(va); ok && va&(pageSize-1) <= pageSize-8 {
				x[in.rd&31] = binary.LittleEndian.Uint64(ram[off:])
			} else if v, ok := h.loadSlow(va, 8); ok {
				x[in.rd&31] = v
			} else {
				continue
			}

		case opSB:
			va := x[in.rs1&31] + uint64(in.imm)
			if off, ok := h.stlb.Lookup(va); ok {
				ram[off] = byte(x[in.rs2&31])
				if flags[off>>pageShift] != 0 {
					h.sys.stored(h, off, 1)
				}
			} else if !h.storeSlow(va, 1, x[in.rs2&31]) {
				continue
			}
		case opSH:
			va := x[in.rs1&31] + uint64(in.imm)
			if off, ok := h.stlb.Lookup(va); ok && va&(pageSize-1) <= pageSize-2 {
				binary.LittleEndian.PutUint16(ram[off:], uint16(x[in.rs2&31]))
				if flags[off>>pageShift] != 0 {
					h.sys.stored(h, off, 2)
				}
			} else if !h.storeSlow(va, 2, x[in.rs2&31]) {
				continue
			}
		case opSW:
			va := x[in.rs1&31] + uint64(in.imm)
			if off, ok := h.stlb.Lookup(va); ok && va&(pageSize-1) <= pageSize-4 {
				binary.LittleEndian.PutUint32(ram[off:], uint32(x[in.rs2&31]))
				if flags[off>>pageShift] != 0 {
					h.sys.stored(h, off, 4)
				}
			} else if !h.storeSlow(va, 4, x[in.rs2&31]) {
				continue
			}
		case opSD:
			va := x[in.rs1&31] + uint64(in.imm)
			if off, ok := h.stlb.Lookup(va); ok && va&(pageSize-1) <= pageSize-8 {
				binary.LittleEndian.PutUint64(ram[off:], x[in.rs2&31])
				if flags[off>>pageShift] != 0 {
					h.sys.stored(h, off, 8)
				}
			} else if !h.storeSlow(va, 8, x[in.rs2&31]) {
				continue
			}

		case opADDI:
			x[in.rd&31] = x[in.rs1&31] + uint64(in.imm)
		case opSLTI:
			x[in.rd&31] = b2u(int64(x[in.rs1&31]) < in.imm)
		case opSLTIU:
			x[in.rd&31] = b2u(x[in.rs1&31] < uint64(in.imm))
		case opXORI:
			x[in.rd&31] = x[in.rs1&31] ^ uint64(in.imm)
		case opORI:
			x[in.rd&31] = x[in.rs1&31] | uint64(in.imm)
		case opANDI:
			x[in.rd&31] = x[in.rs1&31] & uint64(in.imm)
		case opSLLI:
			x[in.rd&31] = x[in.rs1&31] << (in.imm & 63)
		case opSRLI:
			x[in.rd&31] = x[in.rs1&31] >> (in.imm & 63)
		case opSRAI:
			x[in.rd&31] = uint64(int64(x[in.rs1&31]) >> (in.imm & 63))
		case opADD:
			x[in.rd&31] = x[in.rs1&31] + x[in.rs2&31]
		case opSUB:
			x[in.rd&31] = x[in.rs1&31] - x[in.rs2&31]
		case opSLL:
			x[in.rd&31] = x[in.rs1&31] << (x[in.rs2&31] & 63)
		case opSLT:
			x[in.rd&31] = b2u(int64(x[in.rs1&31]) < int64(x[in.rs2&31]))
		case opSLTU:
			x[in.rd&31] = b2u(x[in.rs1&31] < x[in.rs2&31])
		case opXOR:
			x[in.rd&31] = x[in.rs1&31] ^ x[in.rs2&31]
		case opSRL:
			x[in.rd&31] = x[in.rs1&31] >> (x[in.rs2&31] & 63)
		case opSRA:
			x[in.rd&31] = uint64(int64(x[in.rs1&31]) >> (x[in.rs2&31] & 63))
		case opOR:
			x[in.rd&31] = x[in.rs1&31] | x[in.rs2&31]
		case opAND:
			x[in.rd&31] = x[in.rs1&31] & x[in.rs2&31]

		case opADDIW:
			x[in.rd&31] = sext32(x[in.rs1&31] + uint64(in.imm))
		case opSLLIW:
			x[in.rd&31] = sext32(x[in.rs1&31] << (in.imm & 31))
		case opSRLIW:
			x[in.rd&31] = sext32(uint64(uint32(x[in.rs1&31]) >> (in.imm & 31)))
		case opSRAIW:
			x[in.rd&31] = uint64(int64(int32(x[in.rs1&31]) >> (in.imm & 31)))
		case opADDW:
			x[in.rd&31] = sext32(x[in.rs1&31] + x[in.rs2&31])
		case opSUBW:
			x[in.rd&31] = sext32(x[in.rs1&31] - x[in.rs2&31])
		case opSLLW:
			x[in.rd&31] = sext32(x[in.rs1&31] << (x[in.rs2&31] & 31))
		case opSRLW:
			x[in.rd&31] = sext32(uint64(uint32(x[in.rs1&31]) >> (x[in.rs2&31] & 31)))
		case opSRAW:
			x[in.rd&31] = uint64(int64(int32(x[in.rs1&31]) >> (x[in.rs2&31] & 31)))

		case opMUL:
			x[in.rd&31] = x[in.rs1&31] * x[in.rs2&31]
		case opMULH:
			x[in.rd&31] = mulh(x[in.rs1&31], x[in.rs2&31])
		case opMULHSU:
			x[in.rd&31] = mulhsu(x[in.rs1&31], x[in.rs2&31])
		case opMULHU:
			hi, _ := bits.Mul64(x[in.rs1&31], x[in.rs2&31])
			x[in.rd&31] = hi
		case opDIV:
			x[in.rd&31] = div(x[in.rs1&31], x[in.rs2&31])
		case opDIVU:
			x[in.rd&31] = divu(x[in.rs1&31], x[in.rs2&31])
		case opREM:
			x[in.rd&31] = rem(x[in.rs1&31], x[in.rs2&31])
		case opREMU:
			x[in.rd&31] = remu(x[in.rs1&31], x[in.rs2&31])
		case opMULW:
			x[in.rd&31] = sext32(x[in.rs1&31] * x[in.rs2&31])
		case opDIVW:
			x[in.rd&31] = divw(x[in.rs1&31], x[in.rs2&31])
		case opDIVUW:
			x[in.rd&31] = divuw(x[in.rs1&31], x[in.rs2&31])
		case opREMW:
			x[in.rd&31] = remw(x[in.rs1&31], x[in.rs2&31])
		case opREMUW:
			x[in.rd&31] = remuw(x[in.rs1&31], x[in.rs2&31])

		case opFENCE:
			// One hart at a time and sequentially consistent memory:
			// nothing to order.

		case opAMOW:
			if !h.execAMO(in, 4) {
				continue
			}
		case opAMOD:
			if !h.execAMO(in, 8) {
				continue
			}

		case opCSRRW, opCSRRS, opCSRRC, opCSRRWI, opCSRRSI, opCSRRCI:
			h.execCSR(in)
			continue
		case opECALL, opEBREAK, opMRET, opSRET, opWFI, opSFENCEVMA, opFENCEI:
			h.execSystem(in)
			continue
		}
		h.PC = pc + uint64(in.ilen)
		h.Instret++
	}
	return int(h.Instret - h.runStart)
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

func sext32(v uint64) uint64 { return uint64(int64(int32(v))) }
