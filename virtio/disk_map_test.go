//go:build unix

package virtio

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/bus"
)

// imageFile writes an image of n bytes of pattern and opens it with flag.
func imageFile(t testing.TB, n int, flag int) (*os.File, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fs.img")
	require.NoError(t, os.WriteFile(path, pattern(n, 3), 0o644))
	f, err := os.OpenFile(path, flag, 0)
	require.NoError(t, err)
	return f, path
}

func TestFileDiskMapsWhatItCan(t *testing.T) {
	for _, tc := range []struct {
		name                string
		size                int
		flag                int
		mapped, writeMapped bool
	}{
		{"read-write image", 8 * 512, os.O_RDWR, true, true},
		{"read-only image", 8 * 512, os.O_RDONLY, true, false},
		{"size not a whole page", 3 * 512, os.O_RDWR, true, true},
		{"empty image", 0, os.O_RDWR, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, _ := imageFile(t, tc.size, tc.flag)
			d, err := NewFileDisk(f)
			require.NoError(t, err)
			defer d.Close()
			assert.Equal(t, tc.mapped, d.Mapped())
			assert.Equal(t, tc.writeMapped, d.writable)
			assert.Equal(t, int64(tc.size), d.Size())
		})
	}
}

// The mapped disk and the plain file behave alike, and what the guest
// wrote is in the file, seen by other readers, before and after Close.
func TestFileDiskReadWrite(t *testing.T) {
	const size = 16 * 512
	for _, mapped := range []bool{true, false} {
		name := map[bool]string{true: "mapped", false: "pread/pwrite"}[mapped]
		t.Run(name, func(t *testing.T) {
			f, path := imageFile(t, size, os.O_RDWR)
			d, err := NewFileDisk(f)
			require.NoError(t, err)
			if !mapped {
				d.unmap()
			}
			require.Equal(t, mapped, d.Mapped())
			want := pattern(size, 3)

			for _, tc := range []struct {
				name    string
				off     int64
				n       int
				wantN   int
				wantEOF bool
			}{
				{"first sector", 0, 512, 512, false},
				{"a 1 KiB block", 5 * 512, 1024, 1024, false},
				{"the last sector", size - 512, 512, 512, false},
				{"across the end", size - 512, 1024, 512, true},
				{"at the end", size, 512, 0, true},
				{"past the end", size + 512, 512, 0, true},
			} {
				t.Run("read "+tc.name, func(t *testing.T) {
					p := make([]byte, tc.n)
					n, err := d.ReadAt(p, tc.off)
					assert.Equal(t, tc.wantN, n)
					if tc.wantEOF {
						assert.ErrorIs(t, err, io.EOF)
					} else {
						require.NoError(t, err)
					}
					if tc.wantN > 0 {
						assert.Equal(t, want[tc.off:tc.off+int64(n)], p[:n])
					}
				})
			}

			for _, w := range []struct {
				off  int64
				data []byte
			}{{0, pattern(512, 0x40)}, {7 * 512, pattern(1024, 0x80)}, {size - 512, pattern(512, 0xc0)}} {
				n, err := d.WriteAt(w.data, w.off)
				require.NoError(t, err)
				require.Equal(t, len(w.data), n)
				copy(want[w.off:], w.data)
			}
			got := make([]byte, size)
			_, err = d.ReadAt(got, 0)
			require.NoError(t, err)
			assert.Equal(t, want, got, "read back through the disk")

			other, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, want, other, "the file, read by another opener while the disk is open")

			require.NoError(t, d.Sync())
			require.NoError(t, d.Close())
			assert.False(t, d.Mapped())
			other, err = os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, want, other, "the file after Close")
		})
	}
}

func TestReadOnlyMappedDiskRefusesWrites(t *testing.T) {
	f, path := imageFile(t, 4*512, os.O_RDONLY)
	d, err := NewFileDisk(f)
	require.NoError(t, err)
	defer d.Close()
	require.True(t, d.Mapped())
	_, err = d.WriteAt(pattern(512, 9), 0)
	assert.Error(t, err)
	onDisk, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, pattern(4*512, 3), onDisk, "the image is unchanged")
}

// Another program shrinking the image under the mapping makes the pages
// past its new end fault: the request fails with IOERR and rvemu lives.
func TestShrunkImageFailsTheRequest(t *testing.T) {
	const size = 4 * 4096
	f, path := imageFile(t, size, os.O_RDWR)
	disk, err := NewFileDisk(f)
	require.NoError(t, err)
	defer disk.Close()
	require.True(t, disk.Mapped())
	require.NoError(t, os.Truncate(path, 4096))

	for _, tc := range []struct {
		name   string
		typ    uint32
		sector uint64
		want   byte
	}{
		{"read inside what is left", reqIn, 0, statusOK},
		{"write inside what is left", reqOut, 1, statusOK},
		{"read past the new end", reqIn, 3 * 8, statusIOErr},
		{"write past the new end", reqOut, 2 * 8, statusIOErr},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := bus.New(ramBase, ramSize)
			r := &rig{t: t, bus: b, irq: &wire{}}
			r.dev = NewBlock(b, r.irq, disk, false)
			r.dev.log.printf = func(string, ...any) {}
			r.setup(8)
			_, st := r.request(tc.typ, tc.sector, bufBase, 512)
			r.notify()
			assert.Equal(t, tc.want, r.status(st))
		})
	}
}

// BenchmarkFileDiskWrite1K: one xv6 block written over the log's few
// blocks again and again (what the fs lab's bigfile does most), through
// the mapping and through pwrite.
func BenchmarkFileDiskWrite1K(b *testing.B) {
	for _, mapped := range []bool{true, false} {
		b.Run(map[bool]string{true: "mapped", false: "pwrite"}[mapped], func(b *testing.B) {
			f, _ := imageFile(b, 64*1024, os.O_RDWR)
			d, err := NewFileDisk(f)
			require.NoError(b, err)
			defer d.Close()
			if !mapped {
				d.unmap()
			}
			block := pattern(1024, 1)
			b.SetBytes(1024)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := d.WriteAt(block, int64(i%30)*1024); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
