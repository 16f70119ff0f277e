package cpu

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDataAccess(t *testing.T) {
	// Register values chosen so every base is distinct: x[i] = i * 0x1000.
	var x [32]uint64
	for i := range x {
		x[i] = uint64(i) * 0x1000
	}
	const (
		sp = 2 * 0x1000
		s0 = 8 * 0x1000
		t1 = 6 * 0x1000
		a1 = 11 * 0x1000
	)
	// Encodings from riscv64-unknown-elf-as (-march=rv64gc).
	cases := []struct {
		asm  string
		raw  uint32
		want Access
		ok   bool
	}{
		{"lb a0,-1(a1)", 0xfff58503, Access{a1 - 1, 1, true, false}, true},
		{"lhu a0,2(a1)", 0x0025d503, Access{a1 + 2, 2, true, false}, true},
		{"lw a0,2047(sp)", 0x7ff12503, Access{sp + 2047, 4, true, false}, true},
		{"ld a0,-2048(s0)", 0x80043503, Access{s0 - 2048, 8, true, false}, true},
		{"lwu t0,8(t1)", 0x00836283, Access{t1 + 8, 4, true, false}, true},
		{"lw zero,8(a1)", 0x0085a003, Access{a1 + 8, 4, true, false}, true},
		{"sb a0,-1(a1)", 0xfea58fa3, Access{a1 - 1, 1, false, true}, true},
		{"sh a0,6(a1)", 0x00a59323, Access{a1 + 6, 2, false, true}, true},
		{"sw a0,100(a1)", 0x06a5a223, Access{a1 + 100, 4, false, true}, true},
		{"sw a0,-100(a1)", 0xf8a5ae23, Access{a1 - 100, 4, false, true}, true},
		{"sd ra,-8(sp)", 0xfe113c23, Access{sp - 8, 8, false, true}, true},
		{"lr.w a0,(a1)", 0x1005a52f, Access{a1, 4, true, false}, true},
		{"sc.d a0,a2,(a1)", 0x18c5b52f, Access{a1, 8, false, true}, true},
		{"amoadd.w a0,a2,(a1)", 0x00c5a52f, Access{a1, 4, true, true}, true},
		{"amoswap.d a0,a2,(a1)", 0x08c5b52f, Access{a1, 8, true, true}, true},
		{"c.lw a0,4(a1)", 0x41c8, Access{a1 + 4, 4, true, false}, true},
		{"c.ld a0,248(a1)", 0x7de8, Access{a1 + 248, 8, true, false}, true},
		{"c.sw a0,100(a1)", 0xd1e8, Access{a1 + 100, 4, false, true}, true},
		{"c.sw a0,124(a1)", 0xdde8, Access{a1 + 124, 4, false, true}, true},
		{"c.sd a0,8(a1)", 0xe588, Access{a1 + 8, 8, false, true}, true},
		{"c.lwsp a0,252(sp)", 0x557e, Access{sp + 252, 4, true, false}, true},
		{"c.ldsp a0,504(sp)", 0x757e, Access{sp + 504, 8, true, false}, true},
		{"c.swsp a0,252(sp)", 0xdfaa, Access{sp + 252, 4, false, true}, true},
		{"c.sdsp ra,504(sp)", 0xff86, Access{sp + 504, 8, false, true}, true},
		{"flw fa0,8(a1)", 0x0085a507, Access{a1 + 8, 4, true, false}, true},
		{"fsd fa0,-8(sp)", 0xfea13c27, Access{sp - 8, 8, false, true}, true},
		{"fsw ft0,4(a1)", 0x0005a227, Access{a1 + 4, 4, false, true}, true},
		{"c.fld fa0,8(a1)", 0x2588, Access{a1 + 8, 8, true, false}, true},
		{"c.fsdsp fa0,16(sp)", 0xa82a, Access{sp + 16, 8, false, true}, true},
		{"fadd.d fa0,fa1,fa2", 0x02c5f553, Access{}, false},
		{"add a0,a1,a2", 0x00c58533, Access{}, false},
		{"c.addi a0,1", 0x0505, Access{}, false},
		{"csrr a0,mstatus", 0x30002573, Access{}, false},
		{"lr.w with rs2 set (reserved)", 0x1005a52f | 1<<20, Access{}, false},
		{"c.lwsp zero (reserved)", 0x4002, Access{}, false},
	}
	for _, c := range cases {
		t.Run(c.asm, func(t *testing.T) {
			got, ok := DataAccess(c.raw, &x)
			assert.Equal(t, c.ok, ok)
			if c.ok {
				assert.Equal(t, c.want, got)
			}
		})
	}
}
