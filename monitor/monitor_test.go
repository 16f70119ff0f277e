package monitor

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The expected texts of these tests are what QEMU 7.2's monitor printed
// for the same bytes (our kernel's first 32 bytes at 0x80000000) and the
// same command lines, typed in sequence where the sequence matters (x and
// p remember the last format and size).
func TestCommandsAnswerAsQEMU(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  string
	}{
		{"words", []string{"x /4xw 0x80000000"},
			"0000000080000000: 0x00014117 0xf0010113 0xf14022f3 0x02b20285\n"},
		{"bytes", []string{"x /8xb 0x80000000"},
			"0000000080000000: 0x17 0x41 0x01 0x00 0x13 0x01 0x01 0xf0\n"},
		{"giants", []string{"x /2xg 0x80000000"},
			"0000000080000000: 0xf001011300014117 0x02b20285f14022f3\n"},
		{"decimal words are unsigned", []string{"x /3dw 0x80000000"},
			"0000000080000000:      82199 4026597651 4047512307\n"},
		{"decimal giants are signed", []string{"x /dg 0x80000000"},
			"0000000080000000: -1152638848514047721\n"},
		{"decimal bytes", []string{"x /4db 0x80000004"},
			"0000000080000004:  19   1   1 240\n"},
		{"decimal halves", []string{"x /2dh 0x80000006"},
			"0000000080000006: 61441  8947\n"},
		{"unsigned halves", []string{"x /3uh 0x80000000"},
			"0000000080000000: 16663     1   275\n"},
		{"unsigned giants", []string{"x /2ug 0x80000000"},
			"0000000080000000: 17294105225195503895   194220508231770867\n"},
		{"octal words", []string{"x /3ow 0x80000000"},
			"0000000080000000:     0240427 036000200423 036120021363\n"},
		{"octal giants", []string{"x /2og 0x80000000"},
			"0000000080000000: 01700010021140000240427  012620050276120021363\n"},
		{"chars of bytes, 8 a line", []string{"x /20cb 0x80000000"},
			"0000000080000000: '\\x17' 'A' '\\x01' '\\x00' '\\x13' '\\x01' '\\x01' '\\xf0'\n" +
				"0000000080000008: '\\xf3' '\"' '@' '\\xf1' '\\x85' '\\x02' '\\xb2' '\\x02'\n" +
				"0000000080000010: '\\x16' '\\x91' '\\x97' ' '\n"},
		{"chars count whole units of the last size", []string{"x /2xg 0x80000000", "x /3c 0x80000000"},
			"0000000080000000: 0xf001011300014117 0x02b20285f14022f3\n" +
				"0000000080000000: '\\x17' 'A' '\\x01' '\\x00' '\\x13' '\\x01' '\\x01' '\\xf0' '\\xf3' '\"' '@' '\\xf1' '\\x85' '\\x02' '\\xb2' '\\x02'\n" +
				"0000000080000010: '\\x16' '\\x91' '\\x97' ' ' '\\x00' '\\x00' '\\xe7' '\\x80'\n"},
		{"no format: the last one, count 1", []string{"x /b 0x80000000", "x /d 0x80000004", "x 0x80000000"},
			"0000000080000000: 0x17\n0000000080000004:  19\n0000000080000000:  23\n"},
		{"default is one hex word", []string{"x 0x80000000"},
			"0000000080000000: 0x00014117\n"},
		{"the size sticks, count does not", []string{"x /h 0x80000000", "xp/x 0x80000000"},
			"0000000080000000: 0x4117\n0000000080000000: 0x4117\n"},
		{"count 0 prints nothing", []string{"x /0x 0x80000000"}, ""},
		{"expressions", []string{"x /2x (0x80000000+4)", "x /2x 0x80000000+2*2"},
			"0000000080000004: 0xf0010113 0xf14022f3\n0000000080000004: 0xf0010113 0xf14022f3\n"},
		{"octal and decimal constants", []string{"p 010", "p 10", "p 0x10", "p 0"}, "0x8\n0xa\n0x10\n0\n"},
		{"print formats", []string{"p /x 300", "p /c 65", "p /o 8", "p /u -1", "p /d -1", "p /xb 300", "p /i 300", "p 300"},
			"0x12c\n'A'\n010\n18446744073709551615\n-1\n0x12c\n300\n300\n"},
		{"arithmetic", []string{"p /d 7/2", "p /d 7%3", "p /d -7/2", "p /x ~0", "p /x 0xf0|0x0f^0xff", "p /d 'a'"}, // &, |, ^: one level, left to right
			"3\n1\n-3\n0xffffffffffffffff\n0\n97\n"},
		{"a line that crosses the end of RAM", []string{"xp /3xg 0x800ffff8"},
			"00000000800ffff8: Cannot access memory\n"},
		{"nothing there", []string{"x /2x 0x0", "xp /2x 0x90000000"},
			"0000000000000000: Cannot access memory\n0000000090000000: Cannot access memory\n"},
		{"unknown command", []string{"bogus"}, "unknown command: 'bogus'\n"},
		{"unknown info", []string{"info foo"}, "unknown command: 'info foo'\n"},
		{"case matters", []string{"INFO status", "info STATUS"}, "unknown command: 'INFO'\nunknown command: 'info STATUS'\n"},
		{"no address", []string{"x /4x", "xp"},
			"unexpected end of expression\nTry \"help x\" for more information\n" +
				"unexpected end of expression\nTry \"help xp\" for more information\n"},
		{"bad format letter", []string{"x /4q 0x80000000"},
			"invalid char in format: 'q'\nTry \"help x\" for more information\n"},
		{"negative count", []string{"x /-2x 0x80000000"},
			"invalid char in format: '-'\nTry \"help x\" for more information\n"},
		{"trailing words", []string{"x /2x 0x80000000 5", "stop extra", "info mem extra", "info cpus extra"},
			"x: extraneous characters at the end of line\nTry \"help x\" for more information\n" +
				"stop|s: extraneous characters at the end of line\nTry \"help stop\" for more information\n" +
				"mem: extraneous characters at the end of line\nTry \"help info mem\" for more information\n" +
				"cpus: extraneous characters at the end of line\nTry \"help info cpus\" for more information\n"},
		{"08 is octal 0 and a stray 8", []string{"x /2x 08"},
			"x: extraneous characters at the end of line\nTry \"help x\" for more information\n"},
		{"expression errors", []string{"x (1", "x 1/0", "x 0x1ffffffffffffffff", "x $", "x 0x80000000+", "x #"},
			"')' expected\nTry \"help x\" for more information\n" +
				"division by zero\nTry \"help x\" for more information\n" +
				"number too large\nTry \"help x\" for more information\n" +
				"unknown register\nTry \"help x\" for more information\n" +
				"unexpected end of expression\nTry \"help x\" for more information\n" +
				"invalid char '#' in expression\nTry \"help x\" for more information\n"},
		{"cpu selects", []string{"cpu 1", "info cpus"},
			"  CPU #0: pc=0x0000000080000000 mode=M\n* CPU #1: pc=0x0000000080000004 mode=M\n"},
		{"cpu out of range", []string{"cpu 7", "cpu", "cpu abc", "cpu -1"},
			"invalid CPU index\n" +
				"unexpected end of expression\nTry \"help cpu\" for more information\n" +
				"invalid char 'a' in expression\nTry \"help cpu\" for more information\n" +
				"'cpu' has failed: integer is for 32-bit values\nTry \"help cpu\" for more information\n"},
		{"registers of a missing CPU", []string{"info registers 5"}, "CPU#5 not available\n"},
		{"empty line", []string{"", "   "}, ""},
		{"help of one command", []string{"help x", "help info mem", "help bogus", "help info bogus"},
			"x /fmt addr -- dump memory at a virtual address (current CPU's page table)\n" +
				"info mem  -- list the current CPU's virtual memory mappings (satp's Sv39 table)\n" +
				"unknown command: 'bogus'\nunknown command: 'info bogus'\n"},
		{"gva2gpa without paging", []string{"gva2gpa 0x80000123"}, "gpa: 0x80000123\n"},
		{"status", []string{"info status", "stop", "info status", "cont", "info status"},
			"VM status: running\nVM status: paused\nVM status: running\n"},
		{"no paging: nothing to list", []string{"info mem", "info tlb"},
			"No translation or protection\nNo translation or protection\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := New(newFakeBoard(2), nil)
			assert.Equal(t, tt.want, exec(m, tt.lines...))
		})
	}
}

