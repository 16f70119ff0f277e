package cpu

import (
	"encoding/binary"
	"testing"
)

// FuzzEngines compares the interpreter and the translator on instruction
// streams that are valid by construction: every four input bytes become
// one instruction (ALU, M extension, loads and stores through registers
// that point into RAM, branches and jumps a short way either side,
// sometimes a store into the code itself, a CSR access, an ecall or a
// fence.i), so that long blocks get translated, linked, run in loops and
// killed by stores. As in FuzzExecute, the state of both machines (all
// registers, pc, retired count, CSRs, RAM) must agree after every slice;
// the second input byte's bit 0 runs the translator in lockstep mode.
func FuzzEngines(f *testing.F) {
	f.Add([]byte{3, 0, 0x00, 1, 2, 3, 0x10, 4, 5, 6, 0x20, 7, 8, 9, 0x30, 10, 11, 12})
	f.Add([]byte{0, 1, 0x40, 8, 9, 1, 0x50, 9, 8, 2, 0x60, 1, 2, 0xfe})
	f.Add([]byte{3, 0, 0x61, 1, 1, 0xf8, 0x02, 1, 1, 1})
	f.Fuzz(runEngines)
}

func runEngines(t *testing.T, data []byte) { compareEngines(t, data) }

// engineCounts is what one comparison covered: instructions both engines
// retired (compared after every slice), instructions retired in generated
// code, and lockstep's own returns and instructions checked.
type engineCounts struct {
	retired, translated, checked, checkedInst uint64
}

func compareEngines(t *testing.T, data []byte) (c engineCounts) {
	{
		if !JITAvailable {
			t.Skip("no translator on this host")
		}
		if len(data) < 2 || len(data) > 4096 {
			return
		}
		code := engineProgram(data[2:])
		seed := append([]byte{data[0]}, code...)
		ref := newTestMachineMode(t, JITOff)
		h := fuzzHart(t, ref, seed, true)
		mode := JITOn
		if data[1]&1 != 0 {
			mode = JITLockstep
		}
		om := newTestMachineMode(t, mode)
		o := fuzzHart(t, om, seed, false)
		for i := 1; i < 32; i++ {
			v := enginePointer(i)
			h.X[i], o.X[i] = v, v
		}
		const budget, slice = 20000, 1000
		for done := 0; done < budget; done += slice {
			n := h.Run(slice)
			on := o.Run(slice)
			sameState(t, ref, h, om, o, n, on)
			c.retired += uint64(n)
			if h.Waiting() || t.Failed() {
				break
			}
		}
		st := om.sys.JITStats()
		c.translated, c.checked, c.checkedInst = st.Translated, st.Checked, st.CheckedInst
	}
	return c
}

// enginePointer is x's starting value: data pointers into RAM above the
// code for most registers, small numbers for a few.
func enginePointer(x int) uint64 {
	if x >= 24 {
		return uint64(x * 3)
	}
	return ramBase + 0x10000 + uint64(x)*0x1000 + uint64(x)*8
}

