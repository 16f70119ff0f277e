package grade

import (
	"regexp"
	"strings"
	"time"

	"github.com/rvemu/rvemu/internal/cmdline"
)

// Transcript is everything a session produced, for scoring.
type Transcript struct {
	Console string   // guest output after the command was typed
	Host    []string // host-side report lines
	// TimeFile is the content of the lab's time.txt; TimeFileFound false
	// when none was found.
	TimeFile      string
	TimeFileFound bool
	// At tells when the console byte at an offset arrived, relative to
	// the command being typed; nil gives zero durations.
	At func(offset int) time.Duration
}

// TestResult is one row of the score table.
type TestResult struct {
	Name     string        `json:"name"`
	Points   int           `json:"points"`
	OK       bool          `json:"ok"`
	Counted  bool          `json:"counted"` // false: not applicable (no time.txt)
	Time     time.Duration `json:"time_ns"`
	Expected string        `json:"expected,omitempty"` // on FAIL: the pattern
	Closest  string        `json:"closest,omitempty"`  // on FAIL: nearest line seen
}

// Score is a whole graded run.
type Score struct {
	Lab     string        `json:"lab"`
	Tests   []TestResult  `json:"tests"`
	Points  int           `json:"points"`
	Max     int           `json:"max"`
	Elapsed time.Duration `json:"elapsed_ns"`
	Note    string        `json:"note,omitempty"` // e.g. timeout, guest exit
}

// Full reports a perfect score.
func (s *Score) Full() bool { return s.Max > 0 && s.Points == s.Max }

// Grade matches a transcript against a lab's tests.
//
// time.txt: the lab's grader gives its point when time.txt holds one
// integer. rvemu checks the same file when it finds one (see FindTimeFile);
// when there is none the row is shown as n/a and its point is left out of
// both sides of the score, because the emulator cannot know how long the
// student worked and the other rows are what the emulator is graded on.
func Grade(lab *Lab, tr Transcript) *Score {
	s := &Score{Lab: lab.Name}
	for _, t := range lab.Tests {
		r := TestResult{Name: t.Name, Points: t.Points, Counted: true}
		var text string
		switch t.Source {
		case FromConsole:
			text = tr.Console
		case FromHost:
			text = strings.Join(tr.Host, "\n")
		case FromTimeFile:
			text = tr.TimeFile
			if !tr.TimeFileFound {
				r.Counted = false
			}
		}
		loc := t.Pattern.FindStringIndex(normalise(text))
		r.OK = loc != nil && r.Counted
		if r.OK && t.Source == FromConsole && tr.At != nil {
			r.Time = tr.At(loc[0])
		}
		if r.Counted {
			s.Max += t.Points
			if r.OK {
				s.Points += t.Points
			} else {
				r.Expected = PatternText(t.Pattern)
				r.Closest = ClosestLine(r.Expected, text)
			}
		}
		s.Tests = append(s.Tests, r)
	}
	return s
}

// normalise turns CRLF into LF so '$' anchors work on any console; offsets
// stay usable because xv6 prints bare LF (the UART adds nothing).
func normalise(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

// PatternText is a pattern as a person reads it: anchors and flags dropped,
// escapes undone.
func PatternText(re *regexp.Regexp) string {
	s := re.String()
	s = strings.TrimPrefix(s, "(?m)")
	s = strings.TrimPrefix(s, "^")
	s = strings.TrimSuffix(s, "$")
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// ClosestLine is the line of text most like want, so a FAIL shows what
// the guest printed instead. Lines sharing a longer prefix with want win
// (the guest prints a test's name before its verdict); among those, the
// smallest edit distance relative to length. Empty when text has no
// non-blank line.
func ClosestLine(want, text string) string {
	best, bestPrefix, bestDist := "", -1, 2.0
	for _, l := range strings.Split(normalise(text), "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		p := commonPrefix(want, l)
		d := float64(cmdline.EditDistance(want, l)) / float64(max(len(want), len(l)))
		if p > bestPrefix || p == bestPrefix && d < bestDist {
			best, bestPrefix, bestDist = l, p, d
		}
	}
	return best
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}
