// Package gdbstub serves GDB's remote serial protocol over TCP for a RISC-V
// RV64 machine: registers, memory, breakpoints, watchpoints, stepping, harts
// as threads. It knows the machine only through Target.
package gdbstub

// Target is the machine as a debugger sees it. Post may be called from any
// goroutine; every other method is called only from inside a function
// handed to Post, that is on the machine loop, where guest state may change.
type Target interface {
	// Post runs fn on the machine loop (soon, between instruction quanta,
	// also while the harts are halted).
	Post(fn func())

	// Attach starts a debugging session: the machine halts all harts and
	// from now on reports every stop (breakpoint, watchpoint, finished
	// step, halt request, guest exit) to onStop, on the machine loop.
	Attach(onStop func(Stop))
	// Detach removes every breakpoint and watchpoint, forgets onStop and
	// lets the harts run.
	Detach()

	// Harts is the number of harts (threads 1..Harts in the protocol).
	Harts() int
	// ReadRegister reads register r of a hart; ok=false if the hart has
	// no such register.
	ReadRegister(hart int, r Reg) (v uint64, ok bool)
	WriteRegister(hart int, r Reg, v uint64) bool
	// ReadMemory and WriteMemory access guest memory at a virtual address
	// as the hart sees it (physical when its paging is off). They fail,
	// changing nothing, when part of the range does not map to RAM.
	ReadMemory(hart int, addr uint64, p []byte) error
	WriteMemory(hart int, addr uint64, p []byte) error

	// SetBreakpoint adds (on) or removes an execution breakpoint at a
	// virtual address, on every hart. The machine checks the pc; guest
	// memory is never patched.
	SetBreakpoint(addr uint64, on bool)
	// SetWatchpoint adds or removes a data watchpoint on every hart.
	SetWatchpoint(w Watchpoint, on bool)

	// Continue lets all harts run until the next stop.
	Continue()
	// ContinueHarts lets only the listed harts run until the next stop,
	// the others staying halted (vCont;c:N: gdb resumes the one thread it
	// is stepping over a breakpoint or watchpoint with).
	ContinueHarts(harts []int)
	// Step runs one instruction on one hart, the others staying halted,
	// then reports StopStep. Interrupts are not taken during the step.
	Step(hart int)
	// Halt stops all harts and reports StopHalted (also when they were
	// already halted).
	Halt()
	// Kill ends the machine: its Run returns as if the guest powered off
	// with status 0.
	Kill()
}

// Commander is a Target that runs monitor commands: gdb's "monitor CMD"
// (the qRcmd packet). Command runs on the machine loop; hart is gdb's
// current thread. It returns the command's output (any text).
type Commander interface {
	Command(hart int, line string) string
}

// Reg numbers a register the way GDB's RISC-V port does internally, which
// is also the number used in p/P packets (the target description says so).
type Reg uint16

const (
	RegPC   Reg = 32
	regF0   Reg = 33 // f0..f31: 33..64
	regCSR0 Reg = 65
	// RegPriv is GDB's virtual register holding the privilege level
	// (0 U, 1 S, 3 M).
	RegPriv Reg = regCSR0 + 4096
)

// RegX is general-purpose register x<n>.
func RegX(n int) Reg { return Reg(n) }

// RegF is floating-point register f<n> (raw 64 bits, a single NaN-boxed).
func RegF(n int) Reg { return regF0 + Reg(n) }

// IsF tells whether r is an f register and which.
func (r Reg) IsF() (int, bool) {
	if r >= regF0 && r < regF0+32 {
		return int(r - regF0), true
	}
	return 0, false
}

// RegCSR is control and status register n.
func RegCSR(n uint16) Reg { return regCSR0 + Reg(n) }

// IsCSR tells whether r is a CSR and which.
func (r Reg) IsCSR() (uint16, bool) {
	if r >= regCSR0 && r < RegPriv {
		return uint16(r - regCSR0), true
	}
	return 0, false
}

// WatchKind is what kind of access triggers a watchpoint.
type WatchKind int

const (
	WatchWrite  WatchKind = iota // Z2
	WatchRead                    // Z3
	WatchAccess                  // Z4: read or write
)

// Watchpoint watches Len bytes at virtual address Addr.
type Watchpoint struct {
	Kind WatchKind
	Addr uint64
	Len  uint64
}

// StopReason says why the harts stopped.
type StopReason int

const (
	StopHalted     StopReason = iota // Halt (Ctrl-C), or halted from the start
	StopBreakpoint                   // a hart reached a breakpoint
	StopWatch                        // a hart accessed watched memory
	StopStep                         // a Step finished
	StopExited                       // the guest powered off (or was killed)
)

// Stop is one stop report. The machine is halted after every reason but
// StopExited, where it is gone.
type Stop struct {
	Reason StopReason
	Hart   int        // the hart that stopped (StopHalted: 0 or any)
	Watch  Watchpoint // StopWatch: the watchpoint that triggered
	Status int        // StopExited: the guest's exit status
}