// engineProgram turns input bytes into instructions (little-endian words;
// compressed forms where the recipe asks).
func engineProgram(in []byte) []byte {
	var out []byte
	put := func(w uint32) { out = binary.LittleEndian.AppendUint32(out, w) }
	for i := 0; i+4 <= len(in); i += 4 {
		sel, a, b, c := in[i], in[i+1], in[i+2], in[i+3]
		rd, rs1, rs2 := int(a&31), int(b&31), int(c&31)
		imm := int64(int8(c)) << (b >> 6) // small, sometimes larger, either sign
		switch sel % 27 {
		case 0, 1, 2:
			f3 := uint32(sel>>5) & 7
			f7 := uint32(0)
			if f3 == 0 || f3 == 5 {
				f7 = uint32(a>>5&1) << 5
			}
			put(rType(0x33, f3, f7, rd, rs1, rs2))
		case 3, 4:
			put(rType(0x33, uint32(sel>>5)&7, 1, rd, rs1, rs2)) // MUL..REMU
		case 5:
			ops := []uint32{0, 1, 4, 5, 6, 7}
			put(rType(0x3b, ops[int(sel>>5)%len(ops)], 1, rd, rs1, rs2)) // MULW..REMUW
		case 6:
			f3 := []uint32{0, 1, 5}[int(sel>>5)%3]
			f7 := uint32(0)
			if f3 == 0 || f3 == 5 {
				f7 = uint32(a>>5&1) << 5
			}
			put(rType(0x3b, f3, f7, rd, rs1, rs2)) // ADDW SUBW SLLW SRLW SRAW
		case 7, 8, 9:
			f3 := uint32(sel>>5) & 7
			v := imm & 0xfff
			switch f3 {
			case 1:
				v = int64(c & 63)
			case 5:
				v = int64(c&63) | int64(a>>5&1)<<10
			}
			put(iType(0x13, f3, rd, rs1, v))
		case 10:
			f3 := []uint32{0, 1, 5}[int(sel>>5)%3]
			v := imm & 0xfff
			if f3 != 0 {
				v = int64(c&31) | int64(a>>5&1)<<10
			}
			put(iType(0x1b, f3, rd, rs1, v))
		case 11:
			put(encLUI(rd, int64(int32(uint32(b)<<24|uint32(c)<<12))))
		case 12:
			put(encAUIPC(rd, int64(uint32(c)<<12)))
		case 13, 14, 15:
			f3 := []uint32{0, 1, 2, 3, 4, 5, 6}[int(sel>>5)%7]
			put(iType(0x03, f3, rd, 1+rs1%23, imm&0x7f8|int64(c&7)))
		case 16, 17:
			put(sType(uint32(sel>>5)&3, 1+rs1%23, rs2, imm&0x7f8|int64(c&7)))
		case 18, 19:
			f3 := []uint32{0, 1, 4, 5, 6, 7}[int(sel>>5)%6]
			off := (int64(int8(c)) % 16) * 4
			if off == 0 {
				off = 8
			}
			put(bType(f3, rs1, rs2, off))
		case 20:
			off := (int64(int8(c)) % 16) * 4
			if off == 0 {
				off = 4
			}
			put(encJAL(rd&1, off)) // x0 or ra
		case 21:
			switch sel >> 5 {
			case 0:
				put(encCSRRS(rd, csrMscratch, 0))
			case 1:
				put(encCSRRW(0, csrMscratch, rs1))
			case 2:
				put(encECALL)
			case 3:
				put(encFENCEI)
			case 4:
				// A store into the code: kills what was translated there.
				put(encAUIPC(rd|1, 0))
				put(sType(uint32(b)&3, rd|1, rs2, int64(c&0x3f)))
			default:
				put(encNOP)
			}
		case 22:
			// c.addi, c.li, c.mv, c.add: compressed forms of the same ops.
			r := uint16(a&31) | 1
			switch sel >> 6 {
			case 0:
				out = binary.LittleEndian.AppendUint16(out, 0x0001|uint16(c&31)<<2|r<<7)
			case 1:
				out = binary.LittleEndian.AppendUint16(out, 0x4001|uint16(c&31)<<2|r<<7)
			case 2:
				out = binary.LittleEndian.AppendUint16(out, 0x8002|uint16(b&31|1)<<2|r<<7)
			default:
				out = binary.LittleEndian.AppendUint16(out, 0x9002|uint16(b&31|1)<<2|r<<7)
			}
		case 24, 25:
			// CSR instructions on the CSRs translated code does itself
			// and on some it leaves to the interpreter.
			csrs := []int{csrSstatus, csrSscratch, csrSepc, csrScause, csrStval, csrStvec, csrSatp,
				csrMstatus, csrMscratch, csrMepc, csrMtvec, csrMedeleg, csrMideleg, csrMie, csrMhartid,
				csrSie, csrMcause, csrMtval}
			n := csrs[int(c)%len(csrs)]
			f3 := []uint32{1, 2, 3, 5, 6, 7}[int(sel>>5)%6]
			put(iType(0x73, f3, rd, rs1, int64(n)))
		case 26:
			// AMOs (never LR/SC here) through pointer registers, now and
			// then misaligned.
			f5 := []uint32{amoADD, amoSWAP, amoXOR, amoOR, amoAND, amoMIN, amoMAX, amoMINU, amoMAXU}[int(c)%9]
			put(encAMO(f5, 2+uint32(sel>>7), rd, 1+rs1%23, rs2))
		default:
			// jalr back to the start now and then: a loop through the
			// jump cache.
			put(encAUIPC(5, 0))
			put(encJALR(rd&1, 5, -int64(len(out))))
		}
	}
	return out
}