func TestRegisters(t *testing.T) {
	b := newFakeBoard(2)
	b.csrs[1][0x180] = 0x8000_0000_0008_7fff
	b.csrs[1][0x300] = 0xa_0000_00a0
	m := New(b, nil)
	out := exec(m, "cpu 1", "info registers")
	lines := strings.Split(out, "\n")
	assert.Equal(t, []string{
		"",
		"CPU#1",
		" pc       0000000080000004",
		" mhartid  0000000000000001",
		" mstatus  0000000a000000a0",
		" mip      0000000000000000",
	}, lines[:6])
	assert.Contains(t, out, "\n satp     8000000000087fff\n")
	assert.Contains(t, out, "\n x0/zero  0000000000000000 x1/ra    0000000000000101 x2/sp    0000000000000102 x3/gp    0000000000000103\n")
	assert.Contains(t, out, "\n x28/t3   000000000000011c x29/t4   000000000000011d x30/t5   000000000000011e x31/t6   000000000000011f\n")
	assert.NotContains(t, out, "f0/ft0", "no FPU: no f registers")

	b.harts[1].FPU = true
	b.harts[1].F[10] = 0xffff_ffff_3f80_0000
	out = exec(m, "info registers")
	assert.Contains(t, out, " f8/fs0   0000000000000000 f9/fs1   0000000000000000 f10/fa0  ffffffff3f800000 f11/fa1  0000000000000000\n")

	all := exec(m, "info registers -a")
	assert.Equal(t, 2, strings.Count(all, "\nCPU#"))
	assert.Contains(t, all, "\nCPU#0\n pc       0000000080000000\n")
}

