package monitor

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// promptRig records what a prompt prints and which lines it runs.
type promptRig struct {
	out   strings.Builder
	lines []string
	alive bool
	p     *Prompt
}

func newPromptRig() *promptRig {
	r := &promptRig{alive: true}
	r.p = NewPrompt(&r.out, func(line string) (string, bool) {
		r.lines = append(r.lines, line)
		if line == "" {
			return "", r.alive
		}
		return "ran " + line + "\n", r.alive
	}, "rvemu monitor - type 'help' for more information")
	return r
}

func (r *promptRig) typeKeys(s string) {
	for i := 0; i < len(s); i++ {
		r.p.Key(s[i])
	}
}

func TestPromptRunsLines(t *testing.T) {
	r := newPromptRig()
	r.p.Focus(true)
	r.typeKeys("info mem\r")
	assert.Equal(t, []string{"info mem"}, r.lines)
	assert.Equal(t, "rvemu monitor - type 'help' for more information\n(qemu) info mem\nran info mem\n(qemu) ", r.out.String())

	r.out.Reset()
	r.p.Focus(false)
	r.p.Focus(true)
	assert.Equal(t, "\n(qemu) ", r.out.String(), "the banner only once; leaving ends the line")
}

func TestPromptEditing(t *testing.T) {
	r := newPromptRig()
	r.p.Focus(true)
	r.typeKeys("infx\x7fo cpus\r\n") // backspace; CR LF is one Enter
	r.typeKeys("junk\x15stop\n")     // Ctrl-U erases the line; a pipe's LF is Enter
	r.typeKeys("\r")                 // an empty line runs nothing but prompts again
	assert.Equal(t, []string{"info cpus", "stop", ""}, r.lines)
	assert.Contains(t, r.out.String(), "infx\b \bo cpus\n")
}

func TestPromptHistory(t *testing.T) {
	r := newPromptRig()
	r.p.Focus(true)
	r.typeKeys("info mem\rinfo cpus\r")
	r.typeKeys("\x1b[A\x1b[A\r")       // up, up: info mem
	r.typeKeys("\x1b[A\x1b[B\x1b[B\r") // up then down past the end: empty
	r.typeKeys("\x1b[D\x1bOHx 0\r")    // left, home: ignored
	assert.Equal(t, []string{"info mem", "info cpus", "info mem", "", "x 0"}, r.lines)
}

func TestPromptAfterTheMachineEnds(t *testing.T) {
	r := newPromptRig()
	r.p.Focus(true)
	r.alive = false
	r.typeKeys("quit\r")
	assert.Equal(t, "rvemu monitor - type 'help' for more information\n(qemu) quit\nran quit\n", r.out.String(), "no prompt after the end")
}

func TestPromptBoundsTheLine(t *testing.T) {
	r := newPromptRig()
	r.p.Focus(true)
	r.typeKeys(strings.Repeat("a", 2*maxLine) + "\r")
	assert.Len(t, r.lines[0], maxLine)
}
