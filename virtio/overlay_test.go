package virtio

import (
	"bytes"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The overlay reads through to the base until a byte is written, keeps
// every write for later reads, and never writes the base.
func TestOverlayDisk(t *testing.T) {
	const size = 3*overlayPage + 512 // a short last page
	base := pattern(size, 7)
	orig := bytes.Clone(base)
	d := NewOverlayDisk(bytes.NewReader(base), size)
	model := bytes.Clone(base)

	writes := []struct {
		name string
		off  int64
		n    int
	}{
		{"one sector", 512, 512},
		{"across a page boundary", overlayPage - 100, 300},
		{"a whole page", 2 * overlayPage, overlayPage},
		{"the short last page", 3 * overlayPage, 512},
		{"rewrite", 600, 10},
	}
	for i, w := range writes {
		t.Run(w.name, func(t *testing.T) {
			p := pattern(w.n, byte(100+i))
			n, err := d.WriteAt(p, w.off)
			require.NoError(t, err)
			assert.Equal(t, w.n, n)
			copy(model[w.off:], p)

			got := make([]byte, size)
			n, err = d.ReadAt(got, 0)
			require.NoError(t, err)
			assert.Equal(t, size, n)
			assert.Equal(t, model, got)
		})
	}
	assert.Equal(t, orig, base, "base untouched")
	assert.Equal(t, 4, d.DirtyPages())
	assert.NoError(t, d.Sync())

	_, err := d.WriteAt([]byte{1}, size)
	assert.Error(t, err, "past the end")
	tail := make([]byte, 10)
	n, err := d.ReadAt(tail, size-4)
	assert.Equal(t, 4, n)
	assert.ErrorIs(t, err, io.EOF)
}