func TestRegisterExpressions(t *testing.T) {
	b := newFakeBoard(2)
	b.csrs[0][0x180] = 0x8000_0000_0008_7fff
	b.harts[0].F[1] = 42
	m := New(b, nil)
	assert.Equal(t, "0x80000000\n0xa\n0xa\n0x8\n0x8000000000087fff\n0xf\n",
		exec(m, "p $pc", "p $a0", "p $x10", "p $s0", "p $satp", "p $T6-$t6+15"))
	assert.Equal(t, "unknown register\nTry \"help p\" for more information\n", exec(m, "p $fa1"), "no FPU")
	b.harts[0].FPU = true
	assert.Equal(t, "0x2a\n", exec(m, "p $ft1"))
	assert.Equal(t, "0000000080000000: 0x00014117\n", exec(m, "x /x $pc"))
}

func TestRunState(t *testing.T) {
	b := newFakeBoard(1)
	m := New(b, nil)
	assert.Equal(t, "", exec(m, "stop", "s", "cont", "c", "system_reset", "quit"))
	assert.Equal(t, []string{"stop", "stop", "cont", "cont", "reset", "quit"}, b.calls)

	b.contErr = errHeld
	assert.Equal(t, errHeld.Error()+"\n", exec(m, "cont"))
	b.calls = nil
	exec(m, "q")
	assert.Equal(t, []string{"quit"}, b.calls)
}

func TestHelpListsEveryCommand(t *testing.T) {
	m := New(newFakeBoard(1), nil)
	out := exec(m, "help")
	for _, c := range commands {
		assert.Contains(t, out, c.names+" "+c.args+" -- ")
	}
	info := exec(m, "info")
	assert.Equal(t, info, exec(m, "help info"))
	for _, c := range infoCommands {
		assert.Contains(t, info, "info "+c.names+" "+c.args+" -- ")
	}
	assert.Equal(t, exec(m, "help"), exec(m, "?"))
}

