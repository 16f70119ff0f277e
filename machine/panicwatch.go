package machine

import (
	"bytes"
	"io"
)

// GuestPanic is what the board knows when the guest's console prints a
// panic line: the line, and the state of the virtio disk, from which a
// front end can tell a missing disk or a kernel built for the other
// virtio-mmio interface (Config.OnPanic).
type GuestPanic struct {
	Line   string     // the console line, "panic: ..."
	Disk   bool       // a disk is attached
	Virtio VirtioMode // the interface the board offers
	// VersionRead: the guest read the VERSION register; DriverOK: it went
	// on to set DRIVER_OK (its driver accepted the device).
	VersionRead, DriverOK bool
}

// maxPanicLine bounds the panic line kept (a console line can be long).
const maxPanicLine = 240

// panicWatch passes console output through and reports the first line that
// starts with "panic" (xv6's panic() output), once the line is complete.
type panicWatch struct {
	w      io.Writer
	line   []byte // the console line so far, its first maxPanicLine bytes
	done   bool   // a panic line was reported
	report func(line string)
}

var panicWord = []byte("panic")

func (p *panicWatch) Write(b []byte) (int, error) {
	// The console first: a report about the line comes after it.
	n, err := p.w.Write(b)
	for i := 0; i < len(b) && !p.done; i++ {
		switch c := b[i]; c {
		case '\n':
			if l := bytes.TrimLeft(p.line, "\r "); bytes.HasPrefix(l, panicWord) {
				p.done = true
				p.report(string(bytes.TrimRight(l, "\r ")))
			}
			p.line = p.line[:0]
		default:
			if len(p.line) < maxPanicLine {
				p.line = append(p.line, c)
			}
		}
	}
	return n, err
}

// reportPanic gives Config.OnPanic the panic line and the disk's state.
func (m *Machine) reportPanic(line string) {
	if m.cfg.OnPanic == nil {
		return
	}
	gp := GuestPanic{Line: line, Disk: m.blk != nil, Virtio: m.cfg.Virtio}
	if m.blk != nil {
		gp.VersionRead, gp.DriverOK = m.blk.Probe()
	}
	m.cfg.OnPanic(gp)
}
