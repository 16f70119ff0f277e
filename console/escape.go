package console

import "io"

// EscapeKey is Ctrl-A, the prefix of the console's own commands (QEMU's).
const EscapeKey = 0x01

// HelpText lists the escape keys; printed by Ctrl-A H.
const HelpText = "\r\nC-a h    print this help\r\nC-a x    exit the emulator\r\nC-a C-a  send C-a to the guest\r\n"

// Escaper filters a keyboard stream: it removes Ctrl-A commands and acts
// on them, passing every other byte through unchanged. It is read by one
// goroutine (the console reader).
type Escaper struct {
	r      io.Reader
	help   io.Writer
	onQuit func()
	armed  bool // the previous byte was a lone Ctrl-A
	quit   bool
}

// NewEscaper wraps r. help receives the key list on Ctrl-A H; quit is called
// once on Ctrl-A X, after which Read returns io.EOF.
func NewEscaper(r io.Reader, help io.Writer, quit func()) *Escaper {
	return &Escaper{r: r, help: help, onQuit: quit}
}

// Read returns the next bytes meant for the guest. It never returns 0 bytes
// with a nil error, even when a whole chunk was escape commands.
func (e *Escaper) Read(p []byte) (int, error) {
	for {
		if e.quit {
			return 0, io.EOF
		}
		n, err := e.r.Read(p)
		out := 0
		for _, c := range p[:n] {
			if keep, ok := e.filter(c); ok {
				p[out] = keep
				out++
			}
			if e.quit {
				break
			}
		}
		if out > 0 || err != nil {
			return out, err
		}
	}
}

// filter runs one byte through the escape state machine; ok says whether a
// byte goes to the guest.
func (e *Escaper) filter(c byte) (byte, bool) {
	if !e.armed {
		if c == EscapeKey {
			e.armed = true
			return 0, false
		}
		return c, true
	}
	e.armed = false
	switch c {
	case EscapeKey:
		return EscapeKey, true
	case 'x', 'X':
		e.quit = true
		if e.onQuit != nil {
			e.onQuit()
		}
	case 'h', 'H', '?':
		io.WriteString(e.help, HelpText)
	}
	// Unknown commands are dropped, as QEMU does.
	return 0, false
}
