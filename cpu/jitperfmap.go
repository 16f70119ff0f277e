package cpu

import (
	"fmt"
	"os"
	"sync"
)

// With RVEMU_JIT_PERFMAP set, every translated block is named in
// /tmp/perf-PID.map, the file Linux perf reads to name samples in
// generated code: `perf report` then shows "rv:0x80001234+7" (guest pc,
// instructions) instead of bare addresses.
var perfMap = struct {
	sync.Mutex
	on   bool
	file *os.File
}{on: os.Getenv("RVEMU_JIT_PERFMAP") != ""}

func perfMapBlock(code uintptr, size int, pc uint64, insts int) {
	if !perfMap.on {
		return
	}
	perfMap.Lock()
	defer perfMap.Unlock()
	if perfMap.file == nil {
		f, err := os.OpenFile(fmt.Sprintf("/tmp/perf-%d.map", os.Getpid()), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			perfMap.on = false
			return
		}
		perfMap.file = f
	}
	fmt.Fprintf(perfMap.file, "%x %x rv:%#x+%d\n", code, size, pc, insts)
}
