//go:build linux

package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

func describeMachine(env *emulators) string {
	var b strings.Builder
	model := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(line, "model name") {
				model = strings.TrimSpace(strings.SplitN(line, ":", 2)[1])
				break
			}
		}
	}
	fmt.Fprintf(&b, "- date: %s\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(&b, "- host: %s, %d cores, %s/%s, %s\n", model, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version())
	if load, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Fprintf(&b, "- load average at the end: %s\n", strings.Join(strings.Fields(string(load))[:3], " "))
	}
	if out, err := exec.Command(env.rvemu, "version").Output(); err == nil {
		// `rvemu version` prints several lines: one list item.
		fmt.Fprintf(&b, "- rvemu: %s\n", strings.Join(strings.Fields(strings.ReplaceAll(strings.TrimSpace(string(out)), "\n", "; ")), " "))
	}
	if env.qemu != "" {
		if out, err := exec.Command(env.qemu, "-version").Output(); err == nil {
			fmt.Fprintf(&b, "- reference: %s\n", strings.SplitN(strings.TrimSpace(string(out)), "\n", 2)[0])
		}
	} else {
		b.WriteString("- reference: qemu-system-riscv64 not installed\n")
	}
	return b.String()
}

func seconds(s sample) float64    { return s.seconds }
func cpuSeconds(s sample) float64 { return s.cpu }
func rssMiB(s sample) float64     { return float64(s.rssKiB) / 1024 }

// mips is the guest's retired instructions per wall second. QEMU's runs
// borrow rvemu's count: the same program retires the same instructions.
func (r result) mips(s series, clock func(sample) float64) float64 {
	instret := r.rvemu.median(func(x sample) float64 { return float64(x.instret) })
	t := s.median(clock)
	if instret == 0 || t == 0 {
		return 0
	}
	return instret / t / 1e6
}

func sinceStart(s sample) float64 { return s.sinceStart }

func (r result) line() string {
	l := fmt.Sprintf("%-12s rvemu %7.3f s", r.w.name, r.rvemu.median(seconds))
	if hasQEMU(r) {
		l += fmt.Sprintf("   qemu %7.3f s   rvemu/qemu %.2f", r.qemu.median(seconds), ratio(r.rvemu.median(seconds), r.qemu.median(seconds)))
	}
	if r.w.instret != nil {
		l += fmt.Sprintf("   rvemu %.0f MIPS (%.0f per CPU second)", r.mips(r.rvemu, seconds), r.mips(r.rvemu, cpuSeconds))
	}
	if r.w.drive != nil {
		l += fmt.Sprintf("   p50 %.0f µs, %.0f packets/s", r.rvemu.median(udpP50)*1e6, r.rvemu.median(udpPPS))
		if hasQEMU(r) {
			l += fmt.Sprintf(" (qemu p50 %.0f µs, %.0f packets/s)", r.qemu.median(udpP50)*1e6, r.qemu.median(udpPPS))
		}
	}
	return l
}

// report is everything RESULTS.md says.
type report struct {
	machine   string
	command   string
	runs      int
	results   []result
	goBench   []goBench
	goCommand string
	usertests *usertests
	utPath    string
	// checks: a hand-written section from checksPath (the translator's
	// lockstep and fuzz figures), copied after the usertests.
	checks, checksPath string
	// dnsQueries: queries the namespace's DNS table answered (-1: no
	// network workload ran). QEMU's nettests runs ask it; rvemu answers
	// inside usernet and never does.
	dnsQueries int64
}

