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
		fmt.Fprintf(&b, "- rvemu: %s\n", strings.TrimSpace(string(out)))
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

func (r result) line() string {
	l := fmt.Sprintf("%-10s rvemu %7.3f s", r.w.name, r.rvemu.median(seconds))
	if len(r.qemu.samples) > 0 {
		l += fmt.Sprintf("   qemu %7.3f s   rvemu/qemu %.2f", r.qemu.median(seconds), r.rvemu.median(seconds)/r.qemu.median(seconds))
	}
	if r.w.instret != nil {
		l += fmt.Sprintf("   rvemu %.0f MIPS (%.0f per CPU second)", r.mips(r.rvemu, seconds), r.mips(r.rvemu, cpuSeconds))
	}
	return l
}

func render(machine string, results []result, runs int) string {
	var b strings.Builder
	b.WriteString("# rvemu benchmark results\n\n")
	b.WriteString("Written by `make bench` (bench/). Each workload ran on rvemu and on QEMU with the\n")
	fmt.Fprintf(&b, "same image and flags, alternating A B A B, %d runs each; figures are medians.\n", runs)
	b.WriteString("Time ratio rvemu/QEMU: below 1 means rvemu is faster. MIPS are the guest's retired\n")
	b.WriteString("instructions (rvemu's count, the same program on both) per wall second and, in\n")
	b.WriteString("brackets, per CPU second of the emulator process (less sensitive to a loaded host).\n\n")
	b.WriteString(machine + "\n")
	b.WriteString("| workload | what | rvemu s | QEMU s | rvemu/QEMU | rvemu MIPS | QEMU MIPS | rvemu peak RSS MiB | QEMU peak RSS MiB |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range results {
		q, ratio, qm, qrss := "-", "-", "-", "-"
		if len(r.qemu.samples) > 0 {
			q = fmt.Sprintf("%.3f", r.qemu.median(seconds))
			ratio = fmt.Sprintf("%.2f", r.rvemu.median(seconds)/r.qemu.median(seconds))
			qrss = fmt.Sprintf("%.0f", r.qemu.median(rssMiB))
			if r.w.instret != nil {
				qm = fmt.Sprintf("%.0f (%.0f)", r.mips(r.qemu, seconds), r.mips(r.qemu, cpuSeconds))
			}
		}
		rm := "-"
		if r.w.instret != nil {
			rm = fmt.Sprintf("%.0f (%.0f)", r.mips(r.rvemu, seconds), r.mips(r.rvemu, cpuSeconds))
		}
		fmt.Fprintf(&b, "| %s | %s | %.3f | %s | %s | %s | %s | %.0f | %s |\n",
			r.w.name, r.w.what, r.rvemu.median(seconds), q, ratio, rm, qm, r.rvemu.median(rssMiB), qrss)
	}
	return b.String()
}
