package cpu

import (
	"fmt"
	"strings"
	"unsafe"
)

// Lockstep (JITLockstep): the interpreter checks the translator at every
// return from generated code. Before entering, the hart's registers, PC,
// instruction count and CSRs are saved; generated code logs every store it makes
// (RAM offset, the bytes it overwrote, the size). After it returns having
// retired n instructions, its results are saved, its stores undone in
// reverse order, the saved state restored, and the interpreter runs the
// same n instructions. Registers, PC, count, CSRs and the final bytes of
// every logged store must then be equal; a difference is reported with the
// block's start and what differed. Generated code never does MMIO, traps
// or anything else the interpreter would have to undo, so running the
// instructions twice is exact.

const (
	lockLogEntry   = 24 // bytes per log record (lockRec)
	lockLogRecords = 4096
)

type lockRec struct{ off, old, size uint64 }

type lockstep struct {
	log     []lockRec
	x       [32]uint64
	pc      uint64
	instret uint64
	csr     csrState
	finals  []uint64
}

func newLockstep(h *Hart) *lockstep {
	return &lockstep{log: make([]lockRec, lockLogRecords)}
}

// The log is Go memory written by generated code: it holds no pointers,
// and the lockstep object keeps it alive.
var _ [lockLogEntry - unsafe.Sizeof(lockRec{})]byte

func (l *lockstep) before(h *Hart) {
	l.x, l.pc, l.instret, l.csr = h.X, h.PC, h.Instret, h.csr
	base := uintptr(unsafe.Pointer(unsafe.SliceData(l.log)))
	h.jit.logPos, h.jit.logEnd = base, base+uintptr(len(l.log))*lockLogEntry
}

// after checks the retired instructions generated code just ran.
func (l *lockstep) after(h *Hart, retired int) {
	base := uintptr(unsafe.Pointer(unsafe.SliceData(l.log)))
	n := (h.jit.logPos - base) / lockLogEntry
	if n > uintptr(len(l.log)) {
		panic(fmt.Sprintf("jit lockstep: generated code wrote %d store records into a log of %d (block at pc %#x)", n, len(l.log), l.pc))
	}
	recs := l.log[:n]
	h.jit.logPos, h.jit.logEnd = 0, 0
	jx, jpc, jinstret, jcsr := h.X, h.PC, h.Instret, h.csr
	l.finals = l.finals[:0]
	for _, r := range recs {
		l.finals = append(l.finals, readRAM(h.ram, r.off, int(r.size)))
	}
	for i := len(recs) - 1; i >= 0; i-- {
		writeRAM(h.ram, recs[i].off, int(recs[i].size), recs[i].old)
	}
	h.X, h.PC, h.Instret, h.csr = l.x, l.pc, l.instret, l.csr
	problem := h.interpretExactly(retired)
	if e := h.cc.jit; e != nil {
		e.stats.Checked++
		e.stats.CheckedInst += uint64(retired)
	}
	var diffs []string
	if problem != "" {
		diffs = append(diffs, problem)
	}
	if h.PC != jpc {
		diffs = append(diffs, fmt.Sprintf("pc: translated %#x, interpreted %#x", jpc, h.PC))
	}
	if h.Instret != jinstret {
		diffs = append(diffs, fmt.Sprintf("instret: translated %d, interpreted %d", jinstret, h.Instret))
	}
	for r := 1; r < 32; r++ {
		if h.X[r] != jx[r] {
			diffs = append(diffs, fmt.Sprintf("x%d: translated %#x, interpreted %#x", r, jx[r], h.X[r]))
		}
	}
	if h.csr != jcsr {
		diffs = append(diffs, fmt.Sprintf("CSRs: translated %+v, interpreted %+v", jcsr, h.csr))
	}
	for i, r := range recs {
		if v := readRAM(h.ram, r.off, int(r.size)); v != l.finals[i] {
			diffs = append(diffs, fmt.Sprintf("RAM+%#x (%d bytes): translated %#x, interpreted %#x", r.off, r.size, l.finals[i], v))
		}
	}
	if len(diffs) == 0 {
		return
	}
	msg := fmt.Sprintf("jit lockstep: hart %d, %d instructions from pc %#x (instret %d):\n  %s",
		h.ID, retired, l.pc, l.instret, strings.Join(diffs, "\n  "))
	if f := h.sys.lockstepFailed; f != nil {
		f(msg)
		return
	}
	panic(msg)
}

// interpretExactly runs n instructions in the interpreter with no
// interrupt check, as generated code ran them. It reports what went
// differently from plain instructions (a trap, a device access).
func (h *Hart) interpretExactly(n int) string {
	h.stop = false
	for left := n; left > 0; {
		m, in := h.runFast(left)
		left -= m
		if left == 0 {
			break
		}
		before := h.Instret
		switch {
		case in == nil:
			if in = h.fetch(); in == nil {
				return fmt.Sprintf("the interpreter's fetch at %#x trapped", h.PC)
			}
			if in != &h.oneInst {
				continue
			}
			h.runUncached(in)
		case in.op == opBNELoop:
			h.runLoop(in, 0) // the translator ran it as a plain bne
		default:
			h.execSlow(in)
		}
		if h.Instret != before+1 {
			return fmt.Sprintf("the interpreter did not retire the instruction at %#x (a trap?)", h.PC)
		}
		if h.stop {
			return fmt.Sprintf("the interpreter stopped at %#x (a device access)", h.PC)
		}
		left--
	}
	return ""
}

// SetLockstepFailure makes lockstep mismatches call f with the report
// instead of panicking (the board stops the machine with it).
func (s *System) SetLockstepFailure(f func(report string)) { s.lockstepFailed = f }
