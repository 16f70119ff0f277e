// Package memaccess tells which data memory a RISC-V instruction is about
// to read or write, from its encoding and the registers: what a debugger
// needs to check watchpoints without help from the CPU's execution loop.
package memaccess

// Access is the data access one instruction makes.
type Access struct {
	Addr  uint64 // virtual address
	Size  uint64 // bytes
	Load  bool
	Store bool // AMOs both load and store
}

// Decode returns the access made by the instruction raw (a 16-bit
// compressed one in the low half, or a 32-bit one) given the integer
// registers x. ok is false for instructions that touch no data memory.
func Decode(raw uint32, x *[32]uint64) (a Access, ok bool) {
	if raw&3 != 3 {
		return decodeCompressed(uint16(raw), x)
	}
	rs1 := raw >> 15 & 31
	f3 := raw >> 12 & 7
	base := x[rs1]
	switch raw & 0x7f {
	case 0x03, 0x07: // LOAD, LOAD-FP: lb lh lw ld lbu lhu lwu, flw fld
		if raw&0x7f == 0x07 && f3 != 2 && f3 != 3 {
			return a, false // vector loads share the opcode
		}
		imm := uint64(int64(int32(raw)) >> 20)
		return Access{Addr: base + imm, Size: 1 << (f3 & 3), Load: true}, f3 != 7
	case 0x23, 0x27: // STORE, STORE-FP
		if f3 > 3 || (raw&0x7f == 0x27 && f3 < 2) {
			return a, false
		}
		imm := uint64(int64(int32(raw&0xfe000000))>>20) | uint64(raw>>7&31)
		return Access{Addr: base + imm, Size: 1 << f3, Store: true}, true
	case 0x2f: // AMO: lr, sc and the read-modify-writes
		if f3 != 2 && f3 != 3 {
			return a, false
		}
		a = Access{Addr: base, Size: 1 << f3}
		switch raw >> 27 {
		case 0x02: // lr
			a.Load = true
		case 0x03: // sc
			a.Store = true
		default:
			a.Load, a.Store = true, true
		}
		return a, true
	}
	return a, false
}

func bits(c uint16, hi, lo uint) uint64 { return uint64(c>>lo) & (1<<(hi-lo+1) - 1) }

func decodeCompressed(c uint16, x *[32]uint64) (Access, bool) {
	f3 := c >> 13
	switch c & 3 {
	case 0: // loads and stores relative to rs1' (x8..x15)
		base := x[8+bits(c, 9, 7)]
		word := bits(c, 12, 10)<<3 | bits(c, 6, 6)<<2 | bits(c, 5, 5)<<6
		dword := bits(c, 12, 10)<<3 | bits(c, 6, 5)<<6
		switch f3 {
		case 2: // c.lw
			return Access{Addr: base + word, Size: 4, Load: true}, true
		case 1, 3: // c.fld, c.ld
			return Access{Addr: base + dword, Size: 8, Load: true}, true
		case 6: // c.sw
			return Access{Addr: base + word, Size: 4, Store: true}, true
		case 5, 7: // c.fsd, c.sd
			return Access{Addr: base + dword, Size: 8, Store: true}, true
		}
	case 2: // loads and stores relative to sp
		sp := x[2]
		switch f3 {
		case 2: // c.lwsp
			off := bits(c, 12, 12)<<5 | bits(c, 6, 4)<<2 | bits(c, 3, 2)<<6
			return Access{Addr: sp + off, Size: 4, Load: true}, bits(c, 11, 7) != 0
		case 1, 3: // c.fldsp, c.ldsp
			off := bits(c, 12, 12)<<5 | bits(c, 6, 5)<<3 | bits(c, 4, 2)<<6
			return Access{Addr: sp + off, Size: 8, Load: true}, f3 == 1 || bits(c, 11, 7) != 0
		case 6: // c.swsp
			off := bits(c, 12, 9)<<2 | bits(c, 8, 7)<<6
			return Access{Addr: sp + off, Size: 4, Store: true}, true
		case 5, 7: // c.fsdsp, c.sdsp
			off := bits(c, 12, 10)<<3 | bits(c, 9, 7)<<6
			return Access{Addr: sp + off, Size: 8, Store: true}, true
		}
	}
	return Access{}, false
}
