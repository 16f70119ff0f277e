package class

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestProgressLineAndETA(t *testing.T) {
	var b strings.Builder
	p := newProgress(&b, false, 10, 3, 2)
	now := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	p.now, p.start = func() time.Time { return now }, now
	p.begin("alice")
	p.begin("bob")
	assert.Equal(t, "0/10 done, 0 failed, 2 running (alice 0:00, bob 0:00), ETA ?", p.line())
	now = now.Add(60 * time.Second)
	p.end(Row{Student: "alice", Status: Graded, Score: 99, Possible: 100, Seconds: 60})
	p.end(Row{Student: "bob", Status: BuildFailed, Seconds: 20, Reason: "kernel/proc.c:1: error"})
	// 8 left at a mean of 40 s, 2 at a time: 2:40.
	assert.Equal(t, "2/10 done, 1 failed, 0 running, ETA 2:40", p.line())
	p.finish()
	assert.Equal(t, "3 submissions already graded (in the results folder): grading the other 10\n"+
		"[1/10] alice: 99/100 in 60s\n"+
		"[2/10] bob: build failed in 20s (kernel/proc.c:1: error)\n"+
		"graded 2 submissions in 1:00 (1 without a score)\n", b.String())
}
