package monitor

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"github.com/rvemu/rvemu/disasm"
	"github.com/rvemu/rvemu/mmu"
)

// format is a parsed "/fmt": how many units, which letter, which size.
type format struct {
	count  int
	letter byte // x d u o c i
	size   int  // 1 2 4 8; for 'i' unused
}

// parseFormat reads an optional "/[count][letters]" at the front of s, as
// QEMU does: letters o d u x i c pick the format and b h w g the unit size,
// the last of each kind winning; what is not given comes from the last
// command that said it. The format and size given are remembered (the
// size not for i, which has none).
func (m *Monitor) parseFormat(s string) (format, string, error) {
	s = strings.TrimLeft(s, " \t")
	f := format{count: 1, letter: m.lastFormat, size: m.lastSize}
	if !strings.HasPrefix(s, "/") {
		return f, s, nil
	}
	s = s[1:]
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 {
		n, err := strconv.Atoi(s[:i])
		if err != nil || n > 1<<20 {
			return f, s, usagef("invalid count in format: '%s'", s[:i])
		}
		f.count = n
	}
	letter, size := byte(0), 0
	for ; i < len(s) && s[i] != ' ' && s[i] != '\t'; i++ {
		switch c := s[i]; c {
		case 'o', 'd', 'u', 'x', 'i', 'c':
			letter = c
		case 'b':
			size = 1
		case 'h':
			size = 2
		case 'w':
			size = 4
		case 'g', 'L':
			size = 8
		default:
			return f, s, usagef("invalid char in format: '%c'", c)
		}
	}
	if letter != 0 {
		f.letter = letter
	}
	if size != 0 {
		f.size = size
	}
	if f.letter != 'i' {
		m.lastSize = f.size
	}
	m.lastFormat = f.letter
	return f, s[i:], nil
}

// maxDump bounds one x/xp: a typo like x/100000000x must not print for
// minutes.
const maxDump = 1 << 20

func (m *Monitor) dumpVirtual(c *call) error  { return m.dump(c, false) }
func (m *Monitor) dumpPhysical(c *call) error { return m.dump(c, true) }

// dump is x (virtual) and xp (physical): lines of "ADDR: v v v ...", 16
// bytes a line (8 for bytes), each line read whole or reported as
// "Cannot access memory", which ends the dump.
func (m *Monitor) dump(c *call, physical bool) error {
	f, rest, err := m.parseFormat(c.rest)
	if err != nil {
		return err
	}
	addr, err := m.wholeExpr(c, rest)
	if err != nil {
		return err
	}
	read := m.readVirtual
	if physical {
		read = m.b.ReadPhys
	}
	if f.letter == 'i' {
		m.disassemble(c, addr, f.count, read)
		return nil
	}
	length := f.size * f.count
	if length > maxDump {
		return usagef("x: at most %d bytes at a time", maxDump)
	}
	lineSize := 16
	if f.size == 1 {
		lineSize = 8
	}
	size := f.size
	if f.letter == 'c' {
		size = 1
	}
	buf := make([]byte, lineSize)
	for length > 0 {
		c.printf("%016x:", addr)
		n := min(length, lineSize)
		if !read(addr, buf[:n]) {
			c.printf(" Cannot access memory\n")
			return nil
		}
		var line strings.Builder
		for i := 0; i < n; i += size {
			line.WriteByte(' ')
			line.WriteString(formatUnit(f.letter, size, unit(buf[i:], size)))
		}
		c.printf("%s\n", line.String())
		addr += uint64(n)
		length -= n
	}
	return nil
}

// unit reads a little-endian value of size bytes.
func unit(b []byte, size int) uint64 {
	switch size {
	case 1:
		return uint64(b[0])
	case 2:
		return uint64(binary.LittleEndian.Uint16(b))
	case 4:
		return uint64(binary.LittleEndian.Uint32(b))
	}
	return binary.LittleEndian.Uint64(b)
}

// formatUnit prints one value in x's columns: hex zero-padded to the
// size, octal and decimal right-aligned to the widest value of the size.
// Like QEMU, d is signed only for 8-byte units.
func formatUnit(letter byte, size int, v uint64) string {
	bits := size * 8
	switch letter {
	case 'o':
		return fmt.Sprintf("%#*o", (bits+2)/3, v)
	case 'u':
		return fmt.Sprintf("%*d", (bits*10+32)/33, v)
	case 'd':
		if size == 8 {
			return fmt.Sprintf("%*d", (bits*10+32)/33, int64(v))
		}
		return fmt.Sprintf("%*d", (bits*10+32)/33, v)
	case 'c':
		return quoteChar(byte(v))
	}
	return fmt.Sprintf("0x%0*x", bits/4, v)
}

