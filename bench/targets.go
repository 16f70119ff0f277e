//go:build linux

package main

import (
	"fmt"
	"strings"
)

// The targets, each judged from this run's medians.

type status int

const (
	notMeasured status = iota
	met
	notMet
)

func (s status) String() string {
	return [...]string{"not measured", "**met**", "**not met**"}[s]
}

func judge(ok bool) status {
	if ok {
		return met
	}
	return notMet
}

type target struct {
	goal   string
	figure string
	status status
}

func findResult(results []result, name string) (result, bool) {
	for _, r := range results {
		if r.w.name == name {
			return r, true
		}
	}
	return result{}, false
}

func hasQEMU(r result) bool { return len(r.qemu.samples) > 0 }

func hasInterp(r result) bool { return len(r.interp.samples) > 0 }

// evaluateTargets lists every target with its figure; targets whose
// workload was not run (or needs QEMU, absent) are "not measured".
func evaluateTargets(results []result, ut *usertests) []target {
	var ts []target
	find := func(name string) (result, bool) { return findResult(results, name) }

	// (a) compute speed.
	a := target{goal: "(a) compute: >= 400 MIPS on one hart"}
	a2 := target{goal: "(a) compute: >= 0.25x QEMU's rate on the same program"}
	if r, ok := find("compute"); ok && r.w.instret != nil {
		m := r.mips(r.rvemu, seconds)
		a.figure, a.status = fmt.Sprintf("%.0f MIPS", m), judge(m >= 400)
		if hasQEMU(r) {
			q := r.mips(r.qemu, seconds)
			x := ratio(m, q)
			a2.figure, a2.status = fmt.Sprintf("%.2fx (%.0f vs %.0f MIPS)", x, m, q), judge(x >= 0.25)
		}
	}
	ts = append(ts, a, a2)

	// (b) boot.
	for _, name := range []string{"boot-smp1", "boot-smp3"} {
		t := target{goal: fmt.Sprintf("(b) %s: our kernel boots in <= 0.3 s", name)}
		if r, ok := find(name); ok {
			s := r.rvemu.median(seconds)
			t.figure, t.status = fmt.Sprintf("%.3f s", s), judge(s <= 0.3)
		}
		ts = append(ts, t)
	}

	// (c) nettests, (d) stress: time against QEMU's.
	timed := func(goal, name string, limit float64) target {
		t := target{goal: goal}
		if r, ok := find(name); ok && hasQEMU(r) {
			x := ratio(r.rvemu.median(seconds), r.qemu.median(seconds))
			t.figure = fmt.Sprintf("%.3f s vs QEMU %.3f s (%.2fx)", r.rvemu.median(seconds), r.qemu.median(seconds), x)
			t.status = judge(x <= limit)
		}
		return t
	}
	ts = append(ts, timed("(c) nettests typed to `all tests passed.`: <= half QEMU's time", "nettests", 0.5))
	for _, part := range []string{"mem", "fork", "exec", "pipe"} {
		ts = append(ts, timed(fmt.Sprintf("(d) stress %s: <= QEMU's time", part), "stress-"+part, 1))
	}

	// (e) UDP round trip: latency and time per datagram in a window.
	lat := target{goal: "(e) UDP round trip p50: <= half QEMU's"}
	tail := target{goal: "(e) UDP round trip p99: <= half QEMU's"}
	thr := target{goal: "(e) UDP windowed: time per datagram <= half QEMU's (>= 2x its packets/s)"}
	if r, ok := find("udp"); ok && hasQEMU(r) {
		rp, qp := r.rvemu.median(udpP50), r.qemu.median(udpP50)
		lat.figure, lat.status = fmt.Sprintf("%.0f µs vs QEMU %.0f µs (%.2fx)", rp*1e6, qp*1e6, ratio(rp, qp)), judge(ratio(rp, qp) <= 0.5)
		r99, q99 := r.rvemu.median(udpP99), r.qemu.median(udpP99)
		tail.figure, tail.status = fmt.Sprintf("%.0f µs vs QEMU %.0f µs (%.2fx)", r99*1e6, q99*1e6, ratio(r99, q99)), judge(ratio(r99, q99) <= 0.5)
		rr, qr := r.rvemu.median(udpPPS), r.qemu.median(udpPPS)
		thr.figure, thr.status = fmt.Sprintf("%.0f vs QEMU %.0f packets/s (time %.2fx)", rr, qr, ratio(qr, rr)), judge(ratio(qr, rr) <= 0.5)
	}
	ts = append(ts, lat, tail, thr)

	// (f) peak RSS, every workload run on both.
	rss := target{goal: "(f) peak RSS <= QEMU's, every workload"}
	var good, bad []string
	for _, r := range results {
		if !hasQEMU(r) {
			continue
		}
		rm, qm := r.rvemu.median(rssMiB), r.qemu.median(rssMiB)
		s := fmt.Sprintf("%s %.0f/%.0f", r.w.name, rm, qm)
		if rm <= qm {
			good = append(good, s)
		} else {
			bad = append(bad, s)
		}
	}
	if len(good)+len(bad) > 0 {
		rss.status = judge(len(bad) == 0)
		if len(bad) > 0 {
			rss.figure = "over on " + strings.Join(bad, ", ") + " MiB; "
		}
		rss.figure += fmt.Sprintf("%d of %d at or below QEMU (rvemu/QEMU MiB: %s)", len(good), len(good)+len(bad), strings.Join(good, ", "))
	}
	ts = append(ts, rss)

	// usertests -q on a real xv6-riscv tree (figures from the usertests file).
	u3 := target{goal: "usertests -q, --smp 3: less wall time than QEMU's (136 s in the issue)"}
	u1 := target{goal: "usertests -q, --smp 1: <= 60 s"}
	if ut != nil {
		if s, ok := ut.seconds["rvemu-smp3"]; ok {
			q, ok := ut.seconds["qemu-smp3"]
			if !ok {
				q = qemuUsertestsDefault["qemu-smp3"]
			}
			u3.figure, u3.status = fmt.Sprintf("%.1f s vs QEMU %.1f s", s, q), judge(s < q)
		}
		if s, ok := ut.seconds["rvemu-smp1"]; ok {
			u1.figure, u1.status = fmt.Sprintf("%.1f s", s), judge(s <= 60)
			if q, ok := ut.seconds["qemu-smp1"]; ok {
				u1.figure += fmt.Sprintf(" (QEMU %.1f s)", q)
			}
		}
	}
	ts = append(ts, u3, u1)
	return append(ts, translatorTargets(results, ut)...)
}