func (rep report) render() string {
	var b strings.Builder
	b.WriteString("# rvemu benchmark results\n\n")
	fmt.Fprintf(&b, "Written by `%s` (bench/). Each workload ran on rvemu and on QEMU with the\n", rep.command)
	fmt.Fprintf(&b, "same image and flags, alternating A B A B, %d runs each; figures are medians.\n", rep.runs)
	b.WriteString("Time ratio rvemu/QEMU: below 1 means rvemu is faster. MIPS are the guest's retired\n")
	b.WriteString("instructions (rvemu's count, the same program on both) per wall second and, in\n")
	b.WriteString("brackets, per CPU second of the emulator process (less sensitive to a loaded host).\n")
	b.WriteString("Workloads with a NIC ran, on both emulators, in a private network namespace\n")
	b.WriteString("holding only loopback, with the host side (the lab's UDP server, a DNS table on\n")
	b.WriteString("127.0.0.1:53 named by the namespace's resolv.conf, the UDP client) inside it.\n\n")
	b.WriteString(rep.machine)
	if rep.dnsQueries >= 0 {
		fmt.Fprintf(&b, "- DNS queries answered by the namespace's table: %d\n", rep.dnsQueries)
	}
	b.WriteString("\n")
	rep.renderWorkloads(&b)
	rep.renderFailures(&b)
	renderTargets(&b, evaluateTargets(rep.results, rep.usertests))
	rep.renderUsertests(&b)
	if rep.checks != "" {
		fmt.Fprintf(&b, "<!-- copied from %s -->\n%s\n", rep.checksPath, strings.TrimSpace(rep.checks))
		b.WriteString("\n")
	}
	if rep.goCommand != "" {
		renderGoBench(&b, rep.goBench, rep.goCommand)
	}
	return b.String()
}

func (rep report) renderWorkloads(b *strings.Builder) {
	if len(rep.results) == 0 {
		return
	}
	b.WriteString("## Workloads\n\n")
	b.WriteString("rvemu runs its default engine, the translator; \"interpreter\" is the same rvemu\n")
	b.WriteString("with `--jit=off`, run in turn with the others (A B C A B C ...).\n\n")
	b.WriteString("| workload | what | rvemu s | QEMU s | rvemu/QEMU | interpreter s | rvemu MIPS | QEMU MIPS | interpreter MIPS | rvemu peak RSS MiB | QEMU peak RSS MiB |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rep.results {
		q, x, qm, qrss := "-", "-", "-", "-"
		in, im := "-", "-"
		if hasInterp(r) {
			in = fmt.Sprintf("%.3f", r.interp.median(seconds))
			if r.w.instret != nil {
				im = fmt.Sprintf("%.0f (%.0f)", r.mips(r.interp, seconds), r.mips(r.interp, cpuSeconds))
			}
		}
		if hasQEMU(r) {
			q = fmt.Sprintf("%.3f", r.qemu.median(seconds))
			x = fmt.Sprintf("%.2f", ratio(r.rvemu.median(seconds), r.qemu.median(seconds)))
			qrss = fmt.Sprintf("%.0f", r.qemu.median(rssMiB))
			if r.w.instret != nil {
				qm = fmt.Sprintf("%.0f (%.0f)", r.mips(r.qemu, seconds), r.mips(r.qemu, cpuSeconds))
			}
		}
		rm := "-"
		if r.w.instret != nil {
			rm = fmt.Sprintf("%.0f (%.0f)", r.mips(r.rvemu, seconds), r.mips(r.rvemu, cpuSeconds))
		}
		fmt.Fprintf(b, "| %s | %s | %.3f | %s | %s | %s | %s | %s | %s | %.0f | %s |\n",
			r.w.name, r.w.what, r.rvemu.median(seconds), q, x, in, rm, qm, im, r.rvemu.median(rssMiB), qrss)
	}
	b.WriteString("\n")

	var labLike []result
	for _, r := range rep.results {
		if r.w.labLike {
			labLike = append(labLike, r)
		}
	}
	if len(labLike) > 0 {
		b.WriteString("As the lab's grader sees it: process start (boot included) to the same line.\n\n")
		b.WriteString("| workload | rvemu s | QEMU s | rvemu/QEMU |\n|---|---|---|---|\n")
		for _, r := range labLike {
			q, x := "-", "-"
			if hasQEMU(r) {
				q = fmt.Sprintf("%.3f", r.qemu.median(sinceStart))
				x = fmt.Sprintf("%.2f", ratio(r.rvemu.median(sinceStart), r.qemu.median(sinceStart)))
			}
			fmt.Fprintf(b, "| %s | %.3f | %s | %s |\n", r.w.name, r.rvemu.median(sinceStart), q, x)
		}
		b.WriteString("\n")
	}

	for _, r := range rep.results {
		if r.w.drive == nil {
			continue
		}
		fmt.Fprintf(b, "UDP round trip (%s): our `udpecho` in the guest, the host client sending from\n", r.w.name)
		fmt.Fprintf(b, "127.0.0.1:%d to the forwarded 127.0.0.1:%d (guest port %d); %d-byte datagrams.\n\n", udpClientPort, labFwdPort, labGuestPort, udpPayload)
		b.WriteString("| figure | rvemu | QEMU | rvemu/QEMU | interpreter |\n|---|---|---|---|---|\n")
		row := func(name string, f func(sample) float64, scale float64, format string) {
			rv := r.rvemu.median(f) * scale
			q, x, in := "-", "-", "-"
			if hasQEMU(r) {
				qv := r.qemu.median(f) * scale
				q = fmt.Sprintf(format, qv)
				x = fmt.Sprintf("%.2f", ratio(rv, qv))
			}
			if hasInterp(r) {
				in = fmt.Sprintf(format, r.interp.median(f)*scale)
			}
			fmt.Fprintf(b, "| %s | "+format+" | %s | %s | %s |\n", name, rv, q, x, in)
		}
		row(fmt.Sprintf("p50 round trip, one at a time (%d), µs", udpSerial), udpP50, 1e6, "%.0f")
		row("p99 round trip, one at a time, µs", udpP99, 1e6, "%.0f")
		row(fmt.Sprintf("echoes per second, %d in flight (%d)", udpWindow, udpWindowed), udpPPS, 1, "%.0f")
		row("datagrams lost (median of runs)", udpLost, 1, "%.0f")
		b.WriteString("\n")
	}
}

