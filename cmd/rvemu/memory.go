package main

import (
	"os"
	"runtime/debug"
)

// gcHeadroom is how much garbage may pile up between collections.
const gcHeadroom = 8 << 20

// boundGarbage sets the collector's pace for a board with ram bytes of
// guest RAM. The RAM is one allocation on the Go heap, so under the
// default GOGC=100 the heap could grow by the RAM's size again (another
// 128 MiB) in per-frame buffers before the first collection: the soak saw
// RSS creep 15% over a run for that reason alone. Pacing the collector to
// ~8 MiB of garbage keeps RSS flat; RAM holds no pointers, so a collection
// stays cheap. An explicit GOGC in the environment wins.
func boundGarbage(ram uint64) {
	if os.Getenv("GOGC") != "" || ram == 0 {
		return
	}
	debug.SetGCPercent(gcPercent(ram))
}

func gcPercent(ram uint64) int {
	return int(max(1, min(100, 100*gcHeadroom/ram)))
}