// quoteChar prints a byte as QEMU's monitor does: in single quotes, with
// \n \r \\ \' escaped and anything unprintable as \xNN.
func quoteChar(c byte) string {
	switch {
	case c == '\'':
		return `'\''`
	case c == '\\':
		return `'\\'`
	case c == '\n':
		return `'\n'`
	case c == '\r':
		return `'\r'`
	case c >= 32 && c <= 126:
		return "'" + string(c) + "'"
	}
	return fmt.Sprintf(`'\x%02x'`, c)
}

// disassemble prints count instructions from addr, one a line:
// "0x%016x:  ENCODING  INSTRUCTION" (QEMU's columns; the instruction in
// GNU syntax, branch targets named from the kernel's symbols).
func (m *Monitor) disassemble(c *call, addr uint64, count int, read func(uint64, []byte) bool) {
	for ; count > 0; count-- {
		var b [4]byte
		if !read(addr, b[:2]) {
			c.printf("0x%016x:  Address 0x%x is out of bounds.\n", addr, addr)
			return
		}
		lo := binary.LittleEndian.Uint16(b[:])
		size := disasm.Size(lo)
		raw := uint32(lo)
		enc := fmt.Sprintf("%04x", lo)
		if size == 4 {
			if !read(addr+2, b[2:]) {
				c.printf("0x%016x:  Address 0x%x is out of bounds.\n", addr+2, addr+2)
				return
			}
			raw = binary.LittleEndian.Uint32(b[:])
			enc = fmt.Sprintf("%08x", raw)
		}
		text := disasm.Format(raw, size, addr, m.syms)
		c.printf("0x%016x:  %-18s%s\n", addr, enc, spreadMnemonic(text))
		addr += uint64(size)
	}
}

// spreadMnemonic pads the mnemonic to 24 columns, as QEMU's RISC-V
// disassembler lays out "auipc                   sp,81920".
func spreadMnemonic(text string) string {
	op, args, ok := strings.Cut(text, " ")
	if !ok {
		return text
	}
	return fmt.Sprintf("%-24s%s", op, args)
}

// print is p /fmt expr: one value in the format's notation.
func (m *Monitor) print(c *call) error {
	f, rest, err := m.parseFormat(c.rest)
	if err != nil {
		return err
	}
	v, err := m.wholeExpr(c, rest)
	if err != nil {
		return err
	}
	switch f.letter {
	case 'o':
		c.printf("%#o\n", v)
	case 'x':
		if v == 0 {
			c.printf("0\n") // C's %#x: no 0x before a zero
		} else {
			c.printf("%#x\n", v)
		}
	case 'u':
		c.printf("%d\n", v)
	case 'c':
		c.printf("%s\n", quoteChar(byte(v)))
	default:
		c.printf("%d\n", int64(v))
	}
	return nil
}

// readVirtual reads memory at a virtual address of the current CPU, as a
// load from its current privilege would see it (QEMU's rules: U pages are
// out of S-mode's reach unless sstatus.SUM, execute-only pages unless
// MXR); A/D bits are left alone.
func (m *Monitor) readVirtual(va uint64, p []byte) bool {
	for len(p) > 0 {
		n := min(uint64(len(p)), 4096-va&4095)
		pa, ok := m.translate(va)
		if !ok || !m.b.ReadPhys(pa, p[:n]) {
			return false
		}
		p, va = p[n:], va+n
	}
	return true
}

// CSR numbers and mstatus bits the translation needs.
const (
	csrMstatus = 0x300
	csrSatp    = 0x180
	msSUM      = 1 << 18
	msMXR      = 1 << 19
)

func (m *Monitor) translate(va uint64) (uint64, bool) {
	h := m.b.Hart(m.cpu)
	st := m.b.CSR(m.cpu, csrMstatus)
	ctx := mmu.Context{Satp: m.b.CSR(m.cpu, csrSatp), Priv: h.Priv, SUM: st&msSUM != 0, MXR: st&msMXR != 0}
	pa, _, ok := mmu.Translate(physMem{m.b}, ctx, va, mmu.Load, false)
	return pa, ok
}

// physMem lets mmu walk page tables through the board's RAM reads.
type physMem struct{ b Board }

func (p physMem) Load(pa uint64, size int) (uint64, bool) {
	var buf [8]byte
	if size > 8 || !p.b.ReadPhys(pa, buf[:size]) {
		return 0, false
	}
	return binary.LittleEndian.Uint64(buf[:]), true
}

func (p physMem) Store(uint64, int, uint64) bool { return false }

func (m *Monitor) gva2gpa(c *call) error {
	va, err := m.wholeExpr(c, c.rest)
	if err != nil {
		return err
	}
	if pa, ok := m.translate(va); ok {
		c.printf("gpa: %#x\n", pa)
	} else {
		c.printf("Unmapped\n")
	}
	return nil
}
