//go:build !arm64

package jit

// flushICache: amd64 keeps instruction fetch coherent with stores.
func flushICache(start, end uintptr) {}
