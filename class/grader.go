// Package class grades a whole class's submissions of one xv6 lab: each
// submission (a tree, tarball, zip or patch) becomes a lab tree with the
// teacher's grading files laid over it, and its own `make grade` runs in a
// sandbox of its own (network namespace holding only loopback, limits on
// time, memory, processes and file size), several at once, with rvemu
// playing qemu-system-riscv64 (or QEMU, for comparison). The result is a
// gradebook (CSV and JSON: each student's points per test, time, and for
// each lost test the console line closest to what was expected) and a log
// per submission. A run can be resumed, and split into shards that run on
// different machines and are merged after.
package class

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/rvemu/rvemu/sandbox"
	"github.com/rvemu/rvemu/xv6lab"
)

// Options say what to grade and how.
type Options struct {
	Grader      string // the lab's grader tree: its grade-lab-* script and gradelib are used
	Submissions string // a folder: one tree, tarball, zip or patch per student
	Out         string // where the gradebook, results and logs go
	Jobs        int    // grades at once
	Limits      sandbox.Limits
	Machine     string   // "rvemu" or "qemu"
	Rvemu       string   // the rvemu binary that plays qemu-system-riscv64
	GraderFiles []string // globs of files taken from the grader tree
	Tests       string   // gradelib's test filters (words of titles); "" all
	Shard       int      // this run grades submissions Shard, Shard+Shards, ...
	Shards      int      // 1: no sharding
	Regrade     bool     // grade again those with a result already
	Isolation   string   // "auto", "namespaces" or "ports"
	Keep        bool     // keep each submission's work tree
	Nice        int
	BuildCache  string    // ccache's folder; "" the default when ccache is installed; BuildCacheOff none
	Progress    io.Writer // nil: quiet
	Live        bool      // Progress is a terminal: one line, redrawn
}

// DefaultGraderFiles: the grade script, gradelib and the lab's host-side
// scripts (server.py, nettest.py ...), and the lab's name.
var DefaultGraderFiles = []string{"grade-lab-*", "*.py", "conf/lab.mk"}

// Summary is what a run did.
type Summary struct {
	Gradebook *Gradebook
	Graded    int // in this run
	Skipped   int // already graded (resumed)
	NoScore   int // rows of the gradebook without a score
	Isolation sandbox.Isolation
	Build     string // where the grades built and with which cache
}

// grader holds what every submission's grade shares.
type grader struct {
	o        Options
	tree     xv6lab.Tree
	specs    []scriptTest
	possible int
	machine  xv6lab.Machine
	iso      sandbox.Isolation
	ports    *portSlots
	cache    *buildCache // nil: none
	buildAt  string      // each tree is mounted here to build ("" where it is)
	build    string      // buildAt and the cache, in words
}

// Grade grades the submissions (of this shard) not graded yet, then writes
// the gradebook of all of them. An error means nothing could be graded or
// the host failed us; a submission's own failure is its row.
func Grade(ctx context.Context, o Options) (*Summary, error) {
	// Absolute: the machine's and the port set's folders go into PATH for
	// make, which runs in each work tree.
	out, err := filepath.Abs(o.Out)
	if err != nil {
		return nil, err
	}
	o.Out = out
	g, subs, err := setUp(o)
	if err != nil {
		return nil, err
	}
	var todo []Submission
	rows := map[string]Row{}
	for _, s := range subs {
		if r, err := readResult(o.Out, s.Student); err == nil && !o.Regrade {
			rows[s.Student] = r
			continue
		}
		todo = append(todo, s)
	}
	sum := &Summary{Skipped: len(subs) - len(todo), Isolation: g.iso, Build: g.build}
	var prog *progress
	if o.Progress != nil {
		prog = newProgress(o.Progress, o.Live, len(todo), sum.Skipped, o.Jobs)
	}

	var mu sync.Mutex
	var hostErr error
	queue := make(chan Submission)
	var wg sync.WaitGroup
	for i := 0; i < max(o.Jobs, 1); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range queue {
				if prog != nil {
					prog.begin(s.Student)
				}
				r, err := g.gradeOne(ctx, s)
				mu.Lock()
				if err != nil {
					if hostErr == nil {
						hostErr = fmt.Errorf("%s: %w", s.Name(), err)
					}
				} else {
					rows[s.Student] = r
					sum.Graded++
				}
				mu.Unlock()
				if prog != nil && err == nil {
					prog.end(r)
				}
			}
		}()
	}
