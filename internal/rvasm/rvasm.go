// Package rvasm assembles and links tiny RISC-V guest programs at test time
// with the cross toolchain (riscv64-unknown-elf-as/ld), so tests state their
// guests as readable assembly instead of hex.
package rvasm

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// Options tune the link.
type Options struct {
	// Base is the address of .text (default 0x80000000).
	Base uint64
	// Strip drops the symbol table.
	Strip bool
}

// Build assembles src, links it at opts.Base with entry symbol _start and
// returns the path of the ELF file inside t.TempDir().
func Build(t testing.TB, src string, opts Options) string {
	t.Helper()
	if opts.Base == 0 {
		opts.Base = 0x80000000
	}
	dir := t.TempDir()
	asmPath := filepath.Join(dir, "prog.S")
	objPath := filepath.Join(dir, "prog.o")
	elfPath := filepath.Join(dir, "prog.elf")
	require.NoError(t, os.WriteFile(asmPath, []byte(src), 0o644))
	run(t, "riscv64-unknown-elf-as", "-march=rv64ima_zicsr", "-mabi=lp64", "-o", objPath, asmPath)
	ldPath := filepath.Join(dir, "prog.ld")
	require.NoError(t, os.WriteFile(ldPath, []byte(fmt.Sprintf(linkerScript, opts.Base)), 0o644))
	args := []string{"-nostdlib", "-T", ldPath, "-o", elfPath, objPath}
	if opts.Strip {
		args = append([]string{"-s"}, args...)
	}
	run(t, "riscv64-unknown-elf-ld", args...)
	return elfPath
}

// Raw converts an ELF to a flat binary (objcopy -O binary).
func Raw(t testing.TB, elfPath string) string {
	t.Helper()
	out := elfPath + ".bin"
	run(t, "riscv64-unknown-elf-objcopy", "-O", "binary", elfPath, out)
	return out
}

// linkerScript lays text, data and bss out back to back from the base, so
// the image is one contiguous block (and objcopy -O binary starts at base).
const linkerScript = `ENTRY(_start)
SECTIONS {
	. = %#x;
	.text : { *(.text.init) *(.text .text.*) }
	.rodata : { *(.rodata .rodata.*) }
	.data : { *(.data .data.* .sdata .sdata.*) }
	.bss : { *(.bss .bss.* .sbss .sbss.*) }
}
`

func run(t testing.TB, name string, args ...string) {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	require.NoError(t, err, "%s %v:\n%s", name, args, out)
}
