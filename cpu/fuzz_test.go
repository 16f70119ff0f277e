package cpu

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzExecute runs arbitrary instruction words on a hart and checks the
// invariants no guest program may break: the host does not panic, x0 reads
// zero, the pc stays 2-aligned, and every trap leaves the cause, epc and
// tval the hook saw in the CSRs of the mode that took it, with the previous
// privilege in MPP/SPP.
//
// Where the host has a translator, the same input also runs on a second
// machine with it on, and after every slice of the run the two must agree
// on every register, the pc, the retired count, the privilege, the CSRs a
// trap writes, the FP registers and all of RAM; bit 7 of the first byte
// runs the translator in lockstep mode instead, which compares against the
// interpreter at every return from generated code as well. A host fault in
// generated code ends the fuzzer with a crash, which it reports like any
// panic.
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
	f.Add([]byte{0x83, 0x93, 0x00, 0x10, 0x00, 0xe3, 0x8e, 0x00, 0xfe}) // lockstep: addi x1,x0,1; beq x1,x1,-4
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 1 || len(data) > 4096 {
			return
		}
		ref := newTestMachineMode(t, JITOff)
		h := fuzzHart(t, ref, data, true)
		var other *Hart
		var om *testMachine
		if JITAvailable {
			mode := JITOn
			if data[0]&0x80 != 0 {
				mode = JITLockstep
			}
			om = newTestMachineMode(t, mode)
			other = fuzzHart(t, om, data, false)
		}

		const budget, slice = 4096, 256
		for attempts := 0; attempts < budget; attempts += slice {
			before := h.Instret
			n := h.Run(slice)
			if h.X[0] != 0 {
				t.Fatalf("x0 = %#x after running", h.X[0])
			}
			if h.PC&1 != 0 {
				t.Fatalf("pc %#x is odd", h.PC)
			}
			if h.Instret < before {
				t.Fatalf("instret went back from %d to %d", before, h.Instret)
			}
			if other != nil {
				on := other.Run(slice)
				sameState(t, ref, h, om, other, n, on)
			}
			if h.Waiting() {
				break
			}
		}
	})
}

// fuzzHart sets a hart up for FuzzExecute's input on m; check installs the
// trap hook that checks the trap CSRs.
func fuzzHart(t *testing.T, m *testMachine, data []byte, check bool) *Hart {
	mode, code := data[0], data[1:]
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
	if !check {
		return h
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
	return h
}

// engineCSRs are compared between the engines: what traps, returns and
// CSR instructions change.
var engineCSRs = []uint16{csrMstatus, csrMcause, csrMepc, csrMtval, csrScause, csrSepc, csrStval,
	csrMscratch, csrSscratch, csrSatp, csrMie, csrMtvec, csrStvec, csrMedeleg, csrMideleg, csrFcsr}

// sameState fails unless harts a (on machine ma) and b (on mb) are in the
// same architectural state after Runs that returned na and nb.
func sameState(t *testing.T, ma *testMachine, a *Hart, mb *testMachine, b *Hart, na, nb int) {
	t.Helper()
	if na != nb || a.PC != b.PC || a.Instret != b.Instret || a.Priv != b.Priv || a.X != b.X || a.F != b.F {
		t.Fatalf("engines differ: interpreter ran %d to pc %#x instret %d priv %d x %#x; translator ran %d to pc %#x instret %d priv %d x %#x",
			na, a.PC, a.Instret, a.Priv, a.X, nb, b.PC, b.Instret, b.Priv, b.X)
	}
	for _, c := range engineCSRs {
		if va, vb := a.ReadCSR(c), b.ReadCSR(c); va != vb {
			t.Fatalf("engines differ in CSR %#x: interpreter %#x, translator %#x (pc %#x)", c, va, vb, a.PC)
		}
	}
	if a.Waiting() != b.Waiting() {
		t.Fatalf("engines differ in WFI: interpreter %v, translator %v", a.Waiting(), b.Waiting())
	}
	if !bytes.Equal(ma.bus.RAM, mb.bus.RAM) {
		for i := range ma.bus.RAM {
			if ma.bus.RAM[i] != mb.bus.RAM[i] {
				t.Fatalf("engines differ in RAM at %#x: interpreter %#x, translator %#x (pc %#x)",
					ramBase+i, ma.bus.RAM[i], mb.bus.RAM[i], a.PC)
			}
		}
	}
}
