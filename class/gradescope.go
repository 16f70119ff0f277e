package class

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Gradescope runs an autograder once per submission, in a container:
// run_autograder finds the student's files in /autograder/submission and
// leaves /autograder/results/results.json. `rvemu class gradescope` is
// that step: a class of one, graded as any other, written in Gradescope's
// format (a top-level score, output and time, and one entry per test
// with its score, maximum, status and output). gradescope/ in the
// repository holds the setup.sh and run_autograder around it.

// gsResults is results.json.
type gsResults struct {
	Score            int      `json:"score"`
	ExecutionTime    int      `json:"execution_time"`
	Output           string   `json:"output"`
	StdoutVisibility string   `json:"stdout_visibility"`
	Tests            []gsTest `json:"tests"`
}

type gsTest struct {
	Name     string `json:"name"`
	Score    int    `json:"score"`
	MaxScore int    `json:"max_score"`
	Status   string `json:"status"` // passed or failed
	Output   string `json:"output,omitempty"`
}

// gsLogLines of the grade's log go into the output when there is no score
// (the build's errors are there).
const gsLogLines = 40

func gradescopeMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var o Options
	f := newFlags("rvemu class gradescope", &o)
	operands, err := parseAnywhere(f.fs, args)
	if *f.help {
		io.WriteString(stdout, usage)
		return exitOK
	}
	if err != nil {
		return fail(stderr, exitUsage, "gradescope: %v (rvemu class --help)", err)
	}
	if len(operands) != 3 {
		return fail(stderr, exitUsage, "gradescope: want GRADER SUBMISSION RESULTS.json, got %d operand(s)", len(operands))
	}
	grader, submission, results := operands[0], operands[1], operands[2]
	outGiven := false
	f.fs.Visit(func(fl *flag.Flag) {
		if fl.Name == "o" || fl.Name == "out" {
			outGiven = true
		}
	})
	if err := f.finish(&o); err != nil {
		return fail(stderr, exitUsage, "gradescope: %v", err)
	}
	if !outGiven {
		if o.Out, err = os.MkdirTemp("", "rvemu-gradescope-"); err != nil {
			return fail(stderr, exitUsage, "gradescope: %v", err)
		}
		defer os.RemoveAll(o.Out)
	}
	// A class of one: the submission, linked under a name that keeps its
	// kind (a tree, or the one tarball, zip or patch the folder holds).
	entry, err := pickSubmission(submission)
	if err != nil {
		return gsFail(results, stderr, err)
	}
	classDir := filepath.Join(o.Out, "class")
	os.RemoveAll(classDir)
	if err := os.MkdirAll(classDir, 0o755); err != nil {
		return gsFail(results, stderr, err)
	}
	name := "submission"
	if info, err := os.Stat(entry); err == nil && !info.IsDir() {
		name += extension(entry)
	}
	if err := os.Symlink(entry, filepath.Join(classDir, name)); err != nil {
		return gsFail(results, stderr, err)
	}
	o.Grader, o.Submissions, o.Jobs, o.Regrade = grader, classDir, 1, true
	if !*f.quiet {
		o.Progress = stdout
	}
	sum, err := Grade(ctx, o)
	if err != nil {
		return gsFail(results, stderr, err)
	}
	row := sum.Gradebook.Rows[0]
	log, _ := os.ReadFile(filepath.Join(o.Out, row.Log))
	// The instructors see run_autograder's output: the whole log.
	stdout.Write(log)
	b, _ := json.MarshalIndent(gradescopeResults(sum.Gradebook, row, string(log)), "", "  ")
	if err := os.WriteFile(results, append(b, '\n'), 0o644); err != nil {
		return fail(stderr, exitUsage, "gradescope: %v", err)
	}
	return exitOK
}

// gsFail writes a results.json that says the autograder itself failed (so
// Gradescope shows that instead of a missing file), and fails.
func gsFail(results string, stderr io.Writer, err error) int {
	b, _ := json.MarshalIndent(gsResults{Output: "The autograder could not grade this submission: " + err.Error() +
		"\nTell the course staff.", StdoutVisibility: "hidden"}, "", "  ")
	os.WriteFile(results, append(b, '\n'), 0o644)
	return fail(stderr, exitUsage, "gradescope: %v", err)
}

// pickSubmission is what in dir is the student's submission: dir itself
// when it holds a tree (or is a file), else the one tarball, zip or patch
// it holds.
func pickSubmission(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	info, err := os.Stat(abs)
	if err != nil {
		return "", err
	}
	if !info.IsDir() {
		return abs, nil
	}
	if _, err := treeRoot(abs); err == nil {
		return abs, nil
	}
	var files []string
	entries, _ := os.ReadDir(abs)
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".") && e.Type().IsRegular() && extension(e.Name()) != "" {
			files = append(files, filepath.Join(abs, e.Name()))
		}
	}
	if len(files) == 1 {
		return files[0], nil
	}
	return abs, nil // not a tree: its row will say so
}

// extension is the submission suffix of name (".tar.gz", ".patch"), or "".
func extension(name string) string {
	for _, k := range kindBySuffix {
		if strings.HasSuffix(strings.ToLower(name), k.suffix) {
			return name[len(name)-len(k.suffix):]
		}
	}
	return ""
}

// gradescopeResults is row in Gradescope's format.
func gradescopeResults(g *Gradebook, row Row, log string) gsResults {
	r := gsResults{Score: row.Score, ExecutionTime: int(row.Seconds + 0.5), StdoutVisibility: "hidden"}
	var out strings.Builder
	if row.Status == Graded {
		fmt.Fprintf(&out, "Score: %d/%d (the lab's make grade, on %s).\n", row.Score, row.Possible, row.Machine)
	} else {
		fmt.Fprintf(&out, "No score: %s.\n", row.Status)
	}
	if row.Reason != "" {
		fmt.Fprintf(&out, "%s\n", row.Reason)
	}
	if row.Status != Graded {
		lines := strings.Split(strings.TrimRight(log, "\n"), "\n")
		fmt.Fprintf(&out, "\nThe end of the grade's output:\n%s\n", strings.Join(lines[max(0, len(lines)-gsLogLines):], "\n"))
	}
	r.Output = out.String()
	byTitle := map[string]Test{}
	for _, t := range row.Tests {
		byTitle[t.Title] = t
	}
	for _, spec := range g.Tests {
		t := byTitle[spec.Title]
		gt := gsTest{Name: spec.Title, Score: t.Points, MaxScore: spec.Points, Status: "failed"}
		if t.OK {
			gt.Status = "passed"
		}
		var o []string
		if t.Why != "" {
			o = append(o, t.Why)
		}
		if t.Closest != "" {
			o = append(o, "The console line closest to what was expected: "+t.Closest)
		}
		gt.Output = strings.Join(o, "\n")
		r.Tests = append(r.Tests, gt)
	}
	return r
}
