//go:build linux

package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/rvemu/rvemu/xv6lab"
)

// group is every run of one tree's lab.
type group struct {
	tree xv6lab.Tree
	runs map[string][]gradeRun // by machine key
}

// groupRuns keeps the order in which trees were first graded.
func groupRuns(runs []gradeRun) []*group {
	var gs []*group
	index := map[string]*group{}
	for _, r := range runs {
		k := r.Tree.Name + "\x00" + r.Tree.Lab
		g := index[k]
		if g == nil {
			g = &group{tree: r.Tree, runs: map[string][]gradeRun{}}
			index[k] = g
			gs = append(gs, g)
		}
		g.runs[r.Machine] = append(g.runs[r.Machine], r)
	}
	return gs
}

// writeTable writes the markdown comparison: one row per tree and lab,
// with the verdicts that differ between the machines, then the tests that
// fail on both (the tree's own failures, or the outside world's).
func writeTable(w io.Writer, runs []gradeRun) {
	gs := groupRuns(runs)
	fmt.Fprintln(w, "| tree | lab | rvemu | QEMU | rvemu wall | QEMU wall | ratio | verdicts that differ |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
	for _, g := range gs {
		rv, qe := g.runs["rvemu"], g.runs["qemu"]
		ratio := ""
		if len(rv) > 0 && len(qe) > 0 {
			ratio = fmt.Sprintf("%.2f", median(walls(rv))/median(walls(qe)))
		}
		name := g.tree.Name
		if g.tree.Role != "" {
			name += " (" + g.tree.Role + ")"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", name, g.tree.Lab,
			scoreCell(rv), scoreCell(qe), wallCell(rv), wallCell(qe), ratio, strings.Join(differences(rv, qe), "; "))
	}
	var both []string
	for _, g := range gs {
		for _, d := range commonFailures(g.runs["rvemu"], g.runs["qemu"]) {
			both = append(both, fmt.Sprintf("- %s %s: %s", g.tree.Name, g.tree.Lab, d))
		}
	}
	if len(both) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Failing on both machines alike:")
		fmt.Fprintln(w)
		for _, b := range both {
			fmt.Fprintln(w, b)
		}
	}
}

func walls(rs []gradeRun) []float64 {
	var v []float64
	for _, r := range rs {
		v = append(v, r.Wall)
	}
	return v
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// scoreCell: "130/130", or each score with its count when runs disagree.
func scoreCell(rs []gradeRun) string {
	if len(rs) == 0 {
		return "–"
	}
	count := map[string]int{}
	var order []string
	for _, r := range rs {
		s := "no score"
		switch {
		case r.Report.Scored:
			s = fmt.Sprintf("%d/%d", r.Report.Score, r.Report.Possible)
		case len(r.Report.Tests) > 0:
			// A filtered grade (-tests) prints no score: count tests.
			ok := 0
			for _, t := range r.Report.Tests {
				if t.OK {
					ok++
				}
			}
			s = fmt.Sprintf("%d/%d tests OK", ok, len(r.Report.Tests))
		}
		if count[s] == 0 {
			order = append(order, s)
		}
		count[s]++
	}
	if len(order) == 1 {
		if len(rs) > 1 {
			return fmt.Sprintf("%s ×%d", order[0], len(rs))
		}
		return order[0]
	}
	var parts []string
	for _, s := range order {
		parts = append(parts, fmt.Sprintf("%s ×%d", s, count[s]))
	}
	return strings.Join(parts, ", ")
}

// wallCell: the median wall time, with the range when there are several.
func wallCell(rs []gradeRun) string {
	if len(rs) == 0 {
		return "–"
	}
	v := walls(rs)
	if len(v) == 1 {
		return fmt.Sprintf("%.0f s", v[0])
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return fmt.Sprintf("%.0f s (%.0f–%.0f)", median(v), s[0], s[len(s)-1])
}

// verdicts counts a test's outcomes over runs.
type verdicts struct {
	ran, failed, timeouts int
	seconds               []float64
	why                   []string
}

func tally(rs []gradeRun) (map[string]*verdicts, []string) {
	m := map[string]*verdicts{}
	var order []string
	for _, r := range rs {
		for _, t := range r.Report.Tests {
			v := m[t.Title]
			if v == nil {
				v = &verdicts{}
				m[t.Title] = v
				order = append(order, t.Title)
			}
			v.ran++
			v.seconds = append(v.seconds, t.Seconds)
			if !t.OK {
				v.failed++
				if t.Timeout {
					v.timeouts++
				}
				if v.why == nil {
					v.why = t.Why
				}
			}
		}
	}
	return m, order
}

// differences lists the tests whose failure rate differs between the
// machines (a test that ran on one only counts too).
func differences(rv, qe []gradeRun) []string {
	if len(rv) == 0 || len(qe) == 0 {
		return nil
	}
	tr, order := tally(rv)
	tq, qorder := tally(qe)
	for _, t := range qorder {
		if tr[t] == nil {
			order = append(order, t)
		}
	}
	var out []string
	for _, title := range order {
		a, b := tr[title], tq[title]
		if a == nil {
			a = &verdicts{}
		}
		if b == nil {
			b = &verdicts{}
		}
		if a.ran == b.ran && a.failed*b.ran == b.failed*a.ran && a.ran > 0 {
			continue
		}
		if a.failed == 0 && b.failed == 0 && a.ran > 0 && b.ran > 0 {
			continue
		}
		out = append(out, fmt.Sprintf("`%s`: rvemu %s, QEMU %s", title, a.describe(len(rv)), b.describe(len(qe))))
	}
	return out
}

// describe: "FAIL (timeout, 31.1 s)" for one run, "3/10 FAIL" for many.
func (v *verdicts) describe(runs int) string {
	if v.ran == 0 {
		return "did not run"
	}
	if runs == 1 {
		verdict := "OK"
		if v.failed > 0 {
			verdict = "FAIL"
		}
		var notes []string
		if v.timeouts > 0 {
			notes = append(notes, "timeout")
		}
		if v.seconds[0] > 0 {
			notes = append(notes, fmt.Sprintf("%.1f s", v.seconds[0]))
		}
		if len(notes) > 0 {
			verdict += " (" + strings.Join(notes, ", ") + ")"
		}
		return verdict
	}
	s := fmt.Sprintf("%d/%d FAIL", v.failed, v.ran)
	if v.timeouts > 0 {
		s += fmt.Sprintf(" (%d timeouts)", v.timeouts)
	}
	return s
}

// commonFailures: tests that failed in every run on both machines.
func commonFailures(rv, qe []gradeRun) []string {
	if len(rv) == 0 || len(qe) == 0 {
		return nil
	}
	tr, order := tally(rv)
	tq, _ := tally(qe)
	var out []string
	for _, title := range order {
		a, b := tr[title], tq[title]
		if b == nil || a.failed != a.ran || b.failed != b.ran {
			continue
		}
		why := ""
		if len(a.why) > 0 {
			why = " (" + xv6lab.FirstReason(a.why) + ")"
		}
		out = append(out, "`"+title+"`"+why)
	}
	return out
}
