package monitor

import (
	"fmt"
	"io"
	"sync"
)

// PromptText is what the monitor prints when it waits for a command.
const PromptText = "(qemu) "

// maxLine bounds a typed command line (a paste gone wrong).
const maxLine = 4096

// Prompt is the monitor's side of a terminal: it takes typed bytes, echoes
// and edits a line (backspace, Ctrl-U, up and down arrows for history),
// and hands each finished line to run, printing its output and a new
// "(qemu) " prompt. The console gives it the keyboard while the monitor
// has the focus (Ctrl-A C). Its methods may be called from one goroutine
// at a time; run is called on that goroutine.
type Prompt struct {
	out    io.Writer
	run    func(line string) (output string, ok bool)
	banner string

	mu      sync.Mutex
	line    []byte
	history []string
	hpos    int  // index in history while browsing; len(history) otherwise
	esc     int  // bytes of an escape sequence seen (0: none)
	lastCR  bool // the previous key was '\r' (a '\n' after it is the same Enter)
	shown   bool // the banner has been printed
	focused bool
}

// NewPrompt returns a prompt that writes to out and runs lines with run,
// which returns the command's output, and ok=false when the machine has
// ended or is ending (quit): then no new prompt follows. banner is printed
// the first time the monitor gets the focus.
func NewPrompt(out io.Writer, run func(line string) (string, bool), banner string) *Prompt {
	return &Prompt{out: out, run: run, banner: banner}
}

// Focus tells the prompt it gained (true) or lost the keyboard. Gaining it
// prints the banner the first time, then a fresh prompt; losing it ends
// the line, as QEMU's monitor does when Ctrl-A C goes back to the guest.
func (p *Prompt) Focus(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if on == p.focused {
		return
	}
	p.focused = on
	if !on {
		io.WriteString(p.out, "\n")
		return
	}
	if !p.shown && p.banner != "" {
		fmt.Fprintf(p.out, "%s\n", p.banner)
	}
	p.shown = true
	p.line, p.esc = p.line[:0], 0
	io.WriteString(p.out, PromptText)
}

// Key handles one typed byte.
func (p *Prompt) Key(c byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	cr := p.lastCR
	p.lastCR = c == '\r'
	if p.esc > 0 {
		p.escape(c)
		return
	}
	switch {
	case c == '\r' || c == '\n':
		if c == '\n' && cr {
			return
		}
		p.enter()
	case c == 0x7f || c == 0x08: // DEL, backspace
		if len(p.line) > 0 {
			p.line = p.line[:len(p.line)-1]
			io.WriteString(p.out, "\b \b")
		}
	case c == 0x15: // Ctrl-U: erase the line
		p.setLine("")
	case c == 0x1b:
		p.esc = 1
	case c >= 0x20 && c < 0x7f && len(p.line) < maxLine:
		p.line = append(p.line, c)
		p.out.Write([]byte{c})
	}
}

// escape follows an ANSI escape sequence (ESC [ ... final, or ESC O x):
// up and down browse the history, the rest is ignored.
func (p *Prompt) escape(c byte) {
	p.esc++
	if p.esc == 2 {
		if c != '[' && c != 'O' {
			p.esc = 0
		}
		return
	}
	if c >= 0x40 && c <= 0x7e { // the final byte
		p.esc = 0
		switch c {
		case 'A':
			if p.hpos > 0 {
				p.hpos--
				p.setLine(p.history[p.hpos])
			}
		case 'B':
			if p.hpos < len(p.history) {
				p.hpos++
				if p.hpos == len(p.history) {
					p.setLine("")
				} else {
					p.setLine(p.history[p.hpos])
				}
			}
		}
	}
}

// setLine replaces the line being typed, on the screen too.
func (p *Prompt) setLine(s string) {
	for range p.line {
		io.WriteString(p.out, "\b \b")
	}
	p.line = append(p.line[:0], s...)
	io.WriteString(p.out, s)
}

func (p *Prompt) enter() {
	line := string(p.line)
	p.line = p.line[:0]
	io.WriteString(p.out, "\n")
	if line != "" && (len(p.history) == 0 || p.history[len(p.history)-1] != line) {
		p.history = append(p.history, line)
		if len(p.history) > 100 {
			p.history = p.history[1:]
		}
	}
	p.hpos = len(p.history)
	out, ok := p.run(line)
	if out != "" {
		io.WriteString(p.out, out)
	}
	if ok {
		io.WriteString(p.out, PromptText)
	}
}
