package cpu

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FP instruction encoders.
func encFP(funct7, rm uint32, rd, rs1, rs2 int) uint32 { return rType(0x53, rm, funct7, rd, rs1, rs2) }
func encFR4(opcode, fmt, rm uint32, rd, rs1, rs2, rs3 int) uint32 {
	return uint32(rs3)<<27 | fmt<<25 | uint32(rs2)<<20 | uint32(rs1)<<15 | rm<<12 | uint32(rd)<<7 | opcode
}
func encFLW(rd, rs1 int, imm int64) uint32  { return iType(0x07, 2, rd, rs1, imm) }
func encFLD(rd, rs1 int, imm int64) uint32  { return iType(0x07, 3, rd, rs1, imm) }
func encFSW(rs1, rs2 int, imm int64) uint32 { return sType(2, rs1, rs2, imm)&^0x7f | 0x27 }
func encFSD(rs1, rs2 int, imm int64) uint32 { return sType(3, rs1, rs2, imm)&^0x7f | 0x27 }

// Rounding modes in the rm field.
const (
	rmRNE, rmRTZ, rmRDN, rmRUP, rmRMM = 0, 1, 2, 3, 4
	rmDYN                             = 7
)

const (
	box       = 0xffffffff00000000
	s1        = box | 0x3f800000 // 1.0f, boxed
	s2        = box | 0x40000000
	sNaNBoxed = box | 0x7fc00000 // the canonical single NaN, boxed
	d1        = 0x3ff0000000000000
	d2        = 0x4000000000000000
	d3        = 0x4008000000000000
	dQNaN     = 0x7ff8000000000000
	fsOff     = 0
	fsInitial = 1
	fsClean   = 2
	fsDirty   = 3
)

