package machine

import (
	"fmt"
	"os"

	"github.com/rvemu/rvemu/virtio"
)

// openDisk opens the block device image read-write: guest writes go
// straight to the file, so the image keeps them after the run (QEMU's raw
// format without snapshot).
func openDisk(path string) (*virtio.FileDisk, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("disk: %w", err)
	}
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("disk %s: not a regular file", path)
	}
	d, err := virtio.NewFileDisk(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return d, nil
}
