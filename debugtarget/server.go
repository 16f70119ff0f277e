package debugtarget

import (
	"io"

	"github.com/rvemu/rvemu/gdbstub"
)

// Listen creates the target for board b (see New) and serves GDB's remote
// protocol for it on addr (gdbstub.Listen: HOST:PORT, :PORT, PORT or
// QEMU's "tcp::PORT"; an empty host means 127.0.0.1).
func Listen(addr string, b Board, halted bool, log io.Writer) (*Target, error) {
	t := New(b, halted)
	s, err := gdbstub.Listen(addr, t, log)
	if err != nil {
		return nil, err
	}
	t.server, t.addr = s, s.Addr().String()
	return t, nil
}

// Addr is where the stub listens ("" without a server).
func (t *Target) Addr() string { return t.addr }

// Close reports the end of the run (the guest's exit status) to a
// connected debugger and closes the server, keeping its final counters.
func (t *Target) Close(status int) {
	if t.server == nil {
		return
	}
	t.report(gdbstub.Stop{Reason: gdbstub.StopExited, Status: status})
	t.onStop = nil
	t.server.Close()
	t.final = t.server.Stats()
	t.server = nil
}

// Stats returns what the stub's limits counted (after Close, the final
// counts).
func (t *Target) Stats() gdbstub.Stats {
	if t.server != nil {
		return t.server.Stats()
	}
	return t.final
}