feed:
	for _, s := range todo {
		mu.Lock()
		stop := hostErr != nil
		mu.Unlock()
		if stop {
			break
		}
		select {
		case queue <- s:
		case <-ctx.Done():
			break feed
		}
	}
	close(queue)
	wg.Wait()
	if prog != nil {
		prog.finish()
	}

	book := &Gradebook{Lab: g.tree.Lab, Grader: g.tree.Name, Machine: g.machine.Version,
		Tests: g.testSpecs(), Possible: g.possible}
	if o.Shards > 1 {
		book.Shard = fmt.Sprintf("%d/%d", o.Shard, o.Shards)
	}
	for _, s := range subs {
		if r, ok := rows[s.Student]; ok {
			book.Rows = append(book.Rows, r)
			if r.Status != Graded {
				sum.NoScore++
			}
		}
	}
	sum.Gradebook = book
	if err := book.write(o.Out); err != nil {
		return sum, err
	}
	if hostErr != nil {
		return sum, hostErr
	}
	if err := ctx.Err(); err != nil {
		return sum, fmt.Errorf("stopped: %d of %d graded (run again to go on)", len(book.Rows), len(subs))
	}
	return sum, nil
}

// setUp checks the options, the grader tree, the machine and the
// sandbox, and lists this shard's submissions.
func setUp(o Options) (*grader, []Submission, error) {
	if o.Shards < 1 || o.Shard < 0 || o.Shard >= o.Shards {
		return nil, nil, fmt.Errorf("--shard %d/%d: want I/N with 0 <= I < N", o.Shard, o.Shards)
	}
	g := &grader{o: o}
	if !xv6lab.IsTree(o.Grader) {
		return nil, nil, fmt.Errorf("%s: not a lab grader tree (it needs a Makefile and a grade-lab-* script)", o.Grader)
	}
	var err error
	if g.tree, err = xv6lab.DescribeTree(o.Grader); err != nil {
		return nil, nil, err
	}
	script := gradeScript(o.Grader, g.tree.Lab)
	if script == "" {
		return nil, nil, fmt.Errorf("%s: no grade-lab-%s script", o.Grader, g.tree.Lab)
	}
	if g.specs, err = readScript(script); err != nil {
		return nil, nil, err
	}
	for _, s := range g.specs {
		g.possible += s.Points
	}
	if len(g.specs) == 0 {
		return nil, nil, fmt.Errorf("%s declares no @test: not a gradelib grade script", script)
	}
	subs, err := Discover(o.Submissions)
	if err != nil {
		return nil, nil, err
	}
	if len(subs) == 0 {
		return nil, nil, fmt.Errorf("%s holds no submissions", o.Submissions)
	}
	var mine []Submission
	for i, s := range subs {
		if i%o.Shards == o.Shard {
			mine = append(mine, s)
		}
	}
	for _, d := range []string{resultsDir, logsDir, "work", ".bin"} {
		if err := os.MkdirAll(filepath.Join(o.Out, d), 0o755); err != nil {
			return nil, nil, err
		}
	}
	switch o.Machine {
	case "rvemu", "":
		g.machine, err = xv6lab.RvemuMachine(o.Rvemu, filepath.Join(o.Out, ".bin"))
	case "qemu":
		g.machine, err = xv6lab.QEMUMachine()
	default:
		err = fmt.Errorf("--machine %q: want rvemu or qemu", o.Machine)
	}
	if err != nil {
		return nil, nil, err
	}
	if g.iso, err = pickIsolation(o.Isolation, g.machine.Key); err != nil {
		return nil, nil, err
	}
	if g.iso == sandbox.ProcessGroup {
		if g.ports, err = newPortSlots(filepath.Join(o.Out, ".bin", "ports")); err != nil {
			return nil, nil, err
		}
	}
	var cacheNote string
	if g.cache, cacheNote, err = setUpBuildCache(o.BuildCache, filepath.Join(o.Out, ".bin")); err != nil {
		return nil, nil, err
	}
	g.build = "each tree where it is"
	if g.iso == sandbox.Namespaces {
		if dir, err := buildAtDir(); err != nil {
			g.build = fmt.Sprintf("each tree where it is (%v)", err)
		} else {
			g.buildAt = dir
			g.build = "each tree mounted at " + dir
		}
	}
	g.build += "; compiler cache: " + cacheNote
	return g, mine, nil
}

// pickIsolation: namespaces wherever the host permits them. Without them
// grades share the host's network, which only rvemu may do (it sends
// nothing off the machine; QEMU's user network would forward the DNS
// test's 8.8.8.8 query).
func pickIsolation(want, machine string) (sandbox.Isolation, error) {
	switch want {
	case "auto", "":
		if err := sandbox.Probe(); err != nil {
			if machine == "qemu" {
				return 0, fmt.Errorf("QEMU is graded only inside network namespaces, which this host refuses (%v)", err)
			}
			return sandbox.ProcessGroup, nil
		}
		return sandbox.Namespaces, nil
	case "namespaces":
		if err := sandbox.Probe(); err != nil {
			return 0, fmt.Errorf("--isolation namespaces: %w", err)
		}
		return sandbox.Namespaces, nil
	case "ports":
		if machine == "qemu" {
			return 0, errors.New("--isolation ports: QEMU is graded only inside network namespaces (its user network forwards the DNS test's query off the machine)")
		}
		return sandbox.ProcessGroup, nil
	}
	return 0, fmt.Errorf("--isolation %q: want auto, namespaces or ports", want)
}

