package machine

import (
	"fmt"
	"io"

	"github.com/rvemu/rvemu/bus"
)

// HTIF is the host-target interface of riscv-tests and the proxy kernel:
// the guest writes a command word to the "tohost" symbol and the host
// answers through "fromhost". Word layout: device in bits 63:56, command in
// bits 55:48, payload in bits 47:0.
const (
	htifDevSyscall = 0 // command 0: exit (odd payload) or syscall (pointer)
	htifDevConsole = 1 // command 1: write the payload's low byte
	htifCmdWrite   = 1
	htifPayload    = 1<<48 - 1

	sysWrite = 64      // proxy-kernel syscall number of write(2)
	errNoSys = -38     // -ENOSYS for syscalls we do not serve
	sysArgs  = 8 * 8   // magic_mem: which + 7 arguments, 64-bit each
	maxWrite = 1 << 20 // cap on one write syscall; guests cannot make us allocate more
)

type htif struct {
	bus              *bus.Bus
	tohost, fromhost uint64
	console, log     io.Writer
}

// poll serves one pending command. done is true when the guest asked to
// exit, with its status.
func (h *htif) poll() (code int, done bool) {
	v, err := h.bus.ReadU64(h.tohost)
	if err != nil || v == 0 {
		return 0, false
	}
	dev, cmd, payload := v>>56, (v>>48)&0xff, v&htifPayload
	switch {
	case dev == htifDevSyscall && payload&1 == 1:
		code := int(payload >> 1)
		if code != 0 {
			fmt.Fprintf(h.log, "rvemu: htif: FAIL: test %d\n", code)
		}
		return code, true
	case dev == htifDevSyscall:
		h.syscall(payload)
		h.respond(1)
	case dev == htifDevConsole && cmd == htifCmdWrite:
		h.console.Write([]byte{byte(payload)})
		h.respond(dev<<56 | cmd<<48 | 0x100 | payload&0xff)
	default:
		// Console reads and unknown devices: consume the command so the
		// guest does not wait on us forever; no answer.
		h.bus.WriteU64(h.tohost, 0)
	}
	return 0, false
}

func (h *htif) respond(v uint64) {
	h.bus.WriteU64(h.tohost, 0)
	if h.fromhost != 0 {
		h.bus.WriteU64(h.fromhost, v)
	}
}

// syscall serves the proxy kernel's "magic memory" block at addr: the
// syscall number and its arguments, overwritten with the return value.
// Only write(2) to stdout/stderr is served; benchmarks print through it.
func (h *htif) syscall(addr uint64) {
	var args [sysArgs / 8]uint64
	for i := range args {
		var err error
		if args[i], err = h.bus.ReadU64(addr + 8*uint64(i)); err != nil {
			return
		}
	}
	ret := int64(errNoSys)
	if args[0] == sysWrite && (args[1] == 1 || args[1] == 2) && args[3] <= maxWrite {
		buf := make([]byte, args[3])
		if h.bus.ReadDMA(args[2], buf) == nil {
			h.console.Write(buf)
			ret = int64(len(buf))
		}
	}
	h.bus.WriteU64(addr, uint64(ret))
}
