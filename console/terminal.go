// Package console connects the host terminal to the guest's serial port:
// raw mode on a terminal (restored on every way out, a crash of rvemu
// included: see guard.go) and QEMU-style Ctrl-A escape keys.
package console

import (
	"os"
	"sync"

	"golang.org/x/term"
)

// Terminal is a host terminal in raw mode. A nil *Terminal is valid and
// does nothing, so callers need not care whether stdin is a terminal.
type Terminal struct {
	fd    int
	saved *term.State
	guard *guard // nil when the guard could not be started
	once  sync.Once
}

// IsTerminal reports whether f is a terminal.
func IsTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// MakeRaw puts f into raw mode when it is a terminal and returns the handle
// that restores it; for a pipe or file it returns nil, nil. Output
// post-processing stays on (newline -> CR LF), as the guest's console
// sends bare newlines; signal keys go to the guest (Ctrl-C is the guest's).
// A guard process restores the terminal should this process die without
// doing so itself.
func MakeRaw(f *os.File) (*Terminal, error) {
	fd := int(f.Fd())
	if !term.IsTerminal(fd) {
		return nil, nil
	}
	g := startGuard(f) // before raw mode: the guard saves the settings as they are
	saved, err := term.MakeRaw(fd)
	if err != nil {
		g.release()
		return nil, err
	}
	keepOutputProcessing(fd)
	return &Terminal{fd: fd, saved: saved, guard: g}, nil
}

// Restore puts the terminal back as it was. Safe to call more than once
// and from several exit paths.
func (t *Terminal) Restore() {
	if t == nil {
		return
	}
	t.once.Do(func() {
		_ = term.Restore(t.fd, t.saved)
		t.guard.release()
	})
}
