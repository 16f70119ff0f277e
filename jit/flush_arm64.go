package jit

//go:noescape
func flushICache(start, end uintptr)
