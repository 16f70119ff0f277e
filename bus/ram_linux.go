package bus

import (
	"syscall"
	"unsafe"
)

// hugePageSkip is how many bytes into buf the first huge-page boundary is.
func hugePageSkip(buf []byte) uint64 {
	addr := uint64(uintptr(unsafe.Pointer(unsafe.SliceData(buf))))
	return (hugePage - addr%hugePage) % hugePage
}

// adviseHugePages asks for transparent huge pages; where the host has them
// disabled the advice fails and RAM simply uses small pages.
func adviseHugePages(ram []byte) {
	_ = syscall.Madvise(ram, syscall.MADV_HUGEPAGE)
}
