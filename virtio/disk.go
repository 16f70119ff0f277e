package virtio

import (
	"fmt"
	"io"
	"os"
	"sync"
)

// Disk is the backing store of a block device. Size is in bytes.
type Disk interface {
	io.ReaderAt
	io.WriterAt
	Sync() error
	Size() int64
}

// FileDisk is a Disk on a host file (a raw fs.img). Sync makes written
// sectors durable, which the device does when the guest asks for a FLUSH.
type FileDisk struct {
	*os.File
	size int64
}

// NewFileDisk wraps an open file; its size is taken once, since the guest
// sees a fixed capacity.
func NewFileDisk(f *os.File) (*FileDisk, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("virtio: disk image: %w", err)
	}
	return &FileDisk{File: f, size: st.Size()}, nil
}

// Size is the capacity in bytes.
func (d *FileDisk) Size() int64 { return d.size }

// MemDisk is a Disk in host memory, for tests and throw-away images. Writes
// past the end fail, as on a real disk.
type MemDisk struct {
	mu    sync.Mutex // tests may inspect the data from another goroutine
	data  []byte
	syncs int
}

// NewMemDisk uses data (not a copy) as the disk contents.
func NewMemDisk(data []byte) *MemDisk { return &MemDisk{data: data} }

// ReadAt implements io.ReaderAt.
func (d *MemDisk) ReadAt(p []byte, off int64) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if off < 0 || off > int64(len(d.data)) {
		return 0, io.EOF
	}
	n := copy(p, d.data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// WriteAt implements io.WriterAt.
func (d *MemDisk) WriteAt(p []byte, off int64) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if off < 0 || off+int64(len(p)) > int64(len(d.data)) {
		return 0, fmt.Errorf("virtio: write past end of %d-byte disk", len(d.data))
	}
	return copy(d.data[off:], p), nil
}

// Sync counts flushes, so tests can see that FLUSH reached the disk.
func (d *MemDisk) Sync() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.syncs++
	return nil
}

// Size is the capacity in bytes.
func (d *MemDisk) Size() int64 { return int64(len(d.data)) }

// Syncs reports how many times Sync was called.
func (d *MemDisk) Syncs() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.syncs
}

// Bytes returns the disk contents (shared, not copied).
func (d *MemDisk) Bytes() []byte { return d.data }