func TestPCIAndNetwork(t *testing.T) {
	b := newFakeBoard(1)
	b.pci = []PCIFunction{
		{VendorID: 0x1b36, DeviceID: 0x0008, SubsystemVendorID: 0x1af4, SubsystemID: 0x1100, Class: 0x060000},
		{Slot: 1, VendorID: 0x8086, DeviceID: 0x100e, SubsystemVendorID: 0x1af4, SubsystemID: 0x1100, Class: 0x020000,
			InterruptPin: 1, BARs: []PCIBAR{
				{Index: 0, Addr: 0x4000_0000, Size: 128 << 10},
				{Index: 1, IO: true, Addr: 0, Size: 64},
				{Index: 2, Bits64: true, Addr: PCIUnmapped, Size: 0x40000},
			}},
	}
	b.nics = []NIC{{Name: "e1000.0", Model: "e1000", MAC: [6]byte{0x52, 0x54, 0, 0x12, 0x34, 0x56},
		BackendID: "net0", Backend: "type=user,net=10.0.2.0,restrict=off"}}
	m := New(b, nil)
	// QEMU 7.2 printed these lines for the same devices (its E1000 has
	// an option ROM where ours has none).
	assert.Equal(t, `  Bus  0, device   0, function 0:
    Host bridge: PCI device 1b36:0008
      PCI subsystem 1af4:1100
      id ""
  Bus  0, device   1, function 0:
    Ethernet controller: PCI device 8086:100e
      PCI subsystem 1af4:1100
      IRQ 0, pin A
      BAR0: 32 bit memory at 0x40000000 [0x4001ffff].
      BAR1: I/O at 0x0000 [0x003f].
      BAR2: 64 bit memory at 0xffffffffffffffff [0x0003fffe].
      id ""
`, exec(m, "info pci"))
	assert.Equal(t, "e1000.0: index=0,type=nic,model=e1000,macaddr=52:54:00:12:34:56\n \\ net0: index=0,type=user,net=10.0.2.0,restrict=off\n",
		exec(m, "info network"))
}

// pagedBoard has hart 0 in S-mode on an Sv39 table with the cases info
// mem's merging rules tell apart.
func pagedBoard() *fakeBoard {
	const (
		root                   = 0x8001_0000
		l1                     = 0x8001_1000
		l0a                    = 0x8001_2000 // VA 0x00_0000-0x1f_ffff
		l0b                    = 0x8001_3000 // VA 0x20_0000-0x3f_ffff
		V, R, W, X, U, G, A, D = 1, 2, 4, 8, 16, 32, 64, 128
	)
	b := newFakeBoard(1)
	pte := func(pa, flags uint64) uint64 { return pa>>12<<10 | flags }
	b.put64(root+0*8, pte(l1, V))
	b.put64(root+2*8, pte(0x8000_0000, V|R|W|X|G|A|D))
	b.put64(root+511*8, pte(0xc000_0000, V|R))
	b.put64(l1+0*8, pte(l0a, V))
	b.put64(l1+1*8, pte(l0b, V))
	b.put64(l1+2*8, pte(0x8020_0000, V|R|X))
	b.put64(l1+3*8, pte(0x8040_0000, V|R|X))
	for i := uint64(0); i < 3; i++ { // three pages, both sides contiguous: one range
		b.put64(l0a+i*8, pte(0x8002_0000+i*0x1000, V|R|W|U|A))
	}
	b.put64(l0a+3*8, pte(0x8003_0000, V|R|W|U|A)) // physical gap
	b.put64(l0a+5*8, pte(0x8003_1000, V|R|W|U|A)) // virtual gap
	b.put64(l0a+6*8, pte(0x8003_2000, V|R|U|A))   // other permissions
	b.put64(l0a+511*8, pte(0x8010_0000, V|R|W|U|A))
	b.put64(l0b+0*8, pte(0x8010_1000, V|R|W|U|A)) // contiguous, but another table page
	b.put64(0x8002_1000, 0x1122_3344)
	b.harts[0].Priv = 1
	b.csrs[0][0x180] = 8<<60 | root>>12
	return b
}

