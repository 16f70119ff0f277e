//go:build linux

package main

import (
	"fmt"
	"strings"
)

// Serial against parallel (-parallel): every workload runs with the harts
// taking turns on one thread (--parallel=false) and on rvemu's default
// board (a thread per hart when there are several), alternating, and the
// medians of wall and CPU seconds (user+system) are printed side by side.
// QEMU is not run: the question is what parallel harts cost or win on
// this host.

// serialArgs is rvemuArgs with --parallel=false.
func (w workload) serialArgs(disk string) []string {
	args := w.rvemuArgs(disk)
	return append(args[:1:1], append([]string{"--parallel=false"}, args[1:]...)...)
}

// compareParallel measures each workload runs times each way and prints
// one line per workload; the exit status is 1 if a workload failed every
// run either way.
func compareParallel(rvemu string, ws []workload, runs int) int {
	fmt.Printf("%-12s %22s %22s %14s\n", "workload", "serial wall/cpu s", "parallel wall/cpu s", "par/ser wall")
	return compareRvemu(rvemu, rvemu, ws, runs, workload.serialArgs, workload.rvemuArgs)
}

// compareBaseline (-baseline BIN) measures the default board of another
// rvemu binary (A: an older build) against this one (B), alternating:
// the check that a change left default runs as fast as they were.
func compareBaseline(base, rvemu string, ws []workload, runs int) int {
	fmt.Printf("%-12s %22s %22s %14s\n", "workload", "baseline wall/cpu s", "this wall/cpu s", "this/base wall")
	return compareRvemu(base, rvemu, ws, runs, workload.rvemuArgs, workload.rvemuArgs)
}

func compareRvemu(binA, binB string, ws []workload, runs int, argsA, argsB func(workload, string) []string) int {
	status := 0
	for _, w := range ws {
		var ser, par series
		for i := 0; i < runs; i++ {
			ser.add(runOnce(binA, w, func(d string) []string { return argsA(w, d) }))
			par.add(runOnce(binB, w, func(d string) []string { return argsB(w, d) }))
		}
		if len(ser.samples) == 0 || len(par.samples) == 0 {
			fmt.Printf("%-12s failed: serial %s; parallel %s\n", w.name,
				strings.Join(ser.failed, "; "), strings.Join(par.failed, "; "))
			status = 1
			continue
		}
		fmt.Printf("%-12s %10.3f / %-9.3f %10.3f / %-9.3f %14.2f   (%d+%d runs ok)", w.name,
			ser.median(seconds), ser.median(cpuSeconds), par.median(seconds), par.median(cpuSeconds),
			ratio(par.median(seconds), ser.median(seconds)), len(ser.samples), len(par.samples))
		if w.instret != nil {
			fmt.Printf("   MIPS %.0f -> %.0f", (result{w: w, rvemu: ser}).mips(ser, seconds), (result{w: w, rvemu: par}).mips(par, seconds))
		}
		if w.drive != nil {
			fmt.Printf("   UDP p50 %.0f -> %.0f µs, %.0f -> %.0f packets/s", ser.median(udpP50)*1e6, par.median(udpP50)*1e6,
				ser.median(udpPPS), par.median(udpPPS))
		}
		fmt.Println()
	}
	return status
}
