package main

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/machine"
)

func TestPanicHint(t *testing.T) {
	dir := t.TempDir()
	image := func(name string, size int, magic uint32) string {
		p := filepath.Join(dir, name)
		b := make([]byte, size)
		if magic != 0 {
			binary.LittleEndian.PutUint32(b[superblockAt:], magic)
		}
		require.NoError(t, os.WriteFile(p, b, 0o644))
		return p
	}
	empty, small := image("empty.img", 0, 0), image("small.img", 512, 0)
	zeros, garbage := image("zeros.img", 64<<10, 0), image("garbage.img", 64<<10, 0xdeadbeef)
	xv6, rvfs := image("xv6.img", 64<<10, xv6FSMagic), image("rvfs.img", 64<<10, rvfsMagic)

	noDisk := machine.GuestPanic{Line: "panic: could not find virtio disk", Virtio: machine.VirtioLegacy}
	legacyKernel := machine.GuestPanic{Line: "panic: could not find virtio disk", Disk: true, Virtio: machine.VirtioModern, VersionRead: true}
	modernKernel := machine.GuestPanic{Line: "panic: virtio: no modern block device at slot 0", Disk: true, Virtio: machine.VirtioLegacy, VersionRead: true}
	fsPanic := machine.GuestPanic{Line: "panic: invalid file system", Disk: true, Virtio: machine.VirtioModern, VersionRead: true, DriverOK: true}
	tests := []struct {
		name       string
		p          machine.GuestPanic
		disk       string
		boot, qemu string
	}{
		{"no disk", noDisk, "",
			"the kernel looked for its virtio disk and there is none: give it one with --disk fs.img",
			"the kernel looked for its virtio disk and there is none: add -drive file=fs.img,if=none,format=raw,id=x0 -device virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0"},
		{"a 2019-2021 kernel on the modern interface", legacyKernel, xv6,
			"the kernel gave up on the modern virtio disk: it drives the legacy interface (xv6 2019-2021): boot with --virtio legacy",
			"the kernel gave up on the modern virtio disk: it drives the legacy interface (xv6 2019-2021): leave out -global virtio-mmio.force-legacy=false"},
		{"a 2022+ kernel on the legacy interface", modernKernel, xv6,
			"the kernel gave up on the legacy virtio disk: it drives the modern interface (xv6 2022 on): boot with --virtio modern",
			"the kernel gave up on the legacy virtio disk: it drives the modern interface (xv6 2022 on): add -global virtio-mmio.force-legacy=false"},
		{"an empty disk", fsPanic, empty,
			"the disk " + empty + " is empty (0 bytes): build the file system image (make fs.img) and boot with that", ""},
		{"a disk too small", fsPanic, small,
			"the disk " + small + " is too small to hold a file system (512 bytes): build the file system image (make fs.img) and boot with that", ""},
		{"an unformatted disk", fsPanic, zeros,
			"the disk " + zeros + " holds no xv6 file system (no superblock at byte 1024): build the file system image (make fs.img) and boot with that", ""},
		{"garbage", fsPanic, garbage,
			"the disk " + garbage + " holds no xv6 file system (no superblock at byte 1024): build the file system image (make fs.img) and boot with that", ""},
		{"an xv6 file system: some other panic", fsPanic, xv6, "", ""},
		{"an rvfs file system: some other panic", fsPanic, rvfs, "", ""},
		{"no disk, a panic about something else", machine.GuestPanic{Line: "panic: kerneltrap"}, "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.boot, panicHint(tc.p, tc.disk, bootWords))
			if tc.qemu == "" {
				tc.qemu = tc.boot // the disk's own problems read the same in both
			}
			assert.Equal(t, tc.qemu, panicHint(tc.p, tc.disk, qemuWords))
		})
	}
}
