//go:build !race

package main

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/rvemu/rvemu/internal/rvasm"
)

// The 2019 labs' -m 3G boots, with not a word said. (One board only: a
// second large board in the same process may cost a full clear of its
// RAM, see bus/ram.go; boot's -m 3G is checked in
// TestMemoryIsMiBUnlessSuffixed. Not under the race detector, whose shadow memory for 3 GiB is neither
// small nor quick; `make test` runs the LargeRAM tests without it.)
func TestLargeRAMThreeGiB(t *testing.T) {
	kernel := rvasm.Build(t, guestPrintAndExit, rvasm.Options{})
	for _, args := range [][]string{
		{"qemu-system-riscv64", "-machine", "virt", "-bios", "none", "-kernel", kernel, "-m", "3G", "-nographic"},
	} {
		code, out, errOut := runAs(t, args[0], args[1:]...)
		assert.Equal(t, 3, code, "%v", args)
		assert.Equal(t, "k", out, "%v", args)
		assert.Empty(t, errOut, "%v", args)
	}
}
