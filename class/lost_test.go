package class

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/rvemu/rvemu/xv6lab"
)

func TestTestRows(t *testing.T) {
	specs := []scriptTest{
		{Title: "running", Func: "test_run"},
		{Title: "ping", Points: 40, Func: "test_ping", Parent: "test_run", Expect: []string{"^testing ping: OK$"}},
		{Title: "dns", Points: 19, Func: "test_dns", Parent: "test_run"},
		{Title: "sleep", Points: 5, Func: "test_sleep"},
		{Title: "time", Points: 1, Func: "test_time"},
	}
	rep := xv6lab.Report{Tests: []xv6lab.Test{
		{Title: "ping", Why: []string{"Parent failed: test_run"}},
		{Title: "dns", OK: true, Seconds: 1.5},
		{Title: "sleep", Timeout: true, Why: []string{"...", "$ sleep 10", "MISSING '^\\$ $'"}},
	}}
	ts := transcripts{
		"xv6.out":       "init: starting sh\n$ nettests\ntesting ping: panic: e1000\n",
		"xv6.out.sleep": "$ sleep 10\nsleeping\n",
	}
	rows := testRows(specs, rep, ts)
	assert.Equal(t, []Test{
		{Title: "ping", Max: 40, Ran: true, Why: "Parent failed: test_run", Closest: "testing ping: panic: e1000"},
		{Title: "dns", Points: 19, Max: 19, OK: true, Ran: true, Seconds: 1.5},
		{Title: "sleep", Max: 5, Ran: true, Why: "timed out; MISSING '^\\$ $'", Closest: "$ sleep 10"},
		{Title: "time", Max: 1, Why: "not run"},
	}, rows)
	assert.Equal(t, "panic: e1000", consolePanic(ts))
	assert.Equal(t, "$ sleep 10", patternText(`^\$ sleep 10$`))
}
