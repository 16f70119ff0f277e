//go:build !(386 || amd64 || arm || arm64 || loong64 || mips64le || mipsle || ppc64le || riscv64 || wasm)

package cpu

import (
	"encoding/binary"
	"unsafe"
)

// RAM accesses of the fast path on a big-endian host: guest memory is
// little-endian, so bytes are assembled explicitly.

func ramBytes(base unsafe.Pointer, off uint64, n int) []byte {
	return unsafe.Slice((*byte)(unsafe.Add(base, off)), n)
}

func ramLoad8(base unsafe.Pointer, off uint64) uint8 { return *(*uint8)(unsafe.Add(base, off)) }
func ramLoad16(base unsafe.Pointer, off uint64) uint16 {
	return binary.LittleEndian.Uint16(ramBytes(base, off, 2))
}
func ramLoad32(base unsafe.Pointer, off uint64) uint32 {
	return binary.LittleEndian.Uint32(ramBytes(base, off, 4))
}
func ramLoad64(base unsafe.Pointer, off uint64) uint64 {
	return binary.LittleEndian.Uint64(ramBytes(base, off, 8))
}
func ramStore8(base unsafe.Pointer, off uint64, v uint8) { *(*uint8)(unsafe.Add(base, off)) = v }
func ramStore16(base unsafe.Pointer, off uint64, v uint16) {
	binary.LittleEndian.PutUint16(ramBytes(base, off, 2), v)
}
func ramStore32(base unsafe.Pointer, off uint64, v uint32) {
	binary.LittleEndian.PutUint32(ramBytes(base, off, 4), v)
}
func ramStore64(base unsafe.Pointer, off uint64, v uint64) {
	binary.LittleEndian.PutUint64(ramBytes(base, off, 8), v)
}