// renderFailures lists the runs left out of the medians, so that a hang is
// reported rather than hidden.
func (rep report) renderFailures(b *strings.Builder) {
	var lines []string
	for _, r := range rep.results {
		for _, f := range r.rvemu.failed {
			lines = append(lines, fmt.Sprintf("- %s, rvemu %s", r.w.name, f))
		}
		for _, f := range r.qemu.failed {
			lines = append(lines, fmt.Sprintf("- %s, QEMU %s", r.w.name, f))
		}
		for _, f := range r.interp.failed {
			lines = append(lines, fmt.Sprintf("- %s, rvemu's interpreter %s", r.w.name, f))
		}
	}
	if len(lines) == 0 {
		return
	}
	b.WriteString("## Failed runs (left out of the medians)\n\n")
	b.WriteString(strings.Join(lines, "\n"))
	b.WriteString("\n\n")
}

func (rep report) renderUsertests(b *strings.Builder) {
	b.WriteString("## usertests -q on a real xv6-riscv tree\n\n")
	if rep.usertests == nil {
		fmt.Fprintf(b, "Not part of this run: the figures come from a separate run on a public xv6-riscv\n"+
			"tree built locally (never committed), written by hand into `%s`\n"+
			"(format in bench/usertests.go) and picked up by the next `make bench`.\n\n", rep.utPath)
		return
	}
	fmt.Fprintf(b, "From `%s` (a separate run, not timed by this program)", rep.utPath)
	if rep.usertests.tree != "" {
		fmt.Fprintf(b, ": %s", rep.usertests.tree)
	}
	b.WriteString(".\n\n| run | wall s |\n|---|---|\n")
	for _, k := range usertestsKeys {
		if s, ok := rep.usertests.seconds[k]; ok {
			fmt.Fprintf(b, "| %s | %.1f |\n", k, s)
		}
	}
	b.WriteString("\n")
}
