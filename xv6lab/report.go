package xv6lab

import (
	"bufio"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// Test is one line of gradelib's report: "TITLE: OK (1.2s)".
type Test struct {
	Title   string  `json:"title"`
	OK      bool    `json:"ok"`
	Seconds float64 `json:"seconds"` // 0 when gradelib printed none (under 0.1 s)
	Timeout bool    `json:"timeout,omitempty"`
	// Why is the start of gradelib's failure message (MISSING '...',
	// Timeout!, Cannot read time.txt ...), for the table's explanations.
	Why []string `json:"why,omitempty"`
}

// Report is what one `make grade` printed, parsed.
type Report struct {
	Tests    []Test `json:"tests"`
	Score    int    `json:"score"`
	Possible int    `json:"possible"`
	Scored   bool   `json:"scored"` // a final "Score: N/M" line was seen
}

var (
	ansiEscape  = regexp.MustCompile(`\x1b\[[0-9;]*m`)
	testHeader  = regexp.MustCompile(`^== Test (.*?) == ?(.*)$`)
	testOutcome = regexp.MustCompile(`^(?:Timeout! )?(.+): (OK|FAIL)(?: \((\d+(?:\.\d+)?)s\))?\s*$`)
	finalScore  = regexp.MustCompile(`^Score: (\d+)/(\d+)\s*$`)
)

// maxWhy lines of a failure message are kept.
const maxWhy = 40

// ParseReport reads gradelib's output (the same in the 2019-2025 trees):
// each test opens with "== Test TITLE == ", its outcome is a line
// "TITLE: OK|FAIL (N.Ns)" (on the same line when nothing came between,
// with "Timeout! " before it when the test ran out of time), a failure is
// followed by its message indented four spaces, and the run ends with
// "Score: N/M". Tests worth no points print no outcome and are skipped.
// Only an outcome naming the test that is open counts, so a guest line
// that happens to end in ": OK" cannot pass for one.
func ParseReport(r io.Reader) Report {
	var rep Report
	open := "" // title of the test whose outcome is awaited
	var failed *Test
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := ansiEscape.ReplaceAllString(sc.Text(), "")
		if failed != nil {
			if strings.HasPrefix(line, "    ") {
				if len(failed.Why) < maxWhy {
					failed.Why = append(failed.Why, strings.TrimSpace(line))
				}
				continue
			}
			failed = nil
		}
		if m := testHeader.FindStringSubmatch(line); m != nil {
			open = strings.TrimSpace(m[1])
			line = m[2]
		}
		if m := finalScore.FindStringSubmatch(line); m != nil {
			rep.Score, _ = strconv.Atoi(m[1])
			rep.Possible, _ = strconv.Atoi(m[2])
			rep.Scored = true
			continue
		}
		m := testOutcome.FindStringSubmatch(line)
		if m == nil || open == "" || strings.TrimSpace(m[1]) != open {
			continue
		}
		t := Test{Title: open, OK: m[2] == "OK", Timeout: strings.HasPrefix(line, "Timeout! ")}
		if m[3] != "" {
			t.Seconds, _ = strconv.ParseFloat(m[3], 64)
		}
		rep.Tests = append(rep.Tests, t)
		open = ""
		if !t.OK {
			failed = &rep.Tests[len(rep.Tests)-1]
		}
	}
	return rep
}

// Find returns the result of the test titled title, if it ran.
func (g Report) Find(title string) (Test, bool) {
	for _, t := range g.Tests {
		if t.Title == title {
			return t, true
		}
	}
	return Test{}, false
}

// TestSeconds is the sum of the tests' own times: the grade's wall time
// without the build, which is the same work on either machine.
func (g Report) TestSeconds() float64 {
	s := 0.0
	for _, t := range g.Tests {
		s += t.Seconds
	}
	return s
}

// FirstReason picks the line of gradelib's failure message that says what
// was wrong (MISSING, UNEXPECTED ...), else its last console line, skipping
// its "..." and the "QEMU output saved" note.
func FirstReason(why []string) string {
	for _, l := range why {
		for _, k := range []string{"MISSING", "UNEXPECTED", "Cannot", "Timeout", "Parent failed", "AssertionError"} {
			if strings.HasPrefix(l, k) {
				return l
			}
		}
	}
	for i := len(why) - 1; i >= 0; i-- {
		if l := why[i]; l != "..." && !strings.HasPrefix(l, "QEMU output saved") {
			return l
		}
	}
	return ""
}