func (g *grader) testSpecs() []TestSpec {
	var ts []TestSpec
	for _, s := range g.specs {
		if s.Points > 0 {
			ts = append(ts, TestSpec{Title: s.Title, Points: s.Points})
		}
	}
	return ts
}

func resultPath(out, student string) string {
	return filepath.Join(out, resultsDir, student+".json")
}

func readResult(out, student string) (Row, error) {
	var r Row
	b, err := os.ReadFile(resultPath(out, student))
	if err != nil {
		return r, err
	}
	return r, json.Unmarshal(b, &r)
}

// gradeOne grades one submission and records its row. An error is the
// host's (the row is not recorded, so a resumed run grades it again).
func (g *grader) gradeOne(ctx context.Context, s Submission) (Row, error) {
	o := g.o
	row := Row{Student: s.Student, Submission: s.Name(), Machine: g.machine.Version, Possible: g.possible,
		Log: filepath.Join(logsDir, s.Student+".log"), GradedAt: time.Now().UTC().Truncate(time.Second)}
	logFile, err := os.Create(filepath.Join(o.Out, row.Log))
	if err != nil {
		return row, err
	}
	defer logFile.Close()
	fmt.Fprintf(logFile, "rvemu class: %s (%s) graded with %s on %s\n", s.Name(), s.Kind, g.tree.Name, g.machine.Version)
	fmt.Fprintf(logFile, "limits: %s wall, %s memory, %d processes, %s per file; %s\n",
		o.Limits.Wall, sizeText(o.Limits.Memory), o.Limits.Procs, sizeText(o.Limits.FileSize), g.iso)
	fmt.Fprintf(logFile, "build: %s\n", g.build)

	work := filepath.Join(o.Out, "work", s.Student)
	if err := os.RemoveAll(work); err != nil {
		return row, err
	}
	if !o.Keep {
		defer os.RemoveAll(work)
	}
	err = prepare(ctx, s, o.Grader, o.GraderFiles, work, logFile)
	var bad errBadSubmission
	switch {
	case errors.As(err, &bad):
		row.Status, row.Reason = BadSubmission, bad.why
		row.Tests = testRows(g.specs, xv6lab.Report{}, nil)
		fmt.Fprintf(logFile, "bad submission: %s\n", bad.why)
		return row, g.record(row)
	case err != nil:
		return row, err
	}

	tree, err := xv6lab.DescribeTree(work)
	if err != nil {
		row.Status, row.Reason = BadSubmission, err.Error()
		return row, g.record(row)
	}
	command := append([]string{"make", "grade"}, tree.MakeArgs...)
	if o.Tests != "" {
		command = append(command, "GRADEFLAGS="+o.Tests)
	}
	path := g.machine.Path()
	if g.cache != nil {
		path = g.cache.PathIn + string(os.PathListSeparator) + path
	}
	var env []string
	if g.ports != nil {
		dir, uid, err := g.ports.take()
		if err != nil {
			return row, err
		}
		defer g.ports.give(uid)
		path = dir + string(os.PathListSeparator) + path
		env = append(xv6lab.MakeEnv(path, "PYTHONPATH"), "PYTHONPATH="+dir)
		fmt.Fprintf(logFile, "ports: those of uid %d (no network namespace here)\n", uid)
	} else {
		env = xv6lab.MakeEnv(path)
	}
	if g.cache != nil {
		env = g.cache.env(env)
	}
	fmt.Fprintf(logFile, "$ %s\n\n", strings.Join(command, " "))

	kept := newHeadTail(headBytes, tailBytes)
	parsed := newHeadTail(headBytes, tailBytes)
	outcome, err := sandbox.Run(ctx, g.iso, sandbox.Job{
		Command: command, Dir: work, MountAt: g.buildAt, Env: env, Nice: o.Nice, Limits: o.Limits,
		LabDNS: true, Output: &lineLimiter{w: io.MultiWriter(kept, parsed)},
	})
	logFile.Write(kept.Bytes())
	if err != nil {
		fmt.Fprintf(logFile, "\nrvemu class: the sandbox failed: %v\n", err)
		return row, fmt.Errorf("sandbox: %w", err)
	}
	if outcome.Ended == sandbox.EndedStopped {
		return row, ctx.Err()
	}
	row.Seconds = roundTenth(outcome.Wall.Seconds())
	row.PeakMiB = roundTenth(float64(outcome.PeakMemory) / (1 << 20))

	rep := xv6lab.ParseReport(strings.NewReader(string(parsed.Bytes())))
	ts := readTranscripts(work)
	g.keepTranscripts(ts, s.Student)
	row.Tests = testRows(g.specs, rep, ts)
	for _, t := range row.Tests {
		row.Score += t.Points
	}
	if rep.Scored && (rep.Score != row.Score || rep.Possible != row.Possible) {
		// gradelib's own sum wins; the script held a test we did not read.
		fmt.Fprintf(logFile, "rvemu class: gradelib says %d/%d, the tests read from the script add up to %d/%d\n",
			rep.Score, rep.Possible, row.Score, row.Possible)
		row.Score, row.Possible = rep.Score, rep.Possible
	}
	row.Network = offLabDestinations(work)
	g.classify(&row, rep, outcome, string(parsed.Bytes()), ts)
	if o.Tests != "" && row.Status == Graded {
		// --tests: the row is about the tests that were chosen.
		var ran []Test
		row.Possible = 0
		for _, t := range row.Tests {
			if t.Ran {
				ran = append(ran, t)
				row.Possible += t.Max
			}
		}
		row.Tests = ran
	}
	fmt.Fprintf(logFile, "\nrvemu class: %s\n", rowSummary(row))
	return row, g.record(row)
}

