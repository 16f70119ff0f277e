package console

import (
	"io"
	"sync"
)

// EscapeKey is Ctrl-A, the prefix of the console's own commands (QEMU's).
const EscapeKey = 0x01

// HelpText lists the escape keys; printed by Ctrl-A H.
const HelpText = "\r\nC-a h    print this help\r\nC-a x    exit the emulator\r\nC-a C-a  send C-a to the guest\r\n"

// monitorHelp is the Ctrl-A H line added when a monitor shares the terminal.
const monitorHelp = "C-a c    switch between console and monitor\r\n"

// Monitor is what Ctrl-A C hands the keyboard to: QEMU's monitor prompt.
// Focus says it gained or lost the keyboard; Key is one typed byte while
// it has it. Both are called on the Escaper's reader goroutine, and Key
// may take as long as a command runs.
type Monitor interface {
	Focus(on bool)
	Key(c byte)
}

// Focus is who has the keyboard when a Mux starts.
type Focus int

const (
	FocusGuest   Focus = iota // the guest's console; Ctrl-A C switches (QEMU -nographic)
	FocusMonitor              // the monitor first; Ctrl-A C switches
	MonitorOnly               // the monitor, and no console to switch to
)

// QueueLimit bounds the typed bytes held for a guest that is not reading
// its console. Beyond it keys are dropped (and counted) rather than the
// keyboard left unread: a reader that stopped reading the terminal would
// never see Ctrl-A X. 64 KiB keeps any sensible paste whole.
const QueueLimit = 64 << 10

// droppedNote is printed once, at the first dropped key.
const droppedNote = "\r\nrvemu: console input full (the guest is not reading): dropping typed keys\r\n"

// Escaper filters a keyboard stream: it removes Ctrl-A commands and acts
// on them, passing every other byte through unchanged.
//
// Its own goroutine reads the keyboard all the time and acts on commands
// at once, whether or not the guest takes its input; guest bytes wait in a
// queue of at most QueueLimit bytes for Read. So a guest spinning with
// interrupts off, its UART full or never set up, cannot starve Ctrl-A X.
type Escaper struct {
	help   io.Writer
	onQuit func()

	mu      sync.Mutex
	more    *sync.Cond // queue grew, or the stream ended
	queue   []byte     // filtered bytes for the guest
	quit    bool       // Ctrl-A X seen
	err     error      // the keyboard's read error (io.EOF at its end)
	dropped int        // bytes lost to a full queue

	armed bool // the previous byte was a lone Ctrl-A (reader goroutine only)

	// The monitor sharing the terminal (nil: none), and whether it has
	// the keyboard now (reader goroutine only).
	mon       Monitor
	monOnly   bool
	monitored bool
}

// NewEscaper wraps r and starts reading it. help receives the key list on
// Ctrl-A H and the one-time note about dropped keys; quit is called once
// on Ctrl-A X, after which Read returns what was queued before it and then
// io.EOF.
func NewEscaper(r io.Reader, help io.Writer, quit func()) *Escaper {
	return NewMux(r, help, quit, nil, FocusGuest)
}

// NewMux is NewEscaper with a monitor sharing the terminal, as QEMU's
// mon:stdio: Ctrl-A C moves the keyboard between the guest and mon, and
// while mon has it, typed bytes go to mon.Key instead of the guest.
// The guest's output is not held meanwhile (QEMU does not hold it
// either). start says who has the keyboard first; with MonitorOnly,
// Ctrl-A C does nothing. A nil mon makes a plain Escaper.
func NewMux(r io.Reader, help io.Writer, quit func(), mon Monitor, start Focus) *Escaper {
	e := &Escaper{help: help, onQuit: quit, mon: mon}
	e.more = sync.NewCond(&e.mu)
	if mon != nil && start != FocusGuest {
		e.monitored, e.monOnly = true, start == MonitorOnly
		mon.Focus(true)
	}
	go e.pump(r)
	return e
}

// pump reads the keyboard until Ctrl-A X or a read error.
func (e *Escaper) pump(r io.Reader) {
	buf := make([]byte, 512)
	for {
		n, err := r.Read(buf)
		for _, c := range buf[:n] {
			keep, ok, quit := e.filter(c)
			if quit {
				// Act first: once Read reports the end, the run is
				// already stopping.
				if e.onQuit != nil {
					e.onQuit()
				}
				e.mu.Lock()
				e.quit = true
				e.more.Broadcast()
				e.mu.Unlock()
				return
			}
			switch {
			case ok && e.monitored:
				e.mon.Key(keep)
			case ok:
				e.enqueue(keep)
			}
		}
		if err != nil {
			e.mu.Lock()
			e.err = err
			e.more.Broadcast()
			e.mu.Unlock()
			return
		}
	}
}

func (e *Escaper) enqueue(c byte) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.queue) >= QueueLimit {
		if e.dropped == 0 {
			io.WriteString(e.help, droppedNote)
		}
		e.dropped++
		return
	}
	e.queue = append(e.queue, c)
	e.more.Broadcast()
}

// Read returns the next bytes meant for the guest, waiting for some. It
// never returns 0 bytes with a nil error.
func (e *Escaper) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for len(e.queue) == 0 && !e.quit && e.err == nil {
		e.more.Wait()
	}
	if len(e.queue) > 0 {
		n := copy(p, e.queue)
		e.queue = e.queue[n:]
		if len(e.queue) == 0 {
			e.queue = nil // let a big paste's array go
		}
		return n, nil
	}
	if e.quit {
		return 0, io.EOF
	}
	return 0, e.err
}

// Dropped reports how many typed bytes were lost to a full queue.
func (e *Escaper) Dropped() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.dropped
}

// filter runs one byte through the escape state machine: ok says whether
// a byte goes on (to the guest, or to the monitor while it has the
// keyboard), quit that it was Ctrl-A X. It runs on the reader goroutine.
func (e *Escaper) filter(c byte) (keep byte, ok, quit bool) {
	if !e.armed {
		if c == EscapeKey {
			e.armed = true
			return 0, false, false
		}
		return c, true, false
	}
	e.armed = false
	switch c {
	case EscapeKey:
		return EscapeKey, true, false
	case 'x', 'X':
		return 0, false, true
	case 'h', 'H', '?':
		io.WriteString(e.help, HelpText)
		if e.mon != nil && !e.monOnly {
			io.WriteString(e.help, monitorHelp)
		}
	case 'c', 'C':
		if e.mon != nil && !e.monOnly {
			e.monitored = !e.monitored
			e.mon.Focus(e.monitored)
		}
	}
	// Unknown commands are dropped, as QEMU does.
	return 0, false, false
}
