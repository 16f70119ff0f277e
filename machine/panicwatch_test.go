package machine

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// guestPanics prints two lines, the second xv6's panic, after reading the
// virtio slot's VERSION register (as a driver probing its disk does), and
// powers off.
const guestPanics = `
	.globl _start
_start:
	li t0, 0x10001004      # virtio-mmio VERSION
	lw t1, 0(t0)
	la s0, msg
1:	lbu a0, 0(s0)
	beqz a0, poweroff
	call putc
	addi s0, s0, 1
	j 1b
` + asmPutc + asmPoweroff + `
	.section .rodata
msg: .asciz "hello, panic-free line\r\npanic: virtio disk: wrong version\r\nafter\npanic: a second one\n"
`

// OnPanic hears the first line that starts with "panic", once, with what
// the board knows of its disk.
func TestOnPanicReportsTheLineAndTheDisk(t *testing.T) {
	disk := filepath.Join(t.TempDir(), "fs.img")
	require.NoError(t, os.WriteFile(disk, make([]byte, 4096), 0o644))
	tests := []struct {
		name string
		cfg  Config
		want GuestPanic
	}{
		{"no disk", Config{}, GuestPanic{Line: "panic: virtio disk: wrong version", Virtio: VirtioModern}},
		{"a legacy disk probed", Config{Disk: disk, Virtio: VirtioLegacy},
			GuestPanic{Line: "panic: virtio disk: wrong version", Disk: true, Virtio: VirtioLegacy, VersionRead: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []GuestPanic
			tc.cfg.OnPanic = func(p GuestPanic) { got = append(got, p) }
			r := boot(t, guestPanics, tc.cfg)
			require.NoError(t, r.err)
			assert.Equal(t, []GuestPanic{tc.want}, got)
			assert.Contains(t, r.out, "after\n", "the console output passes through untouched")
		})
	}
}

func TestPanicWatchLines(t *testing.T) {
	tests := []struct {
		name   string
		writes []string
		want   []string
	}{
		{"split across writes", []string{"pan", "ic: x", "y\n"}, []string{"panic: xy"}},
		{"not at the start of a line", []string{"no panic here\n"}, nil},
		{"after a carriage return", []string{"\r  panic: z\r\n"}, []string{"panic: z"}},
		{"incomplete line", []string{"panic: still printing"}, nil},
		{"only the first", []string{"panic: 1\npanic: 2\n"}, []string{"panic: 1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			var got []string
			w := &panicWatch{w: &out, report: func(l string) {
				assert.Contains(t, out.String(), l, "reported after the console has the line")
				assert.True(t, strings.HasSuffix(out.String(), "\n"), "and its end")
				got = append(got, l)
			}}
			all := ""
			for _, s := range tc.writes {
				n, err := w.Write([]byte(s))
				require.NoError(t, err)
				assert.Equal(t, len(s), n)
				all += s
			}
			assert.Equal(t, tc.want, got)
			assert.Equal(t, all, out.String())
		})
	}
}
