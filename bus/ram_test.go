package bus

import (
	"runtime"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewRAMSizeZeroAndAlignment(t *testing.T) {
	cases := []struct {
		name    string
		size    uint64
		aligned bool // starts on a huge-page boundary (on Linux)
	}{
		{"small", 64 << 10, false},
		{"one huge page less one", hugePage - 1, false},
		{"one huge page", hugePage, true},
		{"128 MiB", 128 << 20, true},
		{"odd size", 3*hugePage + 4096, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ram := newRAM(c.size)
			require.Len(t, ram, int(c.size))
			assert.Equal(t, int(c.size), cap(ram), "appends must not reach the alignment slack")
			for _, i := range []uint64{0, c.size / 2, c.size - 1} {
				assert.Zero(t, ram[i])
			}
			if c.aligned && runtime.GOOS == "linux" {
				addr := uintptr(unsafe.Pointer(unsafe.SliceData(ram)))
				assert.Zero(t, addr%hugePage)
			}
		})
	}
}
