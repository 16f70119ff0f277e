package machine

// SiFive test device ("finisher") command values, written as a 32-bit word
// to its first register. The upper 16 bits carry the exit code for fail.
const (
	finisherFail  = 0x3333
	finisherPass  = 0x5555
	finisherReset = 0x7777
)

// finisher is the SiFive test device the guest writes to power the board
// off. A reset request is treated as power-off with status 0: the board has
// no reset path, and the kernels we run use reset only to end a session.
type finisher struct {
	done bool
	code int
}

// Read: the device has no readable state.
func (f *finisher) Read(offset uint64, size int) uint64 { return 0 }

func (f *finisher) Write(offset uint64, size int, value uint64) {
	if offset != 0 || f.done {
		return
	}
	switch uint16(value) {
	case finisherPass, finisherReset:
		f.done, f.code = true, 0
	case finisherFail:
		f.done, f.code = true, int(uint32(value)>>16)
	}
}

// exited reports whether the guest asked to power off, and with what status.
func (f *finisher) exited() (code int, ok bool) { return f.code, f.done }
