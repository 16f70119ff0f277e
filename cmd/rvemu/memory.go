package main

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
)

// gcHeadroom is how much garbage may pile up between collections.
const gcHeadroom = 8 << 20

// boundGarbage sets the collector's pace for a board with ram bytes of
// guest RAM, called once the board is built and before it runs. The RAM is
// one allocation on the Go heap, so under the default GOGC=100 the heap
// could grow by the RAM's size again (another 128 MiB) in per-frame
// buffers before the first collection: the soak saw RSS creep 15% over a
// run for that reason alone. Pacing the collector to ~8 MiB of garbage
// keeps RSS flat; RAM holds no pointers, so a collection stays cheap. An
// explicit GOGC in the environment wins.
//
// The 8 MiB are counted from the heap the board starts with, not from the
// last collection's: allocating the RAM set off a collection, and what the
// board allocated after it (decode caches, the translator's tables: 3-5
// MiB with 3 harts) would otherwise come out of the first interval's
// headroom. Measured: the translator's 1.7 MiB of tables brought the first
// collection after boot forward into our kernel's nettests in every run
// (none of the interpreter's), a 10-15 ms collection in a 45-75 ms
// workload (bench/RESULTS.md).
func boundGarbage(ram uint64) {
	if os.Getenv("GOGC") != "" || ram == 0 {
		return
	}
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	var live, heap uint64
	if s[0].Value.Kind() == metrics.KindUint64 && s[1].Value.Kind() == metrics.KindUint64 {
		live, heap = s[0].Value.Uint64(), s[1].Value.Uint64()
	}
	debug.SetGCPercent(gcPercent(ram, live, heap))
}

// gcPercent is the GOGC that lets the heap grow by gcHeadroom from heap
// bytes now, when the last collection left live bytes (the RAM at least:
// the collection its allocation set off may still be under way).
func gcPercent(ram, live, heap uint64) int {
	base := max(live, ram)
	grow := uint64(gcHeadroom)
	if heap > base {
		grow += heap - base
	}
	return int(max(1, min(100, (100*grow+base-1)/base)))
}
