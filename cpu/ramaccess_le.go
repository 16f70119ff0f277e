//go:build 386 || amd64 || arm || arm64 || loong64 || mips64le || mipsle || ppc64le || riscv64 || wasm

package cpu

import "unsafe"

// RAM accesses of the fast path on a little-endian host: a plain load or
// store at base+off, with no slice bounds checks. Callers guarantee that
// [off, off+size) lies inside RAM: the TLBs hold only whole pages that are
// RAM, and the fast path checks that the access does not cross its page.

func ramLoad8(base unsafe.Pointer, off uint64) uint8 { return *(*uint8)(unsafe.Add(base, off)) }
func ramLoad16(base unsafe.Pointer, off uint64) uint16 {
	return *(*uint16)(unsafe.Add(base, off))
}
func ramLoad32(base unsafe.Pointer, off uint64) uint32 {
	return *(*uint32)(unsafe.Add(base, off))
}
func ramLoad64(base unsafe.Pointer, off uint64) uint64 {
	return *(*uint64)(unsafe.Add(base, off))
}
func ramStore8(base unsafe.Pointer, off uint64, v uint8) { *(*uint8)(unsafe.Add(base, off)) = v }
func ramStore16(base unsafe.Pointer, off uint64, v uint16) {
	*(*uint16)(unsafe.Add(base, off)) = v
}
func ramStore32(base unsafe.Pointer, off uint64, v uint32) {
	*(*uint32)(unsafe.Add(base, off)) = v
}
func ramStore64(base unsafe.Pointer, off uint64, v uint64) {
	*(*uint64)(unsafe.Add(base, off)) = v
}
