package class

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/rvemu/rvemu/grade"
	"github.com/rvemu/rvemu/xv6lab"
)

// For each lost test the gradebook shows the console line closest to what
// the test expected, so a teacher sees at a glance what the kernel printed
// instead. The console is in gradelib's transcripts, which the grade
// leaves in the tree: xv6.out (the last machine run) and xv6.out.NAME (the
// run of a failed test, NAME its function without test_). What was
// expected is the MISSING pattern of gradelib's message, else the
// patterns the test's function matches in the grade script.

// transcriptCap is how much of each transcript is kept (its end).
const transcriptCap = 1 << 20

type transcripts map[string]string // file name -> text

func readTranscripts(dir string) transcripts {
	ts := transcripts{}
	m, _ := filepath.Glob(filepath.Join(dir, "xv6.out*"))
	for _, p := range m {
		b, err := readTail(p, transcriptCap)
		if err == nil {
			ts[filepath.Base(p)] = string(b)
		}
	}
	return ts
}

// readTail reads the last n bytes of a file.
func readTail(path string, n int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.Size() > n {
		f.Seek(fi.Size()-n, 0)
	}
	b := make([]byte, min(fi.Size(), n))
	k, _ := f.Read(b)
	return b[:k], nil
}

// forTest is the console of the run that t's verdict was read from: its
// own saved transcript, its parent's, or the last run's.
func (ts transcripts) forTest(t scriptTest) string {
	for _, fn := range []string{t.Func, t.Parent} {
		if name := strings.TrimPrefix(fn, "test_"); name != "" {
			if s, ok := ts["xv6.out."+name]; ok {
				return s
			}
		}
	}
	return ts["xv6.out"]
}

// all is every transcript, for a line that may be in any.
func (ts transcripts) all() string {
	names := make([]string, 0, len(ts))
	for n := range ts {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		b.WriteString(ts[n])
		b.WriteString("\n")
	}
	return b.String()
}

var missingLine = regexp.MustCompile(`MISSING '(.*)'`)

// testRows scores each test the script declares (points > 0) from what
// gradelib printed.
func testRows(specs []scriptTest, rep xv6lab.Report, ts transcripts) []Test {
	var rows []Test
	for _, s := range specs {
		if s.Points == 0 {
			continue
		}
		t := Test{Title: s.Title, Max: s.Points}
		r, ran := rep.Find(s.Title)
		t.Ran, t.Seconds = ran, r.Seconds
		switch {
		case !ran:
			t.Why = "not run"
		case r.OK:
			t.OK, t.Points = true, s.Points
		default:
			t.Why = xv6lab.FirstReason(r.Why)
			if r.Timeout && !strings.Contains(t.Why, "Timeout") {
				t.Why = strings.TrimSpace("timed out; " + t.Why)
			}
			t.Closest = closestLine(expected(r.Why, s), ts.forTest(s))
		}
		rows = append(rows, t)
	}
	return rows
}

// expected is what the test wanted to see: gradelib's MISSING patterns,
// else those of the test's function in the script.
func expected(why []string, s scriptTest) []string {
	var want []string
	for _, l := range why {
		if m := missingLine.FindStringSubmatch(l); m != nil {
			want = append(want, patternText(m[1]))
		}
	}
	if len(want) == 0 {
		for _, p := range s.Expect {
			want = append(want, patternText(p))
		}
	}
	return want
}

// closestLine is the console line most like the first expected text.
func closestLine(want []string, console string) string {
	if len(want) == 0 || console == "" {
		return ""
	}
	return truncate(grade.ClosestLine(want[0], console), 200)
}

// patternText is a Python regular expression as a person reads it:
// anchors dropped, escapes undone.
func patternText(re string) string {
	re = strings.TrimPrefix(re, "^")
	re = strings.TrimSuffix(re, "$")
	var b strings.Builder
	for i := 0; i < len(re); i++ {
		if re[i] == '\\' && i+1 < len(re) {
			i++
		}
		b.WriteByte(re[i])
	}
	return b.String()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// xv6 kernels (MIT's and ours) print "panic: WHY", after whatever the
// line held.
var panicLine = regexp.MustCompile(`(?m)\bpanic: .*$`)

// consolePanic is the first line of the transcripts that reports a
// kernel panic, or "".
func consolePanic(ts transcripts) string {
	if m := panicLine.FindString(ts.all()); m != "" {
		return truncate(strings.TrimSpace(m), 200)
	}
	return ""
}
