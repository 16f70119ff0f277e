package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A guest that cannot get on says why, in one line, in the words of the
// front end that started it: our kernel without its disk, on the other
// virtio interface, on an empty or an unformatted disk, and a file that is
// not a kernel at all (refused by boot, a trap storm on the QEMU front end,
// which keeps QEMU's raw -kernel).
func TestStuckGuestSaysWhy(t *testing.T) {
	build := xv6Build(t)
	rvemu := buildRvemu(t)
	kernel := filepath.Join(build, "kernel.img")
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.img")
	require.NoError(t, os.WriteFile(empty, nil, 0o644))
	garbage := filepath.Join(dir, "garbage.img")
	require.NoError(t, os.WriteFile(garbage, []byte(strings.Repeat("not a file system\n", 4096)), 0o644))
	notes := filepath.Join(dir, "notes.txt")
	require.NoError(t, os.WriteFile(notes, []byte("meeting notes: bring the kernel\n"), 0o644))
	drive := func(img string) []string {
		return []string{"-drive", "file=" + img + ",if=none,format=raw,id=x0", "-device", "virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0"}
	}
	qemu := func(args ...string) []string {
		return append([]string{"qemu", "-machine", "virt", "-bios", "none", "-m", "128M", "-smp", "3", "-nographic"}, args...)
	}
	tests := []struct {
		name string
		args []string
		want string // the line on stderr
	}{
		{"boot without --disk", []string{"boot", kernel},
			"rvemu: hint: the kernel looked for its virtio disk and there is none: give it one with --disk fs.img\n"},
		{"qemu without -drive", qemu("-kernel", kernel, "-global", "virtio-mmio.force-legacy=false"),
			"rvemu: hint: the kernel looked for its virtio disk and there is none: add -drive file=fs.img,if=none,format=raw,id=x0 -device virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0\n"},
		{"boot --virtio legacy", []string{"boot", kernel, "--disk", copyImage(t, build), "--virtio", "legacy"},
			"rvemu: hint: the kernel gave up on the legacy virtio disk: it drives the modern interface (xv6 2022 on): boot with --virtio modern\n"},
		{"qemu without force-legacy=false", qemu(append([]string{"-kernel", kernel}, drive(copyImage(t, build))...)...),
			"rvemu: hint: the kernel gave up on the legacy virtio disk: it drives the modern interface (xv6 2022 on): add -global virtio-mmio.force-legacy=false\n"},
		{"an empty disk", []string{"boot", kernel, "--disk", empty},
			"rvemu: hint: the disk " + empty + " is empty (0 bytes): build the file system image (make fs.img) and boot with that\n"},
		{"an unformatted disk", []string{"boot", kernel, "--disk", garbage},
			"rvemu: hint: the disk " + garbage + " holds no xv6 file system (no superblock at byte 1024): build the file system image (make fs.img) and boot with that\n"},
		// Every hart is stuck the same way; the first to find out says so.
		{"a text file as -kernel", qemu("-kernel", notes),
			" is stuck: instruction access fault at pc 0x0 (tval 0x0), 131072 times in a row\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stderr := newConsoleLog()
			c := startConsole(t, exec.Command(rvemu, tc.args...), stderr)
			if !stderr.waitFor(tc.want, 0, 60*time.Second) {
				t.Fatalf("no line %q; stderr:\n%s\nconsole:\n%s", tc.want, stderr.String(), c.output())
			}
			c.stop()
			assert.Equal(t, 1, strings.Count(stderr.String(), tc.want), "said once:\n%s", stderr.String())
			assert.LessOrEqual(t, strings.Count(stderr.String(), "\n"), 2, "a device's own report at most besides:\n%s", stderr.String())
		})
	}

	// boot refuses the text file outright.
	out, err := exec.Command(rvemu, "boot", notes).CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit)
	assert.Equal(t, 2, exit.ExitCode())
	assert.Equal(t, "rvemu: boot: "+notes+` is not an ELF executable (it starts "meeting notes: b"): boot an xv6 kernel such as kernel/kernel, or give --raw for a raw image`+"\n", string(out))
}
