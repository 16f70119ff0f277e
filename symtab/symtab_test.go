package symtab

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/internal/rvasm"
)

func testTable() *Table {
	return New([]Symbol{
		{Name: "memset", Addr: 0x8000_0100, Size: 0x40, Func: true},
		{Name: "_entry", Addr: 0x8000_0000},
		{Name: "main", Addr: 0x8000_0200, Size: 0x80, Func: true},
		{Name: "main_label", Addr: 0x8000_0200},
	})
}

func TestDescribe(t *testing.T) {
	tab := testTable()
	cases := []struct {
		addr uint64
		want string
	}{
		{0x8000_0000, "_entry"},
		{0x8000_0010, "_entry+0x10"}, // unsized: reaches the next symbol
		{0x8000_0104, "memset+0x4"},
		{0x8000_0140, ""}, // past memset's size
		{0x8000_0200, "main"},
		{0x8000_027e, "main+0x7e"},
		{0x7fff_fffe, ""},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, tab.Describe(c.addr), "%#x", c.addr)
	}
	var empty *Table
	assert.Equal(t, "", empty.Describe(0x8000_0000))
}

func TestParseRange(t *testing.T) {
	tab := testTable()
	cases := []struct {
		spec   string
		lo, hi uint64
		err    string
	}{
		{spec: "0x80000000-0x80000100", lo: 0x8000_0000, hi: 0x8000_0100},
		{spec: "memset", lo: 0x8000_0100, hi: 0x8000_0140},
		{spec: "_entry", lo: 0x8000_0000, hi: 0x8000_0100},
		{spec: "0x80000200", lo: 0x8000_0200, hi: 0x8000_0201},
		{spec: "0x100-0x80", err: "LO < HI"},
		{spec: "nosuch", err: "not in the kernel's symbol table"},
	}
	for _, c := range cases {
		lo, hi, err := tab.ParseRange(c.spec)
		if c.err != "" {
			assert.ErrorContains(t, err, c.err, c.spec)
			continue
		}
		require.NoError(t, err, c.spec)
		assert.Equal(t, [2]uint64{c.lo, c.hi}, [2]uint64{lo, hi}, c.spec)
	}
	_, _, err := (*Table)(nil).ParseRange("main")
	assert.ErrorContains(t, err, "no symbol table")
}

func TestLoadELF(t *testing.T) {
	elfPath := rvasm.Build(t, `
	.globl _start
_start:
	nop
	nop
	.globl spin
	.type spin, @function
spin:
	j spin
	.size spin, .-spin
`, rvasm.Options{})
	tab := Load(elfPath)
	require.NotNil(t, tab)
	assert.Equal(t, "_start+0x4", tab.Describe(0x8000_0004))
	assert.Equal(t, "spin", tab.Describe(0x8000_0008))
	lo, hi, err := tab.ParseRange("spin")
	require.NoError(t, err)
	assert.Equal(t, uint64(0x8000_0008), lo)
	assert.Equal(t, uint64(0x8000_000c), hi)

	stripped := rvasm.Build(t, "\t.globl _start\n_start:\n\tj _start\n", rvasm.Options{Strip: true})
	assert.Equal(t, 0, Load(stripped).Len())
}
