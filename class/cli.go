package class

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/rvemu/rvemu/sandbox"
)

// Exit statuses, as rvemu's other commands: 0 every submission has a
// score, 1 some submission has none (its row says why), 2 a usage or host
// error.
const (
	exitOK      = 0
	exitNoScore = 1
	exitUsage   = 2
)

const usage = `usage: rvemu class [OPTIONS] GRADER SUBMISSIONS
       rvemu class merge [-o OUT] PART...
       rvemu class gradescope [OPTIONS] GRADER SUBMISSION RESULTS.json

Grades every submission in the folder SUBMISSIONS (one lab tree, tarball,
zip or patch per student) with the lab's own make grade, several at once,
each in a network namespace holding only loopback, under time, memory,
process and file-size limits, rvemu playing qemu-system-riscv64. GRADER is
the lab's tree (starter or solution): its grade script and gradelib are
laid over each submission, and a patch is applied to a copy of it.

Writes OUT/gradebook.csv and OUT/gradebook.json (points per test, time,
and for each lost test the console line closest to what was expected),
OUT/logs/STUDENT.log, and OUT/results/STUDENT.json: run it again and the
submissions graded already are skipped.

merge joins the gradebooks of --shard runs (PART: each run's -o folder).
gradescope grades one submission (a tree, or a folder holding one tarball,
zip or patch) and writes Gradescope's results.json (gradescope/README.md).

Options (anywhere on the line):
  -o, --out DIR           gradebook, results and logs (default ./gradebook)
  -j, --jobs N            submissions graded at once (default: host cores)
  --timeout LIMIT         each submission's time, build and tests (30m)
  --memory SIZE           each submission's memory, all processes (2G)
  --procs N               each submission's processes and threads (512)
  --file-size SIZE        the largest file a submission may write (1G)
  --machine rvemu|qemu    what plays qemu-system-riscv64 (rvemu); qemu:
                          the one on PATH, to compare
  --rvemu BINARY          the rvemu to grade with (default: this one)
  --grader-files GLOBS    GRADER's files laid over each submission
                          (default grade-lab-*,*.py,conf/lab.mk)
  --tests WORDS           only the tests whose titles hold WORDS
  --shard I/N             grade share I of N (0 <= I < N), for merge
  --regrade               grade again those graded already
  --isolation HOW         namespaces, ports (a port set per grade, where
                          namespaces are refused), or auto (default)
  --keep                  keep each work tree (OUT/work/STUDENT)
  --nice N                run the grades at this added niceness
  --build-cache DIR|off   the compiler cache the class's builds share
                          (ccache; default ~/.cache/rvemu/class-ccache when
                          ccache is installed); off: compile everything
  -q, --quiet             no progress output
  -h, --help              this help

Exit status: 0 every submission has a score; 1 some has none (its row
says why); 2 a usage or host error.
`

// flags are the class grader's options, as parsed.
type flags struct {
	fs          *flag.FlagSet
	memory      *string
	fileSize    *string
	graderFiles *string
	shard       *string
	quiet, help *bool
}

func newFlags(name string, o *Options) *flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f := &flags{fs: fs}
	fs.StringVar(&o.Out, "o", "gradebook", "")
	fs.StringVar(&o.Out, "out", "gradebook", "")
	fs.IntVar(&o.Jobs, "j", runtime.NumCPU(), "")
	fs.IntVar(&o.Jobs, "jobs", runtime.NumCPU(), "")
	fs.DurationVar(&o.Limits.Wall, "timeout", 30*time.Minute, "")
	f.memory = fs.String("memory", "2G", "")
	fs.IntVar(&o.Limits.Procs, "procs", 512, "")
	f.fileSize = fs.String("file-size", "1G", "")
	fs.StringVar(&o.Machine, "machine", "rvemu", "")
	fs.StringVar(&o.Rvemu, "rvemu", "", "")
	f.graderFiles = fs.String("grader-files", strings.Join(DefaultGraderFiles, ","), "")
	fs.StringVar(&o.Tests, "tests", "", "")
	f.shard = fs.String("shard", "", "")
	fs.BoolVar(&o.Regrade, "regrade", false, "")
	fs.StringVar(&o.Isolation, "isolation", "auto", "")
	fs.BoolVar(&o.Keep, "keep", false, "")
	fs.IntVar(&o.Nice, "nice", 0, "")
	fs.StringVar(&o.BuildCache, "build-cache", "", "")
	f.quiet = fs.Bool("q", false, "")
	fs.BoolVar(f.quiet, "quiet", false, "")
	f.help = fs.Bool("h", false, "")
	fs.BoolVar(f.help, "help", false, "")
	return f
}