// interpSlack is how much slower than the interpreter, in the medians of
// one run, a workload may come out and still count as "no worse": the
// runs alternate, but short workloads vary by a few percent run to run.
const interpSlack = 1.05

// translatorTargets are the translator's (issue 17): compute at or above
// QEMU's rate, usertests at one hart in at most half QEMU's time, and the
// other workloads no worse than rvemu's own interpreter in the same run.
func translatorTargets(results []result, ut *usertests) []target {
	var ts []target
	c := target{goal: "(T) compute: translator at or above QEMU's rate"}
	if r, ok := findResult(results, "compute"); ok && r.w.instret != nil && hasQEMU(r) {
		m, q := r.mips(r.rvemu, seconds), r.mips(r.qemu, seconds)
		c.figure = fmt.Sprintf("%.0f vs QEMU %.0f MIPS (%.2fx; per CPU second %.0f vs %.0f)", m, q, ratio(m, q),
			r.mips(r.rvemu, cpuSeconds), r.mips(r.qemu, cpuSeconds))
		c.status = judge(m >= q)
	}
	ts = append(ts, c)

	u := target{goal: "(T) usertests -q, --smp 1: <= half QEMU's wall time"}
	if ut != nil {
		s, ok1 := ut.seconds["rvemu-smp1"]
		q, ok2 := ut.seconds["qemu-smp1"]
		if ok1 && ok2 {
			u.figure, u.status = fmt.Sprintf("%.1f s vs QEMU %.1f s (%.2fx)", s, q, ratio(s, q)), judge(s <= q/2)
		}
	}
	ts = append(ts, u)
	ui := target{goal: fmt.Sprintf("(T) usertests-smp1 (-q, --smp 1): no worse than the interpreter (within %.0f%%)", (interpSlack-1)*100)}
	if ut != nil {
		s, ok1 := ut.seconds["rvemu-smp1"]
		i, ok2 := ut.seconds["interp-smp1"]
		if ok1 && ok2 {
			ui.figure, ui.status = fmt.Sprintf("%.1f s vs %.1f s (%.2fx)", s, i, ratio(s, i)), judge(ratio(s, i) <= interpSlack)
		}
	}
	ts = append(ts, ui)

	for _, name := range []string{"boot-smp1", "boot-smp3", "nettests", "stress-mem", "stress-fork", "stress-exec", "stress-pipe"} {
		t := target{goal: fmt.Sprintf("(T) %s: no worse than the interpreter (within %.0f%%)", name, (interpSlack-1)*100)}
		if r, ok := findResult(results, name); ok && hasInterp(r) {
			s, i := r.rvemu.median(seconds), r.interp.median(seconds)
			t.figure, t.status = fmt.Sprintf("%.3f s vs %.3f s (%.2fx)", s, i, ratio(s, i)), judge(ratio(s, i) <= interpSlack)
		}
		ts = append(ts, t)
	}
	p50 := target{goal: fmt.Sprintf("(T) UDP p50 round trip: no worse than the interpreter (within %.0f%%)", (interpSlack-1)*100)}
	pps := target{goal: fmt.Sprintf("(T) UDP windowed packets/s: no worse than the interpreter (within %.0f%%)", (interpSlack-1)*100)}
	if r, ok := findResult(results, "udp"); ok && hasInterp(r) {
		rp, ip := r.rvemu.median(udpP50), r.interp.median(udpP50)
		p50.figure, p50.status = fmt.Sprintf("%.0f µs vs %.0f µs (%.2fx)", rp*1e6, ip*1e6, ratio(rp, ip)), judge(ratio(rp, ip) <= interpSlack)
		rr, ir := r.rvemu.median(udpPPS), r.interp.median(udpPPS)
		pps.figure, pps.status = fmt.Sprintf("%.0f vs %.0f packets/s (time %.2fx)", rr, ir, ratio(ir, rr)), judge(ratio(ir, rr) <= interpSlack)
	}
	return append(ts, p50, pps)
}

// udpFigure reads one UDP figure of a sample (0 for a run without them).
func udpFigure(get func(*udpStats) float64) func(sample) float64 {
	return func(s sample) float64 {
		if s.udp == nil {
			return 0
		}
		return get(s.udp)
	}
}

var (
	udpP50  = udpFigure(func(u *udpStats) float64 { return u.p50 })
	udpP99  = udpFigure(func(u *udpStats) float64 { return u.p99 })
	udpPPS  = udpFigure(func(u *udpStats) float64 { return u.pps })
	udpLost = udpFigure(func(u *udpStats) float64 { return float64(u.lost) })
)

func renderTargets(b *strings.Builder, ts []target) {
	b.WriteString("## Targets\n\n| target | figure | status |\n|---|---|---|\n")
	for _, t := range ts {
		fig := t.figure
		if fig == "" {
			fig = "-"
		}
		fmt.Fprintf(b, "| %s | %s | %s |\n", t.goal, fig, t.status)
	}
	b.WriteString("\n")
}
