//go:build !amd64 && !arm64

package jit

import "unsafe"

// Call is never reached on hosts without a translator (Supported is false).
func Call(code uintptr, ctx, mem unsafe.Pointer, left uint64) (reason, leftOut uint64) {
	panic("jit: no translator for this host architecture")
}
