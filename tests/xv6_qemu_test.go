package tests

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// xv6Step is one shell command and what its output must be.
type xv6Step struct {
	cmd   string
	keys  string   // raw keystrokes instead of cmd + newline
	echo  string   // what the console echoes for keys
	want  []string // exact lines, if match is empty
	match []string // one regexp per line, in order
	some  []string // regexps that must each match at least one line
	every string   // regexp that every line must match
}

func (s xv6Step) check(t *testing.T, lines []string) {
	t.Helper()
	switch {
	case len(s.match) > 0:
		require.Len(t, lines, len(s.match), "lines: %q", lines)
		for i, re := range s.match {
			assert.Regexp(t, "^"+re+"$", lines[i])
		}
	case s.some == nil && s.every == "":
		assert.Equal(t, s.want, lines)
	}
	for _, re := range s.some {
		found := false
		for _, l := range lines {
			found = found || regexp.MustCompile("^"+re+"$").MatchString(l)
		}
		assert.True(t, found, "no line matches %q in %q", re, lines)
	}
	if s.every != "" {
		for _, l := range lines {
			assert.Regexp(t, "^"+s.every+"$", l)
		}
	}
}

var xv6StressLines = []string{
	`stress mem: OK \d+ pages \d+ ticks`,
	`stress fork: OK 200 procs \d+ ticks`,
	`stress exec: OK 50 execs \d+ ticks`,
	`stress sched: OK 6 procs \d+ ticks`,
	`stress pipe: OK 4194304 bytes \d+ ticks`,
	`stress file: OK 204800 bytes \d+ ticks`,
	`stress: all OK`,
}

func TestXv6QEMUShell(t *testing.T) {
	build := xv6Build(t)
	guest := bootXv6QEMU(t, build, 3)
	assert.Contains(t, guest.output(), "rvemu xv6: booting, timer sstc\n")

	steps := []xv6Step{
		{cmd: "echo hi > f; cat f", want: []string{"hi"}},
		{cmd: "ls", every: `\S+ [123] \d+ \d+`, some: []string{
			`\. 1 1 \d+`, `README\.md 2 \d+ \d+`, `f 2 \d+ 3`, `sh 2 \d+ \d+`,
			`stress 2 \d+ \d+`, `console 3 \d+ 0`,
		}},
		{cmd: "mkdir d", want: nil},
		{cmd: "ls d", match: []string{`\. 1 \d+ 64`, `\.\. 1 1 \d+`}},
		{cmd: "cd d; echo in d > g; cd /; cat d/g", want: []string{"in d"}},
		{cmd: "echo a b c | cat | cat", want: []string{"a b c"}},
		{cmd: "cat < f; rm f; cat f", want: []string{"hi", "cat: cannot open f"}},
		{cmd: "rm d", want: []string{"rm: d failed to delete"}},
		{cmd: "echo linked > a; ln a b; rm a; cat b; ls b", match: []string{"linked", `b 2 \d+ 7`}},
		{cmd: "ln d e", want: []string{"ln: link d e failed"}},
		{cmd: "backspace", keys: "echo abX\x7fc\bd\n", echo: "echo abX\b \bc\b \bd\n", want: []string{"abd"}},
		{cmd: "kill line", keys: "echo junk\x15echo ok\n", echo: "echo junk" + strings.Repeat("\b \b", 9) + "echo ok\n", want: []string{"ok"}},
		{cmd: "end of input to cat", keys: "cat\nline one\n\x04", echo: "cat\nline one\n", want: []string{"line one"}},
		{cmd: "end of input restarts sh", keys: "\x04", want: []string{"init: starting sh"}},
		{cmd: "stress", match: xv6StressLines},
		// One part at a time, as `make bench` times them: no summary line.
		{cmd: "stress exec fork", match: []string{xv6StressLines[2], xv6StressLines[1]}},
		{cmd: "stress bogus", want: []string{"usage: stress [mem|fork|exec|sched|pipe|file]..."}},
	}
	for _, s := range steps {
		t.Run(strings.ReplaceAll(s.cmd, "/", "_"), func(t *testing.T) {
			if s.keys == "" {
				s.check(t, guest.run(s.cmd))
			} else {
				s.check(t, guest.typeKeys(s.keys, s.echo))
			}
		})
	}
}

// The CLINT timer path (M-mode mtimecmp, forwarded as a supervisor
// software interrupt) must keep time and preempt like Sstc does.
func TestXv6QEMUClintTimer(t *testing.T) {
	build := xv6Build(t, "B=build/clint", "TIMER=clint")
	guest := bootXv6QEMU(t, build, 3)
	assert.Contains(t, guest.output(), "rvemu xv6: booting, timer clint\n")

	lines := guest.run("stress")
	xv6Step{match: xv6StressLines}.check(t, lines)
	ticks := 0
	for _, l := range lines[:len(lines)-1] {
		f := strings.Fields(l)
		n, err := strconv.Atoi(f[len(f)-2])
		require.NoError(t, err)
		ticks += n
	}
	assert.Positive(t, ticks, "the clock never ticked")
}
