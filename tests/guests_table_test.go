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
	// The hashes are QEMU 7.2's (fprand.c): softfp must agree bit for bit.
	{program: "fprand", harts: 1, lines: []string{
		"fprand: start",
		"fprand: add.d 0xba75c1f944cc6503",
		"fprand: sub.d 0x1ab5f4b9bb177d9b",
		"fprand: mul.d 0xa18a949846aad905",
		"fprand: div.d 0x2014d139fab6117c",
		"fprand: sqrt.d 0x4874e4de08218e9a",
		"fprand: madd.d 0x6692518b65a31828",
		"fprand: msub.d 0x94f9343aa983f767",
		"fprand: nmadd.d 0x6c0682f65002750",
		"fprand: nmsub.d 0x2e55169df89afaa7",
		"fprand: cvt.s.d 0x86b3965f3f8a2966",
		"fprand: min.d 0x2e4920bd66bf7dce",
		"fprand: max.d 0xbe4bd6d486dea248",
		"fprand: sgnj.d 0x717a1917721a85ea",
		"fprand: sgnjn.d 0x717a1917721a85ea",
		"fprand: sgnjx.d 0x717a1917721a85ea",
		"fprand: eq.d 0x9ddfa4851bc2c144",
		"fprand: lt.d 0x1afdb8357ecb0d3d",
		"fprand: le.d 0xb6c97fe2c0702abc",
		"fprand: class.d 0xb5d983c98bb6cc00",
		"fprand: add.s 0xa39fd643d7492a0",
		"fprand: sub.s 0xff52982e1ad69123",
		"fprand: mul.s 0x3b2923a9c3ccef5",
		"fprand: div.s 0x37091935d02d0adb",
		"fprand: sqrt.s 0x2fb2b2ca2cd9157d",
		"fprand: madd.s 0x6a198d8f4e5a6b26",
		"fprand: msub.s 0x4d0878fc371761a7",
		"fprand: nmadd.s 0x66aac8c63234c532",
		"fprand: nmsub.s 0xa3bbe5f15342a8f7",
		"fprand: cvt.d.s 0x422082058cd1bcb5",
		"fprand: min.s 0x2ada48d2b95d6c1f",
		"fprand: max.s 0x2f8ab06df14ac7e4",
		"fprand: sgnj.s 0x20f1d0d579588952",
		"fprand: sgnjn.s 0xe1ed5f3e79588952",
		"fprand: sgnjx.s 0xb5c804d9f9588952",
		"fprand: eq.s 0x488d48ca1c99835c",
		"fprand: lt.s 0xcc507d298c3db454",
		"fprand: le.s 0x2fa9b23dc94a43bd",
		"fprand: class.s 0x9c74b683f39d7e00",
		"fprand: mv.x.w 0x8353d0360b4c199e",
		"fprand: cvt.w.d 0x81414d520128d3fb",
		"fprand: cvt.wu.d 0xb67e19a47e9078f",
		"fprand: cvt.l.d 0xd6e8c5e049644797",
		"fprand: cvt.lu.d 0x1ee1c97435cb2d1b",
		"fprand: cvt.w.s 0xe7cccf7def264464",
		"fprand: cvt.wu.s 0xac3ac35f9a6291bd",
		"fprand: cvt.l.s 0x657766cc82d4c354",
		"fprand: cvt.lu.s 0x1a7021bde6da802d",
		"fprand: cvt.d.w 0xd5acce609e586ba5",
		"fprand: cvt.d.wu 0x2609f16466f86ba5",
		"fprand: cvt.d.l 0x860e675f53b8c0c",
		"fprand: cvt.d.lu 0x295cd215ab21654a",
		"fprand: cvt.s.w 0x19f982db22edceef",
		"fprand: cvt.s.wu 0xb8ceabdd21810db4",
		"fprand: cvt.s.l 0xe8877db9ff01ee50",
		"fprand: cvt.s.lu 0xa96b80a13892e3f5",
		"PASS"}},
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
