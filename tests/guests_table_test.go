package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// guestCase is one bare-metal guest program and the console transcript it
// must print on a correct board (the same on rvemu and on QEMU).
type guestCase struct {
	program string // tests/guest/<program>.S or .c (smpN: smp.S for N harts)
	harts   int
	disk    bool   // attach the virtio test disk (diskImage)
	legacy  bool   // the disk speaks virtio-mmio version 1 instead of 2
	input   string // typed on the console
	e1000   bool   // an E1000 NIC at 00:01.0 (no network behind it)
	// varying: lines starting with these prefixes carry measurements
	// (counts, times) and are compared by prefix only.
	varying []string
	// exit is the expected finisher status (0: every check passed).
	exit  int
	lines []string
}

var guestCases = []guestCase{
	{program: "selftest", harts: 1, exit: 7, lines: []string{
		"selftest: start", "FAIL check 7: got 0x1 want 0x2"}},
	{program: "rv64i", harts: 1, lines: []string{
		"rv64i: start", "rv64i: alu reg ok", "rv64i: alu imm ok", "rv64i: word ops ok",
		"rv64i: lui auipc ok", "rv64i: branches ok", "rv64i: jumps ok", "rv64i: loads ok",
		"rv64i: stores ok", "rv64i: misaligned ok", "PASS"}},
	{program: "rv64m", harts: 1, lines: []string{
		"rv64m: start", "rv64m: mul ok", "rv64m: div ok", "rv64m: word ok", "PASS"}},
	{program: "rv64a", harts: 1, lines: []string{
		"rv64a: start", "rv64a: lr/sc ok", "rv64a: amo.d ok", "rv64a: amo.w ok",
		"rv64a: misaligned ok", "PASS"}},
	{program: "rvc", harts: 1, lines: []string{
		"rvc: start", "rvc: immediates ok", "rvc: alu ok", "rvc: memory ok", "rvc: branches ok",
		"rvc: alignment ok", "rvc: ebreak ok", "rvc: reserved ok", "PASS"}},
	{program: "fp", harts: 1, lines: []string{
		"fp: start", "fp: fs ok", "fp: nan boxing ok", "fp: rounding ok", "fp: flags ok",
		"fp: fused ok", "fp: conversions ok", "fp: min/max/compare ok", "fp: sqrt/class ok",
		"fp: compressed ok", "PASS"}},
	{program: "pmp", harts: 1, lines: []string{
		"pmp: start", "pmp: registers ok", "pmp: na4 ok", "pmp: tor/napot ok",
		"pmp: page-table walk ok", "pmp: fetch ok", "pmp: locks ok", "PASS"}},
	{program: "zicsr", harts: 1, lines: []string{
		"zicsr: start", "zicsr: csr ops ok", "zicsr: fence.i ok", "PASS"}},
	{program: "csr", harts: 1, lines: []string{
		"csr: start", "csr: read-only ok", "csr: privilege ok", "csr: status views ok",
		"csr: interrupt masks ok", "csr: counters ok", "csr: warl ok", "PASS"}},
	{program: "traps", harts: 1, lines: []string{
		"traps: start", "traps: ecall ok", "traps: illegal ok", "traps: privileged ok",
		"traps: access faults ok", "traps: delegation ok", "traps: mret/sret ok", "PASS"}},
	{program: "interrupts", harts: 1, lines: []string{
		"interrupts: start", "interrupts: msip ok", "interrupts: timer ok",
		"interrupts: vectored ok", "interrupts: ssip ok", "interrupts: sstc ok",
		"interrupts: plic ok", "interrupts: priority ok", "PASS"}},
	{program: "sv39", harts: 1, lines: []string{
		"sv39: start", "sv39: translation ok", "sv39: a/d ok", "sv39: page faults ok",
		"sv39: sum/mxr ok", "sv39: user ok", "sv39: sfence ok", "sv39: split instruction ok",
		"sv39: mprv ok", "PASS"}},
	{program: "uart", harts: 1, lines: []string{
		"uart: start", "uart: lcr ok", "uart: iir ok", "uart: transmitting", "uart: lsr ok", "PASS"}},
	{program: "uart_rx", harts: 1, input: "abcXYZ", lines: []string{
		"uart_rx: ready", "uart_rx: polled abc", "uart_rx: interrupt XYZ", "PASS"}},
	{program: "virtio", harts: 1, disk: true, lines: []string{
		"virtio: start", "virtio: block device, version 2", "virtio: queue ready",
		"virtio: sector 0 says rvemu test disk", "virtio: read/write ok", "PASS"}},
	{program: "virtio_legacy", harts: 1, disk: true, legacy: true, lines: []string{
		"virtio: start", "virtio: block device, version 1", "virtio: queue ready",
		"virtio: sector 0 says rvemu test disk", "virtio: read/write ok", "PASS"}},
	{program: "pcie", harts: 1, lines: []string{
		"pcie: start", "pcie: ecam ok", "PASS"}},
	{program: "pcie_e1000", harts: 1, e1000: true,
		lines: []string{
			"pcie_e1000: start", "pcie_e1000: found 8086:100e at 00:01.0",
			"pcie_e1000: bar0 at 0x40000000", "pcie_e1000: registers ok",
			"pcie_e1000: interrupt ok", "PASS"}},
	{program: "compute_short", harts: 1,
		varying: []string{"compute: instret ", "compute: mtime ticks "},
		lines: []string{
			"compute: iterations 20", "compute: instret ", "compute: mtime ticks ",
			"compute: checksum 0xbb16a793929f6e43", "PASS"}},
	{program: "smp2", harts: 2, lines: []string{
		"smp: start", "smp: all harts counted", "smp: interrupts on every hart ok",
		"smp: plic contexts ok", "PASS"}},
	{program: "smp3", harts: 3, lines: []string{
		"smp: start", "smp: all harts counted", "smp: interrupts on every hart ok",
		"smp: plic contexts ok", "PASS"}},
	{program: "atomics3", harts: 3, lines: []string{
		"atomics: start", "atomics: counters exact", "PASS"}},
}

const (
	diskSize  = 64 << 10
	diskMagic = "rvemu test disk\n"
)

// diskImage is the disk virtio.c expects: byte o is diskByte(o), except the
// first 16 bytes, which spell diskMagic.
func diskImage() []byte {
	img := make([]byte, diskSize)
	for o := range img {
		img[o] = diskByte(o)
	}
	copy(img, diskMagic)
	return img
}

func diskByte(o int) byte { return byte((o>>9)*31 + (o&511)*7 + 3) }

// writeDisk puts a fresh test disk in dir; the guest writes sector 2.
func writeDisk(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "disk.img")
	require.NoError(t, os.WriteFile(path, diskImage(), 0o644))
	return path
}

// checkDiskAfter asserts what the virtio guest changed on the disk: sector 2
// holds 255-i, everything else is untouched.
func checkDiskAfter(t *testing.T, path string) {
	t.Helper()
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	want := diskImage()
	for i := 0; i < 512; i++ {
		want[2*512+i] = byte(255 - i)
	}
	require.Equal(t, len(want), len(got))
	require.True(t, string(want) == string(got), "disk image after the run differs from the expected one")
}

// transcript splits console output into lines (a trailing newline ends the
// last line; carriage returns are not part of the guest's output). Lines
// that start with one of the varying prefixes are cut to the prefix.
func transcript(out string, varying []string) []string {
	out = strings.TrimSuffix(out, "\n")
	if out == "" {
		return nil
	}
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		for _, p := range varying {
			if strings.HasPrefix(l, p) {
				lines[i] = p
			}
		}
	}
	return lines
}
