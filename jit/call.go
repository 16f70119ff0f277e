//go:build amd64 || arm64

package jit

import "unsafe"

// Call runs the generated code at code with ctx and mem in their fixed
// registers and left as the budget, and returns the exit reason the code
// chose and the budget it left.
//
//go:noescape
func Call(code uintptr, ctx, mem unsafe.Pointer, left uint64) (reason, leftOut uint64)