func TestFPInstructions(t *testing.T) {
	const a0, a1, a2, sp = 10, 11, 12, 2
	const data = ramBase + 0x400
	tests := []struct {
		name   string
		fs     uint64 // mstatus.FS before (Initial when zero-valued tests say so)
		frm    uint8
		f      map[int]uint64 // registers before
		x      map[int]uint64
		mem    uint64 // the doubleword at data before
		code   []uint32
		code16 []uint16

		wantF      map[int]uint64
		wantX      map[int]uint64
		wantMem    uint64 // checked when nonzero
		wantFlags  uint8
		wantFS     uint64
		wantIllegl bool
	}{
		{name: "fadd.s boxes its result", fs: fsInitial, f: map[int]uint64{1: s1, 2: s2},
			code:  []uint32{encFP(0x00, rmRNE, 3, 1, 2)},
			wantF: map[int]uint64{3: box | 0x40400000}, wantFS: fsDirty},
		{name: "fadd.s reads an unboxed operand as the canonical NaN", fs: fsInitial,
			f:     map[int]uint64{1: 0x3f800000, 2: s2},
			code:  []uint32{encFP(0x00, rmRNE, 3, 1, 2)},
			wantF: map[int]uint64{3: sNaNBoxed}, wantFS: fsDirty},
		{name: "fmv.x.w takes the low word of an unboxed register", fs: fsInitial,
			f:     map[int]uint64{1: 0x1234567880000000},
			code:  []uint32{encFP(0x70, 0, a0, 1, 0)},
			wantX: map[int]uint64{a0: 0xffffffff80000000}, wantFS: fsInitial},
		{name: "fmv.w.x boxes", fs: fsInitial, x: map[int]uint64{a0: 0x1234567887654321},
			code:  []uint32{encFP(0x78, 0, 1, a0, 0)},
			wantF: map[int]uint64{1: box | 0x87654321}, wantFS: fsDirty},
		{name: "fmv.d.x and fmv.x.d move raw bits", fs: fsInitial, x: map[int]uint64{a0: 0xfff0000000000123},
			code:  []uint32{encFP(0x79, 0, 1, a0, 0), encFP(0x71, 0, a1, 1, 0)},
			wantF: map[int]uint64{1: 0xfff0000000000123}, wantX: map[int]uint64{a1: 0xfff0000000000123}, wantFS: fsDirty},
		{name: "fsgnjn.d negates", fs: fsInitial, f: map[int]uint64{1: d1},
			code:  []uint32{encFP(0x11, 1, 2, 1, 1)},
			wantF: map[int]uint64{2: 0xbff0000000000000}, wantFS: fsDirty},
		{name: "fsgnj.s takes the sign of an unboxed operand's canonical NaN", fs: fsInitial,
			f:     map[int]uint64{1: box | 0xbf800000, 2: 0x80000000},
			code:  []uint32{encFP(0x10, 0, 3, 1, 2)},
			wantF: map[int]uint64{3: s1}, wantFS: fsDirty},
		{name: "fsgnjx.s", fs: fsInitial, f: map[int]uint64{1: box | 0xbf800000, 2: box | 0x80000000},
			code:  []uint32{encFP(0x10, 2, 3, 1, 2)},
			wantF: map[int]uint64{3: s1}, wantFS: fsDirty},
		{name: "fcvt.wu.s sign-extends its word", fs: fsInitial, f: map[int]uint64{1: box | 0x4f32d05e}, // 3e9
			code:  []uint32{encFP(0x60, rmRTZ, a0, 1, 1)},
			wantX: map[int]uint64{a0: 0xffffffffb2d05e00}, wantFS: fsInitial},
		{name: "fcvt.w.d rounds down statically", fs: fsInitial, f: map[int]uint64{1: 0xbfe0000000000000}, // -0.5
			code:  []uint32{encFP(0x61, rmRDN, a0, 1, 0)},
			wantX: map[int]uint64{a0: ^uint64(0)}, wantFlags: 0x01, wantFS: fsDirty},
		{name: "fcvt.l.d saturates NaN to the largest integer", fs: fsInitial, f: map[int]uint64{1: dQNaN},
			code:  []uint32{encFP(0x61, rmRNE, a0, 1, 2)},
			wantX: map[int]uint64{a0: 0x7fffffffffffffff}, wantFlags: 0x10, wantFS: fsDirty},
		{name: "dynamic rounding mode from frm", fs: fsInitial, frm: rmRUP, f: map[int]uint64{1: d1, 2: d3},
			code:  []uint32{encFP(0x0d, rmDYN, 3, 1, 2)},
			wantF: map[int]uint64{3: 0x3fd5555555555556}, wantFlags: 0x01, wantFS: fsDirty},
		{name: "a reserved frm makes dynamic rounding illegal", fs: fsInitial, frm: 5, f: map[int]uint64{1: d1, 2: d3},
			code:       []uint32{encFP(0x01, rmDYN, 3, 1, 2)},
			wantIllegl: true, wantFS: fsInitial},
		{name: "a static rm does not look at frm", fs: fsInitial, frm: 6, f: map[int]uint64{1: d1, 2: d2},
			code:  []uint32{encFP(0x01, rmRNE, 3, 1, 2)},
			wantF: map[int]uint64{3: d3}, wantFS: fsDirty},
		{name: "FS Off: fadd.d is illegal", fs: fsOff, f: map[int]uint64{1: d1, 2: d2},
			code:       []uint32{encFP(0x01, rmRNE, 3, 1, 2)},
			wantIllegl: true, wantFS: fsOff},
		{name: "FS Off: reading fflags is illegal", fs: fsOff,
			code:       []uint32{encCSRRS(a0, csrFflags, 0)},
			wantIllegl: true, wantFS: fsOff},
		{name: "FS Off: c.fld is illegal", fs: fsOff, x: map[int]uint64{a1: data},
			code16:     []uint16{0x2588},
			wantIllegl: true, wantFS: fsOff},
		{name: "feq.d of quiet NaNs raises nothing and leaves FS Clean", fs: fsClean, f: map[int]uint64{1: dQNaN},
			x:     map[int]uint64{a0: 7},
			code:  []uint32{encFP(0x51, 2, a0, 1, 1)},
			wantX: map[int]uint64{a0: 0}, wantFS: fsClean},
		{name: "flt.d of a quiet NaN signals and dirties FS", fs: fsClean, f: map[int]uint64{1: dQNaN},
			code:  []uint32{encFP(0x51, 1, a0, 1, 1)},
			wantX: map[int]uint64{a0: 0}, wantFlags: 0x10, wantFS: fsDirty},
		{name: "fle.s -0 <= +0", fs: fsInitial, f: map[int]uint64{1: box | 0x80000000, 2: box},
			code:  []uint32{encFP(0x50, 0, a0, 1, 2)},
			wantX: map[int]uint64{a0: 1}, wantFS: fsInitial},
		{name: "flw boxes", fs: fsInitial, x: map[int]uint64{a1: data - 8}, mem: 0xdeadbeef3f800000,
			code:  []uint32{encFLW(1, a1, 8)},
			wantF: map[int]uint64{1: s1}, wantFS: fsDirty},
		{name: "fsw stores the low word whatever the boxing", fs: fsInitial, x: map[int]uint64{a1: data},
			f: map[int]uint64{1: 0x1122334455667788}, mem: 0xaaaaaaaaaaaaaaaa,
			code:    []uint32{encFSW(a1, 1, 0)},
			wantMem: 0xaaaaaaaa55667788, wantFS: fsInitial},
		{name: "fld and fsd", fs: fsInitial, x: map[int]uint64{a1: data}, mem: d3,
			code:    []uint32{encFLD(2, a1, 0), encFP(0x01, rmRNE, 2, 2, 2), encFSD(a1, 2, 0)},
			wantMem: 0x4018000000000000, wantF: map[int]uint64{2: 0x4018000000000000}, wantFS: fsDirty},
		{name: "c.fld fa0, 8(a1) and c.fsd fa0, 0(a1)", fs: fsInitial, x: map[int]uint64{a1: data - 8}, mem: d3,
			code16: []uint16{0x2588, 0xa188},
			wantF:  map[int]uint64{a0: d3}, wantMem: 0, wantFS: fsDirty},
		{name: "c.fsdsp fa0, 8(sp) then c.fldsp ft1, 8(sp)", fs: fsInitial, x: map[int]uint64{sp: data - 8},
			f:      map[int]uint64{a0: d2},
			code16: []uint16{0xa42a, 0x20a2},
			wantF:  map[int]uint64{1: d2}, wantMem: d2, wantFS: fsDirty},
		{name: "fmadd.s rounds once", fs: fsInitial,
			f:     map[int]uint64{1: box | 0x3f800001, 2: box | 0x3f7fffff, 3: box | 0xbf800000},
			code:  []uint32{encFR4(0x43, 0, rmRNE, 4, 1, 2, 3)},
			wantF: map[int]uint64{4: box | 0x337ffffe}, wantFS: fsDirty},
		{name: "fmsub.d", fs: fsInitial, f: map[int]uint64{1: d2, 2: d3, 3: d1},
			code:  []uint32{encFR4(0x47, 1, rmRNE, 4, 1, 2, 3)},
			wantF: map[int]uint64{4: 0x4014000000000000}, wantFS: fsDirty},
		{name: "fnmsub.d", fs: fsInitial, f: map[int]uint64{1: d2, 2: d3, 3: d1},
			code:  []uint32{encFR4(0x4b, 1, rmRNE, 4, 1, 2, 3)},
			wantF: map[int]uint64{4: 0xc014000000000000}, wantFS: fsDirty},
		{name: "fnmadd.d", fs: fsInitial, f: map[int]uint64{1: d2, 2: d3, 3: d1},
			code:  []uint32{encFR4(0x4f, 1, rmRNE, 4, 1, 2, 3)},
			wantF: map[int]uint64{4: 0xc01c000000000000}, wantFS: fsDirty},
		{name: "fcvt.s.d rounds up", fs: fsInitial, f: map[int]uint64{1: 0x3fd5555555555555},
			code:  []uint32{encFP(0x20, rmRUP, 2, 1, 1)},
			wantF: map[int]uint64{2: box | 0x3eaaaaab}, wantFlags: 0x01, wantFS: fsDirty},
		{name: "fcvt.d.s", fs: fsInitial, f: map[int]uint64{1: box | 0x3f000000},
			code:  []uint32{encFP(0x21, rmRNE, 2, 1, 0)},
			wantF: map[int]uint64{2: 0x3fe0000000000000}, wantFS: fsDirty},
		{name: "fcvt.d.w reads the low word signed", fs: fsInitial, x: map[int]uint64{a0: 0x00000000ffffffff},
			code:  []uint32{encFP(0x69, rmRNE, 1, a0, 0)},
			wantF: map[int]uint64{1: 0xbff0000000000000}, wantFS: fsDirty},
		{name: "fcvt.d.wu reads the low word unsigned", fs: fsInitial, x: map[int]uint64{a0: 0xffffffffffffffff},
			code:  []uint32{encFP(0x69, rmRNE, 1, a0, 1)},
			wantF: map[int]uint64{1: 0x41efffffffe00000}, wantFS: fsDirty},
		{name: "fcvt.s.lu rounds", fs: fsInitial, x: map[int]uint64{a0: 0xffffffffffffffff},
			code:  []uint32{encFP(0x68, rmRNE, 1, a0, 3)},
			wantF: map[int]uint64{1: box | 0x5f800000}, wantFlags: 0x01, wantFS: fsDirty},
		{name: "fclass.s of an unboxed register: quiet NaN", fs: fsInitial, f: map[int]uint64{1: 0x00000000ff800000},
			code:  []uint32{encFP(0x70, 1, a0, 1, 0)},
			wantX: map[int]uint64{a0: 1 << 9}, wantFS: fsInitial},
		{name: "fsqrt.d", fs: fsInitial, f: map[int]uint64{1: 0x4022000000000000}, // 9
			code:  []uint32{encFP(0x2d, rmRNE, 2, 1, 0)},
			wantF: map[int]uint64{2: d3}, wantFS: fsDirty},
		{name: "fmin.s -0 +0 and fmax.d NaN", fs: fsInitial,
			f:     map[int]uint64{1: box, 2: box | 0x80000000, 3: dQNaN, 4: d1},
			code:  []uint32{encFP(0x14, 0, 5, 1, 2), encFP(0x15, 1, 6, 3, 4)},
			wantF: map[int]uint64{5: box | 0x80000000, 6: d1}, wantFS: fsDirty},
		{name: "fdiv.d by zero", fs: fsInitial, f: map[int]uint64{1: d1},
			code:  []uint32{encFP(0x0d, rmRNE, 2, 1, 0)},
			wantF: map[int]uint64{2: 0x7ff0000000000000}, wantFlags: 0x08, wantFS: fsDirty},
		{name: "csrrw fcsr swaps and dirties", fs: fsClean, frm: 2, x: map[int]uint64{a0: 0x21},
			code:  []uint32{encCSRRW(a1, csrFcsr, a0), encCSRRS(a2, csrFrm, 0)},
			wantX: map[int]uint64{a1: 0x40, a2: 1}, wantFlags: 0x01, wantFS: fsDirty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newTestMachine(t)
			if tt.code16 != nil {
				m.load16(ramBase, tt.code16...)
			} else {
				m.load(ramBase, tt.code...)
			}
			binary.LittleEndian.PutUint64(m.bus.RAM[data-ramBase:], tt.mem)
			h := m.hart(ramBase)
			h.csr.mtvec = ramBase + 0x800
			h.csr.mstatus = tt.fs << msFSShift
			h.csr.frm = tt.frm
			for r, v := range tt.f {
				h.F[r] = v
			}
			for r, v := range tt.x {
				h.X[r] = v
			}
			n := len(tt.code) + len(tt.code16)
			h.Run(n)
			if tt.wantIllegl {
				require.Equal(t, uint64(causeIllegal), h.csr.mcause)
				raw := uint64(0)
				if tt.code16 != nil {
					raw = uint64(tt.code16[0])
				} else {
					raw = uint64(tt.code[0])
				}
				assert.Equal(t, raw, h.csr.mtval)
				assert.Equal(t, uint64(ramBase+0x800), h.PC)
				for r, v := range tt.f {
					assert.Equal(t, v, h.F[r], "f%d changed", r)
				}
			} else {
				require.Equal(t, uint64(n), h.Instret, "retired (mcause %d)", h.csr.mcause)
			}
			for r, v := range tt.wantF {
				assert.Equal(t, v, h.F[r], "f%d: %#x", r, h.F[r])
			}
			for r, v := range tt.wantX {
				assert.Equal(t, v, h.X[r], "x%d: %#x", r, h.X[r])
			}
			if tt.wantMem != 0 {
				got := binary.LittleEndian.Uint64(m.bus.RAM[data-ramBase:])
				assert.Equal(t, tt.wantMem, got, "memory: %#x", got)
			}
			assert.Equal(t, tt.wantFlags, h.csr.fflags, "fflags")
			assert.Equal(t, tt.wantFS, h.csr.mstatus>>msFSShift&3, "mstatus.FS")
			assert.Equal(t, tt.wantFS == fsDirty, h.ReadCSR(csrMstatus)>>63 == 1, "mstatus.SD")
			assert.Equal(t, tt.wantFS == fsDirty, h.ReadCSR(csrSstatus)>>63 == 1, "sstatus.SD")
		})
	}
}

// A debugger reads and writes FP state whatever mstatus.FS says; writes
// make FS Dirty unless it is Off.
func TestFPStateForDebuggers(t *testing.T) {
	m := newTestMachine(t)
	h := m.hart(ramBase)
	h.WriteCSR(csrFcsr, 0x85)
	assert.Equal(t, uint64(0x85), h.ReadCSR(csrFcsr))
	assert.Equal(t, uint64(4), h.ReadCSR(csrFrm))
	assert.Equal(t, uint64(5), h.ReadCSR(csrFflags))
	assert.Equal(t, uint64(fsOff), h.ReadCSR(csrMstatus)>>msFSShift&3, "FS Off stays Off")

	h.WriteCSR(csrMstatus, fsClean<<msFSShift)
	h.WriteCSR(csrFflags, 0)
	assert.Equal(t, uint64(fsDirty), h.ReadCSR(csrMstatus)>>msFSShift&3)
	assert.Equal(t, uint64(0x80), h.ReadCSR(csrFcsr))
}
