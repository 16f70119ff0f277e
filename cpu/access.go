package cpu

// The data access an instruction makes, told by the decoder the hart
// executes with, so that debuggers (watchpoints) and tracers need no
// decoder of their own.

// Access is the data memory one instruction reads or writes.
type Access struct {
	Addr  uint64 // virtual address
	Size  uint64 // bytes
	Load  bool
	Store bool // AMOs both load and store; LR only loads, SC only stores
}

// DataAccess returns the access the instruction raw (a 16-bit compressed
// one in the low half, or a 32-bit one) makes when it runs with the integer
// registers x. ok is false for instructions that touch no data memory and
// for those this hart does not execute (they trap before any access).
func DataAccess(raw uint32, x *[32]uint64) (a Access, ok bool) {
	var in inst
	if raw&3 != 3 {
		in = decodeCompressed(uint16(raw))
	} else {
		in = decode(raw)
	}
	return in.access(x)
}

// access is DataAccess for a decoded instruction (not a fused pair or a
// page-end marker: those exist only in code pages). A new instruction that
// touches memory is taught here.
func (in *inst) access(x *[32]uint64) (a Access, ok bool) {
	op := in.op
	if op == opLoadToX0 {
		op = in.rs2 // the load whose value is discarded
	}
	base := x[in.rs1]
	switch op {
	case opLB, opLBU:
		return Access{Addr: base + uint64(in.imm), Size: 1, Load: true}, true
	case opLH, opLHU:
		return Access{Addr: base + uint64(in.imm), Size: 2, Load: true}, true
	case opLW, opLWU:
		return Access{Addr: base + uint64(in.imm), Size: 4, Load: true}, true
	case opLD:
		return Access{Addr: base + uint64(in.imm), Size: 8, Load: true}, true
	case opSB:
		return Access{Addr: base + uint64(in.imm), Size: 1, Store: true}, true
	case opSH:
		return Access{Addr: base + uint64(in.imm), Size: 2, Store: true}, true
	case opSW:
		return Access{Addr: base + uint64(in.imm), Size: 4, Store: true}, true
	case opSD:
		return Access{Addr: base + uint64(in.imm), Size: 8, Store: true}, true
	case opFP: // flw, fld, fsw, fsd and the compressed c.fld(sp), c.fsd(sp)
		f, _ := unpackFP(in.imm)
		if f.op != fpLoad && f.op != fpStore {
			return Access{}, false
		}
		a = Access{Addr: base + uint64(int64(in.imm2)), Size: 4, Load: f.op == fpLoad, Store: f.op == fpStore}
		if f.double {
			a.Size = 8
		}
		return a, true
	case opAMOW, opAMOD:
		a = Access{Addr: base, Size: 4, Load: in.imm != amoSC, Store: in.imm != amoLR}
		if op == opAMOD {
			a.Size = 8
		}
		return a, true
	}
	return Access{}, false
}
