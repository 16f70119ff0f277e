//go:build linux

// Command labs grades xv6 lab trees on rvemu and on QEMU with each tree's
// own unmodified `make grade`, and writes the comparison as markdown: each
// machine's score and wall time, and every test whose verdict differs.
//
//	go run ./labs [flags] DIR...        (make labs LABS="DIR...")
//
// A DIR is a lab tree (it has a grade-lab-* script) or a directory of
// them. For every tree and repetition it runs the grade once on each
// machine, alternating which goes first, one grade at a time. rvemu plays
// qemu-system-riscv64 through a symlink first in PATH, as a student would
// set it up; QEMU is the one installed. Every grade runs in a network
// namespace holding only lo (netns.go). The lab trees are not part of this
// repository: docs/LABS.md says which public trees were graded and how
// they were fetched.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rvemu/rvemu/xv6lab"
)

func main() {
	if os.Getenv(innerEnv) != "" {
		inNamespace(os.Args[1:])
		return
	}
	rvemuBin := flag.String("rvemu", "bin/rvemu", "rvemu binary to grade with")
	machines := flag.String("machines", "rvemu,qemu", "machines to grade on, in the first repetition's order")
	repeat := flag.Int("repeat", 1, "grades of each tree on each machine (races: the cow lab's failure counts)")
	nice := flag.Int("nice", 10, "niceness of each make grade")
	limit := flag.Duration("limit", 90*time.Minute, "end a grade still running after this")
	logDir := flag.String("logs", filepath.Join(os.TempDir(), "rvemu-labs"), "directory for each grade's full output")
	record := flag.String("record", "", "append each grade as a JSON line to `FILE` (for -report)")
	report := flag.String("report", "", "grade nothing: write the table of the grades recorded in `FILE`")
	out := flag.String("out", "", "also write the markdown table to `FILE`")
	waitLoad := flag.Float64("wait-load", 0, "before each grade wait until the 1-minute load average is below `L` (0: never wait)")
	waitMax := flag.Duration("wait-max", 30*time.Minute, "wait at most this long for -wait-load, then grade anyway")
	tests := flag.String("tests", "", "gradelib test filters (words of test titles; GRADEFLAGS), default every test")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: go run ./labs [flags] LABTREE|DIR...   (make labs LABS=\"DIR...\")")
		flag.PrintDefaults()
	}
	flag.Parse()

	if *report != "" {
		runs, err := readRecords(*report)
		if err != nil {
			fail(err)
		}
		if err := emit(runs, *out, nil); err != nil {
			fail(err)
		}
		return
	}
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "labs: no lab trees given: name xv6 lab trees (dirs with a grade-lab-* script) in LABS=\"DIR...\"; docs/LABS.md says where to fetch them")
		os.Exit(2)
	}
	trees, err := xv6lab.FindTrees(flag.Args())
	if err != nil {
		fail(err)
	}
	ms, err := pickMachines(*machines, *rvemuBin, *logDir)
	if err != nil {
		fail(err)
	}
	self, err := os.Executable()
	if err != nil {
		fail(err)
	}
	if err := os.MkdirAll(*logDir, 0o755); err != nil {
		fail(err)
	}
	o := runOptions{self: self, nice: *nice, limit: *limit, logDir: *logDir, gradeArgs: *tests}
	var recordFile *os.File
	if *record != "" {
		if recordFile, err = os.OpenFile(*record, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err != nil {
			fail(err)
		}
		defer recordFile.Close()
	}

	header := []string{
		fmt.Sprintf("Graded %s; command: `%s`", time.Now().Format("2006-01-02 15:04"), strings.Join(os.Args, " ")),
	}
	for _, m := range ms {
		header = append(header, fmt.Sprintf("%s: %s", m.Key, m.Version))
	}
	if env := rvemuEnv(); len(env) > 0 {
		header = append(header, "rvemu's environment: "+strings.Join(env, " "))
	}
	var runs []gradeRun
	pair := 0
	total := len(trees) * *repeat * len(ms)
	for _, t := range trees {
		for rep := 1; rep <= *repeat; rep++ {
			order := ms
			if pair%2 == 1 { // alternate which machine goes first
				order = reversed(ms)
			}
			pair++
			for _, m := range order {
				waitForQuiet(*waitLoad, *waitMax)
				r, err := runGrade(t, m, rep, o)
				if errors.Is(err, errRefused) {
					fail(err)
				}
				if err != nil {
					fail(fmt.Errorf("%s %s on %s: %w", t.Name, t.Lab, m.Key, err))
				}
				runs = append(runs, r)
				fmt.Fprintf(os.Stderr, "[%d/%d] %s %s on %s: %s in %.0f s (load %s)%s\n", len(runs), total,
					t.Name, t.Lab, m.Key, scoreCell([]gradeRun{r}), r.Wall, r.Load, noteSuffix(r.Note))
				if recordFile != nil {
					b, _ := json.Marshal(r)
					recordFile.Write(append(b, '\n'))
				}
			}
		}
	}
	header = append(header, "load (1, 5, 15 min) at the start of each grade: "+loadRange(runs))
	if err := emit(runs, *out, header); err != nil {
		fail(err)
	}
}

