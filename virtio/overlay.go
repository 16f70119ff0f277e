package virtio

import (
	"fmt"
	"io"
)

// overlayPage is the copy-on-write unit of an OverlayDisk.
const overlayPage = 4096

// OverlayDisk is a Disk whose writes stay in host memory: reads see the
// base image under whatever the guest has written since. It is QEMU's
// -snapshot: the image file is only ever read, so a run cannot change it.
type OverlayDisk struct {
	base  io.ReaderAt
	size  int64
	pages map[int64]*[overlayPage]byte // by page index; written pages only
}

// NewOverlayDisk layers an empty overlay over base, a disk of size bytes.
func NewOverlayDisk(base io.ReaderAt, size int64) *OverlayDisk {
	return &OverlayDisk{base: base, size: size, pages: map[int64]*[overlayPage]byte{}}
}

// Size is the capacity in bytes.
func (d *OverlayDisk) Size() int64 { return d.size }

// Sync has nothing to make durable: the overlay dies with the run.
func (d *OverlayDisk) Sync() error { return nil }

// DirtyPages reports how many pages the guest has written.
func (d *OverlayDisk) DirtyPages() int { return len(d.pages) }

// ReadAt implements io.ReaderAt over the overlay and the base.
func (d *OverlayDisk) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 || off > d.size {
		return 0, io.EOF
	}
	want := len(p)
	if int64(want) > d.size-off {
		p = p[:d.size-off]
	}
	done := 0
	for done < len(p) {
		pos := off + int64(done)
		idx, in := pos/overlayPage, int(pos%overlayPage)
		n := min(overlayPage-in, len(p)-done)
		if pg := d.pages[idx]; pg != nil {
			copy(p[done:done+n], pg[in:])
		} else if err := d.readBase(p[done:done+n], pos); err != nil {
			return done, err
		}
		done += n
	}
	if done < want {
		return done, io.EOF
	}
	return done, nil
}

// WriteAt implements io.WriterAt: the first write to a page copies it from
// the base, so partial-page writes keep the bytes around them.
func (d *OverlayDisk) WriteAt(p []byte, off int64) (int, error) {
	if off < 0 || off+int64(len(p)) > d.size {
		return 0, fmt.Errorf("virtio: write past end of %d-byte disk", d.size)
	}
	done := 0
	for done < len(p) {
		pos := off + int64(done)
		idx, in := pos/overlayPage, int(pos%overlayPage)
		n := min(overlayPage-in, len(p)-done)
		pg := d.pages[idx]
		if pg == nil {
			pg = new([overlayPage]byte)
			start := idx * overlayPage
			if err := d.readBase(pg[:min(overlayPage, d.size-start)], start); err != nil {
				return done, err
			}
			d.pages[idx] = pg
		}
		copy(pg[in:], p[done:done+n])
		done += n
	}
	return done, nil
}

// readBase fills p from the base image at off, all of it or an error.
func (d *OverlayDisk) readBase(p []byte, off int64) error {
	n, err := d.base.ReadAt(p, off)
	if n == len(p) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("virtio: disk image at %d: %w", off, err)
}
