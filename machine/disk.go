package machine

import (
	"errors"
	"fmt"
	"os"

	"github.com/rvemu/rvemu/virtio"
)

// diskImage is the block device's backing store as the board holds it: a
// virtio.Disk it can close at the end of the run.
type diskImage interface {
	virtio.Disk
	Close() error
}

// errDiskBusy is what a second rvemu on the same image gets.
var errDiskBusy = errors.New("in use by another rvemu (or another program holding a lock on it)")

// openDisk opens the block device image. Without snapshot it is opened
// read-write and guest writes go straight to the file, so the image keeps
// them after the run (QEMU's raw format). With snapshot the file is opened
// read-only and writes stay in memory (QEMU's -snapshot).
//
// The file is locked for the run: exclusively when written, shared for a
// snapshot. Two runs writing one image would interleave their file
// systems' blocks and wreck it, and a snapshot run reading an image another
// run is writing would see it change underneath.
func openDisk(path string, snapshot bool) (diskImage, error) {
	flag := os.O_RDWR
	if snapshot {
		flag = os.O_RDONLY
	}
	f, err := os.OpenFile(path, flag, 0)
	if err != nil {
		return nil, fmt.Errorf("disk: %w", err)
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("disk %s: not a regular file", path)
	}
	if err := lockImage(f, !snapshot); err != nil {
		f.Close()
		return nil, fmt.Errorf("disk %s: %w", path, err)
	}
	if snapshot {
		return &snapshotDisk{OverlayDisk: virtio.NewOverlayDisk(f, st.Size()), file: f}, nil
	}
	d, err := virtio.NewFileDisk(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return d, nil
}

// snapshotDisk is an in-memory overlay on a read-only image file.
type snapshotDisk struct {
	*virtio.OverlayDisk
	file *os.File
}

// Close drops the overlay (the guest's writes) and closes the image.
func (d *snapshotDisk) Close() error { return d.file.Close() }
