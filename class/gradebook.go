package class

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Status says whether a submission got a score, and if not, why.
type Status string

const (
	Graded        Status = "graded"         // the lab's grader printed a score
	BuildFailed   Status = "build failed"   // make stopped before any test ran
	NoScore       Status = "no score"       // the grader ended without a score (reason says how)
	BadSubmission Status = "bad submission" // not a tree, tarball, zip or patch that applies
	TimeLimit     Status = "time limit"     // the class grader's limits (sandbox.Ended)
	MemoryLimit   Status = "memory limit"
	ProcessLimit  Status = "process limit"
	FileSizeLimit Status = "file size limit"
)

// Row is one student's line of the gradebook.
type Row struct {
	Student    string  `json:"student"`
	Submission string  `json:"submission"` // its name in the submissions folder
	Status     Status  `json:"status"`
	Reason     string  `json:"reason,omitempty"` // one line: why no score, or what went wrong
	Score      int     `json:"score"`
	Possible   int     `json:"possible"`
	Tests      []Test  `json:"tests"`
	Seconds    float64 `json:"seconds"`                   // wall time of the grade
	PeakMiB    float64 `json:"peak_memory_mib,omitempty"` // the grade's processes together, at the most
	// Network lists where the guest tried to send outside the lab's
	// network (read from the grade's packet capture); none of it left.
	Network  []string  `json:"network,omitempty"`
	Machine  string    `json:"machine"` // what played qemu-system-riscv64
	Log      string    `json:"log"`     // the grade's log, relative to the gradebook
	GradedAt time.Time `json:"graded_at"`
}

// Test is one test of one student.
type Test struct {
	Title   string  `json:"title"`
	Points  int     `json:"points"` // earned
	Max     int     `json:"max"`
	OK      bool    `json:"ok"`
	Ran     bool    `json:"ran"` // false: the grade ended before it
	Seconds float64 `json:"seconds,omitempty"`
	Why     string  `json:"why,omitempty"`     // gradelib's reason for a lost test
	Closest string  `json:"closest,omitempty"` // the console line most like what was expected
}

// TestSpec is a test as the grade script declares it.
type TestSpec struct {
	Title  string `json:"title"`
	Points int    `json:"points"`
}

// Gradebook is a class's grades for one lab.
type Gradebook struct {
	Lab      string     `json:"lab"`
	Grader   string     `json:"grader"`  // the grader tree's name
	Machine  string     `json:"machine"` // what played qemu-system-riscv64
	Shard    string     `json:"shard,omitempty"`
	Tests    []TestSpec `json:"tests"` // the tests with points, in the script's order
	Possible int        `json:"possible"`
	Rows     []Row      `json:"students"`
}

const (
	gradebookJSON = "gradebook.json"
	gradebookCSV  = "gradebook.csv"
	resultsDir    = "results" // one JSON Row per graded submission: what a resumed run skips
	logsDir       = "logs"
)

// sortRows puts rows in student order.
func sortRows(rows []Row) {
	sort.Slice(rows, func(i, j int) bool { return rows[i].Student < rows[j].Student })
}

// write writes gradebook.json and gradebook.csv into dir.
func (g *Gradebook) write(dir string) error {
	sortRows(g.Rows)
	b, err := json.MarshalIndent(g, "", "  ")
	if err != nil {
		return err
	}
	if err := writeFileAtomic(filepath.Join(dir, gradebookJSON), append(b, '\n')); err != nil {
		return err
	}
	var c strings.Builder
	if err := g.writeCSV(&c); err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, gradebookCSV), []byte(c.String()))
}

// writeCSV: one row per student; a column of points per test (headed by
// its title and maximum), then time, reason, and each lost test with the
// console line closest to what was expected.
func (g *Gradebook) writeCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	head := []string{"student", "status", "score", "possible"}
	for _, t := range g.Tests {
		head = append(head, fmt.Sprintf("%s (%d)", t.Title, t.Points))
	}
	head = append(head, "seconds", "reason", "lost")
	cw.Write(head)
	for _, r := range g.Rows {
		rec := []string{r.Student, string(r.Status), strconv.Itoa(r.Score), strconv.Itoa(r.Possible)}
		byTitle := map[string]Test{}
		for _, t := range r.Tests {
			byTitle[t.Title] = t
		}
		for _, t := range g.Tests {
			rec = append(rec, strconv.Itoa(byTitle[t.Title].Points))
		}
		rec = append(rec, strconv.FormatFloat(r.Seconds, 'f', 1, 64), r.Reason, lostCell(r))
		cw.Write(csvSafe(rec))
	}
	cw.Flush()
	return cw.Error()
}

// lostCell lists the tests that lost points: "TITLE: closest «LINE»" or
// "TITLE: WHY".
func lostCell(r Row) string {
	var parts []string
	for _, t := range r.Tests {
		if t.Points >= t.Max {
			continue
		}
		switch {
		case t.Closest != "":
			parts = append(parts, fmt.Sprintf("%s: closest «%s»", t.Title, t.Closest))
		case t.Why != "":
			parts = append(parts, fmt.Sprintf("%s: %s", t.Title, t.Why))
		case !t.Ran:
			parts = append(parts, t.Title+": not run")
		default:
			parts = append(parts, t.Title)
		}
	}
	return strings.Join(parts, "; ")
}

// csvSafe keeps a spreadsheet from reading a cell as a formula (a student
// name or a console line may start with = + - @).
func csvSafe(rec []string) []string {
	for i, s := range rec {
		if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
			if _, err := strconv.ParseFloat(s, 64); err != nil {
				rec[i] = "'" + s
			}
		}
	}
	return rec
}

// readGradebook reads a gradebook.json.
func readGradebook(path string) (*Gradebook, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var g Gradebook
	if err := json.Unmarshal(b, &g); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &g, nil
}

// Merge joins the gradebooks of a class's shards (each a directory a
// `--shard i/n` run wrote) into one, written into out. The parts must be
// of the same lab and tests, and no student may appear twice.
func Merge(out string, parts []string) (*Gradebook, error) {
	if len(parts) == 0 {
		return nil, errors.New("merge: no parts named")
	}
	var merged *Gradebook
	seen := map[string]string{}
	for _, p := range parts {
		g, err := readGradebook(filepath.Join(p, gradebookJSON))
		if err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		if merged == nil {
			merged = &Gradebook{Lab: g.Lab, Grader: g.Grader, Machine: g.Machine, Tests: g.Tests, Possible: g.Possible}
		} else if g.Lab != merged.Lab || !sameTests(g.Tests, merged.Tests) {
			return nil, fmt.Errorf("merge: %s grades lab %q with other tests than %s", p, g.Lab, parts[0])
		}
		if g.Machine != merged.Machine {
			merged.Machine += "; " + g.Machine
		}
		for _, r := range g.Rows {
			if other, dup := seen[r.Student]; dup {
				return nil, fmt.Errorf("merge: %s is in both %s and %s", r.Student, other, p)
			}
			seen[r.Student] = p
			r.Log = filepath.Join(p, r.Log)
			if rel, err := filepath.Rel(out, r.Log); err == nil {
				r.Log = rel
			}
			merged.Rows = append(merged.Rows, r)
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	return merged, merged.write(out)
}

func sameTests(a, b []TestSpec) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// writeFileAtomic writes through a temporary file and a rename, so a
// reader (or a resumed run) never sees half a file.
func writeFileAtomic(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
