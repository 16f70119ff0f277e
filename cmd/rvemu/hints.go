package main

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/rvemu/rvemu/machine"
)

// hintWords says the fixes for a stuck guest in the words of one front
// end: boot's flags or QEMU's options.
type hintWords struct {
	addDisk string                          // how to attach a disk
	virtio  func(machine.VirtioMode) string // how to ask for a virtio interface
}

var bootWords = hintWords{
	addDisk: "give it one with --disk fs.img",
	virtio:  func(want machine.VirtioMode) string { return "boot with --virtio " + want.String() },
}

var qemuWords = hintWords{
	addDisk: "add -drive file=fs.img,if=none,format=raw,id=x0 -device virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0",
	virtio: func(want machine.VirtioMode) string {
		if want == machine.VirtioModern {
			return "add -global virtio-mmio.force-legacy=false"
		}
		return "leave out -global virtio-mmio.force-legacy=false"
	},
}

// virtioYears names the xv6 courses whose kernels drive each interface.
var virtioYears = map[machine.VirtioMode]string{machine.VirtioLegacy: "xv6 2019-2021", machine.VirtioModern: "xv6 2022 on"}

// File-system magic numbers in the superblock at byte 1024: MIT's xv6 and
// our own kernel's rvfs.
const (
	superblockAt = 1024
	xv6FSMagic   = 0x10203040
	rvfsMagic    = 0x72766673
)

// panicHint explains a guest panic from what the board saw, or says
// nothing (""): a kernel that looked for a disk where there is none, one
// that gave up on the virtio interface the board offers, a disk image that
// is empty or holds no file system.
func panicHint(p machine.GuestPanic, disk string, w hintWords) string {
	line := strings.ToLower(p.Line)
	switch {
	case !p.Disk && (strings.Contains(line, "virtio") || strings.Contains(line, "disk")):
		return "the kernel looked for its virtio disk and there is none: " + w.addDisk
	case p.Disk && p.VersionRead && !p.DriverOK:
		want := machine.VirtioModern
		if p.Virtio == machine.VirtioModern {
			want = machine.VirtioLegacy
		}
		return fmt.Sprintf("the kernel gave up on the %s virtio disk: it drives the %s interface (%s): %s",
			p.Virtio, want, virtioYears[want], w.virtio(want))
	case p.Disk:
		if why := diskProblem(disk); why != "" {
			return why + ": build the file system image (make fs.img) and boot with that"
		}
	}
	return ""
}

// diskProblem says what is wrong with a disk image that holds no file
// system, or "" when it looks like one.
func diskProblem(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return ""
	}
	if st.Size() == 0 {
		return fmt.Sprintf("the disk %s is empty (0 bytes)", path)
	}
	var magic [4]byte
	if _, err := f.ReadAt(magic[:], superblockAt); err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Sprintf("the disk %s is too small to hold a file system (%d bytes)", path, st.Size())
	} else if err != nil {
		return ""
	}
	switch binary.LittleEndian.Uint32(magic[:]) {
	case xv6FSMagic, rvfsMagic:
		return ""
	}
	return fmt.Sprintf("the disk %s holds no xv6 file system (no superblock at byte %d)", path, superblockAt)
}
