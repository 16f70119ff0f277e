//go:build !(linux && amd64)

package jit

// mapCodeFile: hosts other than Linux on amd64 write code into anonymous
// memory made executable batch by batch (Publish).
func mapCodeFile(code []byte) int { return -1 }

func writeCodeFile(fd int, b []byte, off int) error { panic("jit: no code file on this host") }

func prefaultCodeFile(fd int, code []byte, from, to int) {}

func closeCodeFile(fd int) {}
