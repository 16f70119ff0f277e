package class

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A grade script in gradelib's style (written for this test).
const sampleScript = `#!/usr/bin/env python3
from gradelib import *

r = Runner(save("xv6.out"))

@test(0, "running widgets")
def test_widgets():
    r.run_qemu(shell_script(['widgets']))

@test(30, "widgets: one", parent=test_widgets)
def test_one():
    r.match('^widget one: OK$')

@test(20, 'widgets: two', parent=test_widgets)
def test_two():
    r.match("^widget two: OK$", no=["^panic"])

#@test(10, "answers-widgets.txt")
#def test_answers():
#    check_answers("answers-widgets.txt")

@test(5)
def test_quick_check():
    assert_lines_match(r.qemu.output, '\\$ quick')

@test(1, "time")
def test_time():
    check_time()

run_tests()
`

func TestParseScript(t *testing.T) {
	tests := parseScript([]byte(sampleScript))
	assert.Equal(t, []scriptTest{
		{Title: "running widgets", Points: 0, Func: "test_widgets"},
		{Title: "widgets: one", Points: 30, Func: "test_one", Parent: "test_widgets", Expect: []string{"^widget one: OK$"}},
		{Title: "widgets: two", Points: 20, Func: "test_two", Parent: "test_widgets", Expect: []string{"^widget two: OK$"}},
		{Title: "quick check", Points: 5, Func: "test_quick_check", Expect: []string{`\\$ quick`}},
		{Title: "time", Points: 1, Func: "test_time"},
	}, tests)
}
