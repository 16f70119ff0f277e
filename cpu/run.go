package cpu

import (
	"encoding/binary"
	"math/bits"
)

// Run executes up to budget instructions and returns how many retired. It
// returns early after an MMIO access (so the board can re-sample device
// interrupt lines) and when the hart enters WFI. Pending interrupts are
// checked on entry, and after the instructions that can unmask one.
//
// The loop keeps the PC, the retired count and the current code page in
// locals; only the fast paths (RAM hits in the TLBs, ALU, branches) run
// inline. Everything else goes through execSlow with the hart's fields
// brought up to date first and re-read afterwards.
func (h *Hart) Run(budget int) int {
	h.runStart = h.Instret
	h.stop = false
	if h.wfi {
		if h.mip()&h.csr.mie == 0 {
			return 0
		}
		h.wfi = false
	}
	// Another hart may have dropped the code cache since we last ran.
	h.fetchVPN = noPage
	h.takeInterrupt()

	ram := h.ram
	flags := h.sys.flags
	x := &h.X
	pc, vpn, page := h.PC, h.fetchVPN, h.fetchPage
	var retired uint64
	for i := 0; i < budget; i++ {
		x[0] = 0
		var in *inst
		if pc>>pageShift == vpn {
			in = &page[(pc>>1)&(slotsPerPage-1)]
			if in.op < opIllegal {
				h.PC = pc
				in = h.decodeSlot(in, pc)
				if in == nil {
					pc, vpn, page = h.PC, h.fetchVPN, h.fetchPage
					continue
				}
			}
		} else {
			h.PC = pc
			in = h.fetchSlow(pc)
			pc, vpn, page = h.PC, h.fetchVPN, h.fetchPage
			if in == nil {
				continue
			}
		}

		switch in.op {
		case opLUI:
			x[in.rd&31] = uint64(in.imm)
		case opAUIPC:
			x[in.rd&31] = pc + uint64(in.imm)
		case opJAL:
			x[in.rd&31] = pc + uint64(in.ilen)
			pc += uint64(in.imm)
			retired++
			continue
		case opJALR:
			t := (x[in.rs1&31] + uint64(in.imm)) &^ 1
			x[in.rd&31] = pc + uint64(in.ilen)
			pc = t
			retired++
			continue
		case opBEQ:
			if x[in.rs1&31] == x[in.rs2&31] {
				pc += uint64(in.imm)
				retired++
				continue
			}
		case opBNE:
			if x[in.rs1&31] != x[in.rs2&31] {
				pc += uint64(in.imm)
				retired++
				continue
			}
		case opBLT:
			if int64(x[in.rs1&31]) < int64(x[in.rs2&31]) {
				pc += uint64(in.imm)
				retired++
				continue
			}
		case opBGE:
			if int64(x[in.rs1&31]) >= int64(x[in.rs2&31]) {
				pc += uint64(in.imm)
				retired++
				continue
			}
		case opBLTU:
			if x[in.rs1&31] < x[in.rs2&31] {
				pc += uint64(in.imm)
				retired++
				continue
			}
		case opBGEU:
			if x[in.rs1&31] >= x[in.rs2&31] {
				pc += uint64(in.imm)
				retired++
				continue
			}

		case opLB:
			va := x[in.rs1&31] + uint64(in.imm)
			off, ok := h.ltlb.Lookup(va)
			if !(ok) {
				goto slow
			}
			x[in.rd&31] = uint64(int8(ram[off]))
		case opLBU:
			va := x[in.rs1&31] + uint64(in.imm)
			off, ok := h.ltlb.Lookup(va)
			if !(ok) {
				goto slow
			}
			x[in.rd&31] = uint64(ram[off])
		case opLH:
			va := x[in.rs1&31] + uint64(in.imm)
			off, ok := h.ltlb.Lookup(va)
			if !(ok && va&(pageSize-1) <= pageSize-2) {
				goto slow
			}
			x[in.rd&31] = uint64(int16(binary.LittleEndian.Uint16(ram[off:])))
		case opLHU:
			va := x[in.rs1&31] + uint64(in.imm)
			off, ok := h.ltlb.Lookup(va)
			if !(ok && va&(pageSize-1) <= pageSize-2) {
				goto slow
			}
			x[in.rd&31] = uint64(binary.LittleEndian.Uint16(ram[off:]))
		case opLW:
			va := x[in.rs1&31] + uint64(in.imm)
			off, ok := h.ltlb.Lookup(va)
			if !(ok && va&(pageSize-1) <= pageSize-4) {
				goto slow
			}
			x[in.rd&31] = uint64(int32(binary.LittleEndian.Uint32(ram[off:])))
		case opLWU:
			va := x[in.rs1&31] + uint64(in.imm)
			off, ok := h.ltlb.Lookup(va)
			if !(ok && va&(pageSize-1) <= pageSize-4) {
				goto slow
			}
			x[in.rd&31] = uint64(binary.LittleEndian.Uint32(ram[off:]))
		case opLD:
			va := x[in.rs1&31] + uint64(in.imm)
			off, ok := h.ltlb.Lookup(va)
			if !(ok && va&(pageSize-1) <= pageSize-8) {
				goto slow
			}
			x[in.rd&31] = binary.LittleEndian.Uint64(ram[off:])

		case opSB:
			va := x[in.rs1&31] + uint64(in.imm)
			off, ok := h.stlb.Lookup(va)
			if !(ok) {
				goto slow
			}
			ram[off] = byte(x[in.rs2&31])
			if flags[off>>pageShift] != 0 {
				h.sys.stored(h, off, 1)
			}
		case opSH:
			va := x[in.rs1&31] + uint64(in.imm)
			off, ok := h.stlb.Lookup(va)
			if !(ok && va&(pageSize-1) <= pageSize-2) {
				goto slow
			}
			binary.LittleEndian.PutUint16(ram[off:], uint16(x[in.rs2&31]))
			if flags[off>>pageShift] != 0 {
				h.sys.stored(h, off, 2)
			}
		case opSW:
			va := x[in.rs1&31] + uint64(in.imm)
			off, ok := h.stlb.Lookup(va)
			if !(ok && va&(pageSize-1) <= pageSize-4) {
				goto slow
			}
			binary.LittleEndian.PutUint32(ram[off:], uint32(x[in.rs2&31]))
			if flags[off>>pageShift] != 0 {
				h.sys.stored(h, off, 4)
			}
		case opSD:
			va := x[in.rs1&31] + uint64(in.imm)
			off, ok := h.stlb.Lookup(va)
			if !(ok && va&(pageSize-1) <= pageSize-8) {
				goto slow
			}
			binary.LittleEndian.PutUint64(ram[off:], x[in.rs2&31])
			if flags[off>>pageShift] != 0 {
				h.sys.stored(h, off, 8)
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
		default:
			goto slow
		}
		pc += uint64(in.ilen)
		retired++
		continue

	slow:
		h.PC = pc
		h.Instret += retired
		retired = 0
		h.execSlow(in)
		pc, vpn, page = h.PC, h.fetchVPN, h.fetchPage
		if h.stop {
			break
		}
	}
	h.PC = pc
	h.Instret += retired
	return int(h.Instret - h.runStart)
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

func sext32(v uint64) uint64 { return uint64(int64(int32(v))) }
