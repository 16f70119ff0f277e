//go:build windows && (amd64 || arm64)

package jit

import (
	"unsafe"

	"golang.org/x/sys/windows"
)

// Supported: this host runs translated code.
const Supported = true

const (
	protWrite = windows.PAGE_READWRITE
	protExec  = windows.PAGE_EXECUTE_READ
)

func pageSize() int { return 4096 }

func mapRegion(n int) ([]byte, error) {
	p, err := windows.VirtualAlloc(0, uintptr(n), windows.MEM_RESERVE|windows.MEM_COMMIT, windows.PAGE_READWRITE)
	if err != nil {
		return nil, err
	}
	// p is memory outside the Go heap; read it as a pointer without the
	// uintptr conversion vet cannot tell from a dangling one.
	ptr := *(*unsafe.Pointer)(unsafe.Pointer(&p))
	return unsafe.Slice((*byte)(ptr), n), nil
}

func unmapRegion(b []byte) error {
	return windows.VirtualFree(uintptr(unsafe.Pointer(&b[0])), 0, windows.MEM_RELEASE)
}

func protect(b []byte, prot int) error {
	var old uint32
	return windows.VirtualProtect(uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)), uint32(prot), &old)
}
