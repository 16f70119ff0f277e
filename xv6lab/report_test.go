package xv6lab

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A grade transcript in gradelib's layout (written for this test): test
// headers, make's echo, outcomes with and without times, a timeout, a
// failure message, a parent-test line, guest output that merely looks like
// an outcome, colour escapes, and the final score.
const transcript = "make clean\n" +
	"== Test alpha, no arguments == \n" +
	"$ make qemu-gdb\n" +
	"alpha, no arguments: OK (17.2s) \n" +
	"== Test beta == beta: OK \n" +
	"== Test gamma, makes syscall == \n" +
	"$ make qemu-gdb\n" +
	"Timeout! gamma, makes syscall: FAIL (31.1s) \n" +
	"    ...\n" +
	"         kernel is booting\n" +
	"    MISSING '\\$ gamma 10'\n" +
	"    QEMU output saved to xv6.out.gamma\n" +
	"== Test suite == \n" +
	"$ make qemu-gdb\n" +
	"suite: OK (120.5s) \n" +
	"== Test   suite: part one == \n" +
	"  suite: part one: \x1b[31mFAIL\x1b[0m \n" +
	"    Parent failed: test_suite\n" +
	"== Test delta == \n" +
	"delta: OK (2.0s) \n" +
	"some guest line: OK\n" +
	"== Test time == \n" +
	"time: FAIL \n" +
	"    Cannot read time.txt\n" +
	"Score: 99/110\n" +
	"make: *** [Makefile:350: grade] Error 1\n"

func TestParseGrade(t *testing.T) {
	rep := ParseReport(strings.NewReader(transcript))
	require.True(t, rep.Scored)
	assert.Equal(t, 99, rep.Score)
	assert.Equal(t, 110, rep.Possible)
	tests := []struct {
		title   string
		ok      bool
		seconds float64
		timeout bool
		why     string
	}{
		{"alpha, no arguments", true, 17.2, false, ""},
		{"beta", true, 0, false, ""},
		{"gamma, makes syscall", false, 31.1, true, "MISSING '\\$ gamma 10'"},
		{"suite", true, 120.5, false, ""},
		{"suite: part one", false, 0, false, "Parent failed: test_suite"},
		{"delta", true, 2.0, false, ""},
		{"time", false, 0, false, "Cannot read time.txt"},
	}
	require.Len(t, rep.Tests, len(tests))
	for i, want := range tests {
		got := rep.Tests[i]
		assert.Equal(t, want.title, got.Title)
		assert.Equal(t, want.ok, got.OK, want.title)
		assert.InDelta(t, want.seconds, got.Seconds, 1e-9, want.title)
		assert.Equal(t, want.timeout, got.Timeout, want.title)
		if want.why != "" {
			assert.Equal(t, want.why, FirstReason(got.Why), want.title)
		}
	}
	assert.InDelta(t, 17.2+31.1+120.5+2.0, rep.TestSeconds(), 1e-9)
}

func TestParseGradeWithoutScore(t *testing.T) {
	rep := ParseReport(strings.NewReader("make clean\nuser/sh.c:58:1: error: infinite recursion detected\nmake: *** Error 2\n"))
	assert.False(t, rep.Scored)
	assert.Empty(t, rep.Tests)
}

func TestFirstReason(t *testing.T) {
	for _, c := range []struct {
		name string
		why  []string
		want string
	}{
		{"missing line", []string{"...", "init: starting sh", "$ x", "MISSING '^OK$'", "QEMU output saved to xv6.out.x"}, "MISSING '^OK$'"},
		{"console only: its last line", []string{"...", "panic: kalloc", "rvemu: stopped by signal 15", "QEMU output saved to xv6.out.x"}, "rvemu: stopped by signal 15"},
		{"a console line mentioning a keyword is not the reason", []string{"...", "usertests: MISSING file", "UNEXPECTED 'panic'"}, "UNEXPECTED 'panic'"},
		{"nothing", nil, ""},
	} {
		t.Run(c.name, func(t *testing.T) { assert.Equal(t, c.want, FirstReason(c.why)) })
	}
}