func pickMachines(list, rvemuBin, scratch string) ([]xv6lab.Machine, error) {
	var ms []xv6lab.Machine
	for _, k := range strings.Split(list, ",") {
		switch strings.TrimSpace(k) {
		case "rvemu":
			m, err := xv6lab.RvemuMachine(rvemuBin, scratch)
			if err != nil {
				return nil, err
			}
			ms = append(ms, m)
		case "qemu":
			m, err := xv6lab.QEMUMachine()
			if err != nil {
				return nil, err
			}
			ms = append(ms, m)
		default:
			return nil, fmt.Errorf("-machines: unknown machine %q (rvemu, qemu)", k)
		}
	}
	if len(ms) == 0 {
		return nil, errors.New("-machines: none given")
	}
	return ms, nil
}

// rvemuEnv lists the RVEMU_* settings the grades inherit (RVEMU_JIT=on
// changes the machine being measured).
func rvemuEnv() []string {
	var env []string
	for _, e := range os.Environ() {
		if strings.HasPrefix(e, "RVEMU_") && !strings.HasPrefix(e, innerEnv+"=") {
			env = append(env, e)
		}
	}
	return env
}

func reversed(ms []xv6lab.Machine) []xv6lab.Machine {
	r := make([]xv6lab.Machine, len(ms))
	for i, m := range ms {
		r[len(ms)-1-i] = m
	}
	return r
}

func emit(runs []gradeRun, out string, header []string) error {
	var b strings.Builder
	for _, h := range header {
		b.WriteString(h + "  \n")
	}
	if len(header) > 0 {
		b.WriteString("\n")
	}
	writeTable(&b, runs)
	fmt.Print(b.String())
	if out != "" {
		return os.WriteFile(out, []byte(b.String()), 0o644)
	}
	return nil
}

func readRecords(path string) ([]gradeRun, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var runs []gradeRun
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var r gradeRun
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, n, err)
		}
		runs = append(runs, r)
	}
	return runs, sc.Err()
}

func loadRange(runs []gradeRun) string {
	if len(runs) == 0 {
		return "-"
	}
	lo, hi := runs[0].Load, runs[0].Load
	for _, r := range runs {
		if first(r.Load) < first(lo) {
			lo = r.Load
		}
		if first(r.Load) > first(hi) {
			hi = r.Load
		}
	}
	return lo + " to " + hi
}

// waitForQuiet holds the next grade while the host is busier than limit
// (other users' builds would otherwise land in one machine's wall time).
func waitForQuiet(limit float64, most time.Duration) {
	if limit <= 0 {
		return
	}
	start := time.Now()
	said := false
	for first(loadAverage()) >= limit && time.Since(start) < most {
		if !said {
			fmt.Fprintf(os.Stderr, "labs: load %s; waiting for it to fall below %.1f (at most %s)\n", loadAverage(), limit, most)
			said = true
		}
		time.Sleep(10 * time.Second)
	}
}

func first(load string) float64 {
	var v float64
	fmt.Sscan(load, &v)
	return v
}

func noteSuffix(n string) string {
	if n == "" {
		return ""
	}
	return "; " + n
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "labs: %v\n", err)
	os.Exit(1)
}
