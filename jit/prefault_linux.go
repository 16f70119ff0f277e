//go:build linux

package jit

import (
	"runtime"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// populateOff is set once the kernel refused MADV_POPULATE_WRITE (older
// than 5.14): the pages then fault in one by one as before.
var populateOff atomic.Bool

// Prefault makes the host pages wholly inside b present and writable now,
// in one system call, without changing what they hold (zeroes, for memory
// never written). Memory freshly mapped (the code area, the Go heap's
// large allocations) otherwise faults in page by page at first touch, and
// at the first write once more after a read: on this VM a fault costs
// ~10 µs, and our kernel's nettests took ~200 more of them on the
// translator than on the interpreter, most in writing code and in the
// engines' first looks at their tables (bench/RESULTS.md). Only a hint:
// nothing happens where the host does not have it.
func Prefault(b []byte) {
	if len(b) == 0 || populateOff.Load() {
		return
	}
	page := uintptr(pageSize())
	start := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	end := start + uintptr(len(b))
	start = (start + page - 1) &^ (page - 1)
	end &^= page - 1
	if end <= start {
		return
	}
	_, _, errno := unix.Syscall(unix.SYS_MADVISE, start, end-start, unix.MADV_POPULATE_WRITE)
	runtime.KeepAlive(b)
	if errno == unix.EINVAL {
		populateOff.Store(true)
	}
}