// classify sets the row's status and reason from the grade's outcome.
func (g *grader) classify(row *Row, rep xv6lab.Report, out sandbox.Outcome, output string, ts transcripts) {
	var notes []string
	scored := rep.Scored || g.o.Tests != "" && len(rep.Tests) > 0
	switch {
	case scored:
		row.Status = Graded
		if out.Ended != sandbox.EndedNot {
			notes = append(notes, out.Reason())
		}
	case out.Ended != sandbox.EndedNot:
		row.Status = Status(out.Ended)
		notes = append(notes, out.Reason())
	case len(rep.Tests) == 0 && !strings.Contains(output, "== Test"):
		row.Status = BuildFailed
		notes = append(notes, buildError(output))
	default:
		row.Status = NoScore
		if out.Signal != "" {
			notes = append(notes, "killed by "+out.Signal)
		}
		notes = append(notes, "the grader stopped: "+graderStopped(output))
	}
	if p := consolePanic(ts); p != "" {
		notes = append(notes, "kernel "+p)
	}
	// "Timeout! " is printed once per machine run that ran out of time
	// (before the outcome of the test that ran it, if it has points).
	if n := strings.Count(output, "Timeout!"); n > 0 {
		notes = append(notes, fmt.Sprintf("%d machine run(s) timed out", n))
	}
	if len(row.Network) > 0 {
		notes = append(notes, "the guest sent outside the lab network (nothing left): "+strings.Join(row.Network, ", "))
	}
	row.Reason = strings.Join(notes, "; ")
}

var compileError = regexp.MustCompile(`(?i)(\berror\b|undefined reference|No rule to make target|Error \d+)`)

// buildError is the first line of the build's output that reports an
// error, else its last line.
func buildError(output string) string {
	for _, l := range strings.Split(output, "\n") {
		if compileError.MatchString(l) {
			return truncate(strings.TrimSpace(l), 200)
		}
	}
	return lastLine(output)
}

// graderStopped says why a lab's grader ended without a score: gradelib's
// own complaint, a Python exception, else the last line that is not
// make's.
func graderStopped(output string) string {
	if strings.Contains(output, "Failed to connect to QEMU") {
		return "no machine answered on the gdb port in time (gradelib: Failed to connect to QEMU)"
	}
	lines := strings.Split(strings.TrimSpace(output), "\n")
	if strings.Contains(output, "Traceback (most recent call last)") {
		for i := len(lines) - 1; i >= 0; i-- {
			if pythonError.MatchString(lines[i]) {
				return truncate(strings.TrimSpace(lines[i]), 200)
			}
		}
	}
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" && !strings.HasPrefix(l, "make") {
			return truncate(l, 200)
		}
	}
	return lastLine(output)
}

var pythonError = regexp.MustCompile(`^\w+(Error|Exception|Interrupt|Exit)\b`)

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return truncate(strings.TrimSpace(lines[len(lines)-1]), 200)
}

// keepTranscripts copies the console transcripts beside the log.
func (g *grader) keepTranscripts(ts transcripts, student string) {
	if len(ts) == 0 {
		return
	}
	dir := filepath.Join(g.o.Out, logsDir, student)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return
	}
	for name, text := range ts {
		os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644)
	}
}

func (g *grader) record(r Row) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(resultPath(g.o.Out, r.Student), append(b, '\n'))
}

func roundTenth(v float64) float64 { return float64(int64(v*10+0.5)) / 10 }

func sizeText(n int64) string {
	switch {
	case n == 0:
		return "no limit"
	case n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	default:
		return fmt.Sprintf("%d MiB", n>>20)
	}
}
