package cpu

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzExecute runs arbitrary instruction words on a hart and checks the
// invariants no guest program may break: the host does not panic, x0 reads
// zero, the pc stays 2-aligned, and every trap leaves the cause, epc and
// tval the hook saw in the CSRs of the mode that took it, with the previous
// privilege in MPP/SPP.
//
// The first byte chooses the start: bits 0-1 the privilege (U, S, M), bit 2
// delegates every exception and interrupt to S, bit 3 turns the FPU on
// (mstatus.FS Initial) and bits 4-6 set frm (5-7 are reserved: dynamic
// rounding traps). The rest is code at the start of RAM; both trap
// vectors point at it, so a trap runs more of the input instead of ending
// the run.
func FuzzExecute(f *testing.F) {
	f.Add([]byte{3, 0x13, 0, 0, 0})                                     // M: nop
	f.Add([]byte{0, 0x73, 0, 0, 0})                                     // U: ecall
	f.Add([]byte{5, 0x73, 0, 0x20, 0x10})                               // S, delegated: wfi
	f.Add([]byte{3, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00})                // illegal word, then c.nop
	f.Add([]byte{3, 0x93, 0x00, 0x10, 0x00, 0x23, 0x30, 0x10, 0x00})    // addi x1,x0,1; sd x1,0(x0)
	f.Add([]byte{0x3b, 0x53, 0xf5, 0xb5, 0x02})                         // FS on, frm RUP: fadd.d fa0,fa1,fa1
	f.Add([]byte{0x0b, 0x43, 0x75, 0xb5, 0x60, 0x53, 0x75, 0x05, 0x58}) // fmadd.s; fsqrt.s
	f.Add([]byte{0x5b, 0x53, 0x75, 0x05, 0xc2, 0x88, 0x25})             // frm 5: fcvt.w.d (dynamic: illegal); c.fld
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 1 || len(data) > 4096 {
			return
		}
		mode, code := data[0], data[1:]
		m := newTestMachine(t)
		require.NoError(t, m.bus.WriteDMA(ramBase, code))
		h := m.hart(ramBase)
		h.WriteCSR(csrMtvec, ramBase)
		h.WriteCSR(csrStvec, ramBase)
		if mode&4 != 0 {
			h.WriteCSR(csrMedeleg, ^uint64(0))
			h.WriteCSR(csrMideleg, ^uint64(0))
		}
		if mode&8 != 0 {
			h.WriteCSR(csrMstatus, h.ReadCSR(csrMstatus)|fsInitial<<msFSShift)
			h.WriteCSR(csrFrm, uint64(mode>>4&7))
		}
		switch mode & 3 {
		case 0:
			h.setPriv(PrivU)
		case 1, 2:
			h.setPriv(PrivS)
		}

		h.SetTrapHook(func(cause, epc, tval uint64, from, to uint8) {
			if epc&1 != 0 {
				t.Fatalf("trap %#x with odd epc %#x", cause, epc)
			}
			if cause&causeInterrupt == 0 && cause > causeStorePage {
				t.Fatalf("unknown exception cause %d", cause)
			}
			gotCause, gotEPC, gotTval := h.ReadCSR(csrMcause), h.ReadCSR(csrMepc), h.ReadCSR(csrMtval)
			mstatus := h.ReadCSR(csrMstatus)
			switch to {
			case PrivS:
				gotCause, gotEPC, gotTval = h.ReadCSR(csrScause), h.ReadCSR(csrSepc), h.ReadCSR(csrStval)
				if from > PrivS || (mstatus>>8&1 == 1) != (from == PrivS) {
					t.Fatalf("trap from %d into S: mstatus %#x (SPP)", from, mstatus)
				}
			case PrivM:
				if mstatus>>11&3 != uint64(from) {
					t.Fatalf("trap from %d into M: mstatus %#x (MPP)", from, mstatus)
				}
			default:
				t.Fatalf("trap %#x taken into privilege %d", cause, to)
			}
			if gotCause != cause || gotEPC != epc || gotTval != tval {
				t.Fatalf("trap into %d: hook saw cause %#x epc %#x tval %#x, CSRs hold %#x %#x %#x",
					to, cause, epc, tval, gotCause, gotEPC, gotTval)
			}
			if h.PC&1 != 0 {
				t.Fatalf("trap vector %#x is odd", h.PC)
			}
		})

		const budget, slice = 4096, 256
		for attempts := 0; attempts < budget; attempts += slice {
			before := h.Instret
			h.Run(slice)
			if h.X[0] != 0 {
				t.Fatalf("x0 = %#x after running", h.X[0])
			}
			if h.PC&1 != 0 {
				t.Fatalf("pc %#x is odd", h.PC)
			}
			if h.Instret < before {
				t.Fatalf("instret went back from %d to %d", before, h.Instret)
			}
			if h.Waiting() {
				break
			}
		}
	})
}
