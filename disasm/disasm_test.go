package disasm

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/rvemu/rvemu/symtab"
)

func TestFormat(t *testing.T) {
	syms := symtab.New([]symtab.Symbol{{Name: "bump", Addr: 0x8000_0018, Size: 12, Func: true}})
	tests := []struct {
		name string
		raw  uint32
		pc   uint64
		want string
	}{
		{"li", 0x00100513, 0x8000_0000, "li a0,1"},
		{"call", 0x014000ef, 0x8000_0004, "jal 0x80000018 <bump>"},
		{"ret", 0x00008067, 0x8000_0000, "ret"},
		{"store", 0x00b53023, 0x8000_0000, "sd a1,0(a0)"},
		{"branch back", 0xfe051ee3, 0x8000_0020, "bnez a0,0x8000001c <bump+0x4>"},
		{"compressed addi", 0x0505, 0x8000_0000, "addi a0,a0,1"},
		{"compressed j", 0xbfd5, 0x8000_0024, "j 0x80000018 <bump>"},
		{"csrr", 0x14102573, 0x8000_0000, "csrr a0,sepc"},
		{"compressed bnez", 0xfd65, 0x8000_0024, "bnez a0,0x8000001c <bump+0x4>"},
		{"compressed beqz forward", 0xc111, 0x8000_0018, "beqz a0,0x8000001c <bump+0x4>"},
		{"zero is unimp", 0x0000, 0x8000_0000, "unimp"},
		{"garbage", 0xffffffff, 0x8000_0000, "unknown"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Format(tc.raw, Size(uint16(tc.raw)), tc.pc, syms))
		})
	}
}
