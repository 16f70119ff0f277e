package machine

// SiFive test device ("finisher") command values, written as a 32-bit word
// to its first register. The upper 16 bits carry the exit code for fail.
const (
	finisherFail  = 0x3333
	finisherPass  = 0x5555
	finisherReset = 0x7777
)

// finisher is the SiFive test device the guest writes to power the board
// off or to reset it. Either ends the harts' run; the board then exits or,
// for a reset, reboots (Config.NoReboot: exits with status 0, as QEMU's
// -no-reboot does).
type finisher struct {
	done  bool
	reset bool // the guest asked for a reset, not a power-off
	code  int
}

// Read: the device has no readable state.
func (f *finisher) Read(offset uint64, size int) uint64 { return 0 }

func (f *finisher) Write(offset uint64, size int, value uint64) {
	if offset != 0 || f.done {
		return
	}
	switch uint16(value) {
	case finisherPass:
		f.done, f.code = true, 0
	case finisherReset:
		f.done, f.reset, f.code = true, true, 0
	case finisherFail:
		f.done, f.code = true, int(uint32(value)>>16)
	}
}

// exited reports whether the guest asked to power off, and with what status.
func (f *finisher) exited() (code int, ok bool) { return f.code, f.done }

// requestReset resets the board from the host side (the monitor's
// system_reset) as the guest's write of the reset value does: the harts'
// run ends at the loop's next look and Run reboots or, with NoReboot, ends.
func (m *Machine) requestReset() {
	m.fin.Write(0, 4, finisherReset)
}

// ending reports that the current run of the harts ends for good: the
// guest or the monitor powered off, or reset with NoReboot.
func (m *Machine) ending() bool {
	return m.fin.done && (!m.fin.reset || m.cfg.NoReboot)
}
