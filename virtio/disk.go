package virtio

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
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
//
// Where the host can, the file is mapped into memory (shared with the
// file, so a write lands in the host's page cache exactly as a pwrite
// would, and is as durable), and a request is a copy: xv6 writes its
// log's few blocks over and over, and a pwrite of 1 KiB cost 5-15 µs of
// kernel time on the guest's thread against tens of nanoseconds for the
// copy into an already mapped page. Without a mapping (Windows, a file
// that cannot be mapped) requests are preads and pwrites.
type FileDisk struct {
	file     *os.File
	size     int64
	mapped   []byte // the whole image, or nil
	writable bool   // mapped for writing too (the file is open read-write)
}

// NewFileDisk wraps an open file; its size is taken once, since the guest
// sees a fixed capacity. A writable mapping needs a file opened
// read-write; a read-only file is mapped for reading only.
func NewFileDisk(f *os.File) (*FileDisk, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("virtio: disk image: %w", err)
	}
	d := &FileDisk{file: f, size: st.Size()}
	d.mapped, d.writable = mapImage(f, d.size)
	return d, nil
}

// Size is the capacity in bytes.
func (d *FileDisk) Size() int64 { return d.size }

// Mapped reports whether requests are served through a memory mapping of
// the file.
func (d *FileDisk) Mapped() bool { return d.mapped != nil }

// ReadAt implements io.ReaderAt.
func (d *FileDisk) ReadAt(p []byte, off int64) (int, error) {
	if d.mapped == nil {
		return d.file.ReadAt(p, off)
	}
	if off < 0 || off > d.size {
		return 0, io.EOF
	}
	n, err := copyGuarded(p, d.mapped[off:])
	if err == nil && n < len(p) {
		err = io.EOF
	}
	return n, err
}

// WriteAt implements io.WriterAt. Writes that do not fit the mapping (past
// the capacity) go to the file as before: the device never makes them.
func (d *FileDisk) WriteAt(p []byte, off int64) (int, error) {
	if !d.writable || off < 0 || off+int64(len(p)) > d.size {
		return d.file.WriteAt(p, off)
	}
	return copyGuarded(d.mapped[off:off+int64(len(p))], p)
}

// Sync writes the mapped pages back and makes the file durable.
func (d *FileDisk) Sync() error {
	if d.writable {
		if err := syncImage(d.mapped); err != nil {
			return fmt.Errorf("virtio: disk image: %w", err)
		}
	}
	return d.file.Sync()
}

// Close unmaps the image and closes the file. Pages written through the
// mapping stay in the host's page cache and reach the file as a pwrite's
// would.
func (d *FileDisk) Close() error {
	d.unmap()
	return d.file.Close()
}

// unmap drops the mapping: requests then read and write the file.
func (d *FileDisk) unmap() {
	if d.mapped != nil {
		unmapImage(d.mapped)
		d.mapped, d.writable = nil, false
	}
}

// copyGuarded copies between guest RAM and the mapped image. A mapped page
// past the end of the file faults: another program shrank the image while
// it was mapped. That fault becomes an error here (the request fails with
// IOERR) instead of ending rvemu. The copy is the only thing here that can
// fault, so any runtime error is that fault: the runtime reports a SIGBUS
// without an address (as under qemu-user) as a nil dereference.
func copyGuarded(dst, src []byte) (n int, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(runtime.Error); !ok {
				panic(r)
			}
			n, err = 0, fmt.Errorf("virtio: disk image: %v: the file shrank while mapped", r)
		}
	}()
	return copy(dst, src), nil
}

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
