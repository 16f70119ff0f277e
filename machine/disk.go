package machine

import (
	"fmt"
	"os"
)

// fileDisk is a disk image backed by a host file; guest writes go straight
// to the file, so the image keeps them after the run (like QEMU's raw
// format without snapshot).
type fileDisk struct {
	*os.File
	size int64
}

func openDisk(path string) (*fileDisk, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("disk: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("disk: %w", err)
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("disk %s: not a regular file", path)
	}
	return &fileDisk{File: f, size: st.Size()}, nil
}

// Size is the image length in bytes.
func (d *fileDisk) Size() int64 { return d.size }