// finish turns the parsed flags into the rest of o.
func (f *flags) finish(o *Options) error {
	var err error
	if o.Limits.Memory, err = parseSize(*f.memory); err != nil {
		return fmt.Errorf("--memory: %v", err)
	}
	if o.Limits.FileSize, err = parseSize(*f.fileSize); err != nil {
		return fmt.Errorf("--file-size: %v", err)
	}
	if o.Jobs < 1 {
		return fmt.Errorf("--jobs %d: want at least 1", o.Jobs)
	}
	if o.Limits.Wall <= 0 {
		return fmt.Errorf("--timeout %s: want a positive time", o.Limits.Wall)
	}
	o.Shard, o.Shards = 0, 1
	if *f.shard != "" {
		if o.Shard, o.Shards, err = parseShard(*f.shard); err != nil {
			return fmt.Errorf("--shard: %v", err)
		}
	}
	o.GraderFiles = splitList(*f.graderFiles)
	if o.Rvemu == "" {
		if o.Rvemu, err = os.Executable(); err != nil {
			return err
		}
	}
	return nil
}

// Main is `rvemu class`: args are what follows "class".
func Main(ctx context.Context, args []string, stdout, stderr io.Writer, live bool) int {
	if len(args) > 0 {
		switch args[0] {
		case "merge":
			return mergeMain(args[1:], stdout, stderr)
		case "gradescope":
			return gradescopeMain(ctx, args[1:], stdout, stderr)
		}
	}
	var o Options
	f := newFlags("rvemu class", &o)
	operands, err := parseAnywhere(f.fs, args)
	if *f.help {
		io.WriteString(stdout, usage)
		return exitOK
	}
	if err != nil {
		return fail(stderr, exitUsage, "%v (rvemu class --help)", err)
	}
	if len(operands) != 2 {
		return fail(stderr, exitUsage, "want GRADER and SUBMISSIONS, got %d operand(s) (rvemu class --help)", len(operands))
	}
	o.Grader, o.Submissions = operands[0], operands[1]
	if err := f.finish(&o); err != nil {
		return fail(stderr, exitUsage, "%v", err)
	}
	if !*f.quiet {
		o.Progress, o.Live = stderr, live
	}
	sum, err := Grade(ctx, o)
	if sum != nil && sum.Gradebook != nil && !*f.quiet {
		fmt.Fprintf(stderr, "gradebook: %s and %s (%d students, %s)\nbuilds: %s\n", filepath.Join(o.Out, gradebookCSV), gradebookJSON,
			len(sum.Gradebook.Rows), isolationNote(sum.Isolation), sum.Build)
	}
	if err != nil {
		return fail(stderr, exitUsage, "%v", err)
	}
	if sum.NoScore > 0 {
		return exitNoScore
	}
	return exitOK
}

func isolationNote(iso sandbox.Isolation) string {
	if iso == sandbox.Namespaces {
		return "each grade in its own network namespace"
	}
	return "no network namespaces here: each grade had its own port set"
}

func mergeMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("rvemu class merge", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	out := fs.String("o", "gradebook", "")
	fs.StringVar(out, "out", "gradebook", "`DIR` for the merged gradebook")
	parts, err := parseAnywhere(fs, args)
	if err != nil {
		return fail(stderr, exitUsage, "merge: %v", err)
	}
	if len(parts) == 0 {
		return fail(stderr, exitUsage, "merge: name the parts (each a --shard run's -o folder)")
	}
	g, err := Merge(*out, parts)
	if err != nil {
		return fail(stderr, exitUsage, "%v", err)
	}
	fmt.Fprintf(stderr, "gradebook: %s and %s (%d students from %d parts)\n", filepath.Join(*out, gradebookCSV), gradebookJSON, len(g.Rows), len(parts))
	for _, r := range g.Rows {
		if r.Status != Graded {
			return exitNoScore
		}
	}
	return exitOK
}

// parseAnywhere parses options before, between and after the operands.
func parseAnywhere(fs *flag.FlagSet, args []string) ([]string, error) {
	var operands []string
	for {
		if err := fs.Parse(args); err != nil {
			return operands, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return operands, nil
		}
		if args[0] == "--" {
			return append(operands, args[1:]...), nil
		}
		operands = append(operands, args[0])
		args = args[1:]
	}
}

func fail(w io.Writer, code int, format string, args ...any) int {
	fmt.Fprintf(w, "rvemu class: "+format+"\n", args...)
	return code
}

// parseSize reads 512M, 2G, 1GiB, 4096 (bytes); 0 means no limit.
func parseSize(s string) (int64, error) {
	t := strings.TrimSuffix(strings.TrimSuffix(strings.ToUpper(strings.TrimSpace(s)), "IB"), "B")
	mult := int64(1)
	if t != "" {
		switch t[len(t)-1] {
		case 'K':
			mult, t = 1<<10, t[:len(t)-1]
		case 'M':
			mult, t = 1<<20, t[:len(t)-1]
		case 'G':
			mult, t = 1<<30, t[:len(t)-1]
		case 'T':
			mult, t = 1<<40, t[:len(t)-1]
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("%q: want a size such as 512M or 2G", s)
	}
	return int64(v * float64(mult)), nil
}

// parseShard reads "I/N".
func parseShard(s string) (int, int, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return 0, 0, fmt.Errorf("%q: want I/N with 0 <= I < N (a Kubernetes Indexed Job's JOB_COMPLETION_INDEX/COMPLETIONS)", s)
	}
	return i, n, nil
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