func TestInfoMem(t *testing.T) {
	m := New(pagedBoard(), nil)
	assert.Equal(t, `vaddr            paddr            size             attr
---------------- ---------------- ---------------- -------
0000000000000000 0000000080020000 0000000000003000 rw-u-a-
0000000000003000 0000000080030000 0000000000001000 rw-u-a-
0000000000005000 0000000080031000 0000000000001000 rw-u-a-
0000000000006000 0000000080032000 0000000000001000 r--u-a-
00000000001ff000 0000000080100000 0000000000001000 rw-u-a-
0000000000200000 0000000080101000 0000000000001000 rw-u-a-
0000000000400000 0000000080200000 0000000000400000 r-x----
0000000080000000 0000000080000000 0000000040000000 rwx-gad
ffffffffc0000000 00000000c0000000 0000000040000000 r------
`, exec(m, "info mem"))
}

func TestInfoTLB(t *testing.T) {
	m := New(pagedBoard(), nil)
	out := exec(m, "info tlb")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	assert.Len(t, lines, 12)
	assert.Equal(t, "0000000000000000: 0000000080020000 4K rw-u-a-", lines[0])
	assert.Equal(t, "0000000000400000: 0000000080200000 2M r-x----", lines[8])
	assert.Equal(t, "ffffffffc0000000: 00000000c0000000 1G r------", lines[11])
}

// x reads through the current CPU's table with the rights of a load from
// its privilege: S-mode reaches U pages only with sstatus.SUM.
func TestVirtualReads(t *testing.T) {
	b := pagedBoard()
	m := New(b, nil)
	assert.Equal(t, "0000000000001000: Cannot access memory\nUnmapped\n", exec(m, "x /x 0x1000", "gva2gpa 0x1234"))
	b.csrs[0][0x300] = 1 << 18 // SUM
	assert.Equal(t, "0000000000001000: 0x11223344\ngpa: 0x80021234\n", exec(m, "x /x 0x1000", "gva2gpa 0x1234"))
	assert.Equal(t, "0000000000004000: Cannot access memory\n", exec(m, "x /x 0x4000"))
	b.harts[0].Priv = 3 // M-mode: no translation
	assert.Equal(t, "0000000080021000: 0x11223344\n", exec(m, "x /x 0x80021000"))
	assert.Contains(t, exec(m, "info mem"), "rwx-gad", "info mem shows satp's table whatever the mode")
}

// A table can map millions of pages; the listings stop at maxMapLines
// with a note instead of flooding the console. (mmu.Walk's own bound on
// table visits is tested in package mmu.)
func TestMapListingsBounded(t *testing.T) {
	b := newFakeBoard(1)
	const root, l1, l0 = 0x8001_0000, 0x8001_1000, 0x8001_2000
	b.put64(root, l1>>12<<10|1)
	tables := maxMapLines/512 + 1
	for i := 0; i < tables; i++ {
		table := uint64(l0 + i*4096)
		b.put64(l1+uint64(i)*8, table>>12<<10|1)
		for j := uint64(0); j < 512; j++ {
			b.put64(table+j*8, (0x8000_0000+j*4096)>>12<<10|0x3|j%2<<6) // A on every other page
		}
	}
	b.csrs[0][0x180] = 8<<60 | root>>12
	m := New(b, nil)
	for _, cmd := range []string{"info mem", "info tlb"} {
		out := exec(m, cmd)
		assert.True(t, strings.HasSuffix(out, fmt.Sprintf("\n(stopped after %d lines: the table maps too much to list)\n", maxMapLines)), cmd)
	}
}

func TestDisassembly(t *testing.T) {
	m := New(newFakeBoard(1), nil)
	out := exec(m, "x /3i 0x80000000")
	lines := strings.Split(out, "\n")
	assert.Len(t, lines, 4)
	assert.Regexp(t, `^0x0000000080000000:  00014117          auipc {19}sp,0x14`, lines[0])
	assert.Regexp(t, `^0x0000000080000004:  f0010113          addi {20}sp,sp,-256$`, lines[1])
	assert.Regexp(t, `^0x000000008000000c:  0285              addi {20}t0,t0,1$`, strings.TrimSpace(exec(m, "x /i 0x8000000c")))
	assert.Equal(t, "0x0000000000000000:  Address 0x0 is out of bounds.\n", exec(m, "x /2i 0"))
}
