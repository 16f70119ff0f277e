package loader

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/internal/rvasm"
)

const ramBase = 0x80000000

const prog = `
	.globl _start
_start:
	li a0, 0x1234
	j _start
	.section .data
	.balign 8
	.globl tohost
tohost: .dword 0
	.globl fromhost
fromhost: .dword 0
	.section .bss
	.balign 8
zeros: .space 64
`

func newRAM(size int) RAM {
	r := RAM{Base: ramBase, Bytes: make([]byte, size)}
	for i := range r.Bytes {
		r.Bytes[i] = 0xAA // so the test sees .bss cleared
	}
	return r
}

func TestLoadELF(t *testing.T) {
	elfPath := rvasm.Build(t, prog, rvasm.Options{})
	ram := newRAM(1 << 20)
	img, err := LoadFile(elfPath, ram)
	require.NoError(t, err)
	assert.Equal(t, FormatELF, img.Format)
	assert.Equal(t, uint64(ramBase), img.Entry)
	require.True(t, img.HasHTIF)
	assert.Equal(t, img.ToHost+8, img.FromHost)
	// li a0,0x1234 assembles to lui a0,0x1 + addi a0,a0,0x234 (0x00001537).
	assert.Equal(t, uint32(0x00001537), binary.LittleEndian.Uint32(ram.Bytes))
	off := img.ToHost - ramBase
	assert.Equal(t, make([]byte, 16+64), ram.Bytes[off:off+16+64], "data and bss zeroed")
	assert.GreaterOrEqual(t, img.End, img.ToHost+16+64, "end covers bss")
}

func TestLoadStrippedELFHasNoHTIF(t *testing.T) {
	elfPath := rvasm.Build(t, prog, rvasm.Options{Strip: true})
	img, err := LoadFile(elfPath, newRAM(1<<20))
	require.NoError(t, err)
	assert.False(t, img.HasHTIF)
}

func TestLoadRaw(t *testing.T) {
	raw := rvasm.Raw(t, rvasm.Build(t, prog, rvasm.Options{}))
	ram := newRAM(1 << 20)
	img, err := LoadFile(raw, ram)
	require.NoError(t, err)
	assert.Equal(t, FormatRaw, img.Format)
	st, err := os.Stat(raw)
	require.NoError(t, err)
	assert.Equal(t, uint64(ramBase)+uint64(st.Size()), img.End)
	assert.Equal(t, uint64(ramBase), img.Entry)
	assert.Equal(t, uint32(0x00001537), binary.LittleEndian.Uint32(ram.Bytes))
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	require.NoError(t, os.WriteFile(empty, nil, 0o644))
	hostELF, err := os.Executable() // the test binary: an ELF for the host
	require.NoError(t, err)
	big := filepath.Join(dir, "big.bin")
	require.NoError(t, os.WriteFile(big, make([]byte, 2<<20), 0o644))
	garbageELF := filepath.Join(dir, "garbage.elf")
	require.NoError(t, os.WriteFile(garbageELF, []byte("\x7fELF not really"), 0o644))

	tests := []struct {
		name    string
		path    string
		wantErr error
		wantMsg string
	}{
		{"missing", filepath.Join(dir, "nope"), os.ErrNotExist, "no such file"},
		{"empty", empty, ErrEmpty, "empty"},
		{"host elf", hostELF, ErrNotRISCV, "RISC-V"},
		{"broken elf", garbageELF, ErrNotRISCV, "RISC-V"},
		{"raw larger than RAM", big, ErrOutsideRAM, "larger than RAM"},
		{"segment outside RAM", rvasm.Build(t, prog, rvasm.Options{Base: 0x90000000}), ErrOutsideRAM, "segment at 0x90000000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadFile(tc.path, newRAM(1<<20))
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.wantErr)
			assert.Contains(t, err.Error(), tc.wantMsg)
		})
	}
}
