package main

import (
	"fmt"
	"strings"
)

// Serial against parallel (-parallel): every workload runs on rvemu's
// default board (harts interleaved on one thread) and with --parallel
// (a thread per hart), alternating, and the medians of wall and CPU
// seconds (user+system) are printed side by side. QEMU is not run: the
// question is whether parallel harts pay on this host.

// parallelArgs is rvemuArgs with --parallel.
func (w workload) parallelArgs(disk string) []string {
	args := w.rvemuArgs(disk)
	return append(args[:1:1], append([]string{"--parallel"}, args[1:]...)...)
}

// compareParallel measures each workload runs times each way and prints
// one line per workload; the exit status is 1 if a workload failed every
// run either way.
func compareParallel(rvemu string, ws []workload, runs int) int {
	fmt.Printf("%-12s %22s %22s %14s\n", "workload", "serial wall/cpu s", "parallel wall/cpu s", "par/ser wall")
	status := 0
	for _, w := range ws {
		var ser, par series
		for i := 0; i < runs; i++ {
			ser.add(runOnce(rvemu, w, w.rvemuArgs))
			par.add(runOnce(rvemu, w, w.parallelArgs))
		}
		if len(ser.samples) == 0 || len(par.samples) == 0 {
			fmt.Printf("%-12s failed: serial %s; parallel %s\n", w.name,
				strings.Join(ser.failed, "; "), strings.Join(par.failed, "; "))
			status = 1
			continue
		}
		fmt.Printf("%-12s %10.3f / %-9.3f %10.3f / %-9.3f %14.2f   (%d+%d runs ok)\n", w.name,
			ser.median(seconds), ser.median(cpuSeconds), par.median(seconds), par.median(cpuSeconds),
			ratio(par.median(seconds), ser.median(seconds)), len(ser.samples), len(par.samples))
	}
	return status
}
