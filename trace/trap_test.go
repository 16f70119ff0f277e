package trace

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFormatTrap(t *testing.T) {
	tests := []struct {
		name             string
		cause, epc, tval uint64
		from, to         uint8
		sym              string
		want             string
	}{
		{"ecall from U", 8, 0x1000, 0, 0, 1, "", "trap: hart 2 U->S cause 0x8 (ecall from U) epc 0x1000 tval 0x0\n"},
		{"page fault", 13, 0x80001000, 0xdead000, 1, 1, "", "trap: hart 2 S->S cause 0xd (load page fault) epc 0x80001000 tval 0xdead000\n"},
		{"timer", causeInterrupt | 7, 0x80000010, 0, 1, 3, "kernelvec+0x10", "trap: hart 2 S->M cause 0x8000000000000007 (M timer interrupt) epc 0x80000010 <kernelvec+0x10> tval 0x0\n"},
		{"unknown", 24, 0, 0, 3, 3, "", "trap: hart 2 M->M cause 0x18 (exception) epc 0x0 tval 0x0\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, TrapLine(2, tc.cause, tc.epc, tc.tval, tc.from, tc.to, tc.sym))
		})
	}
}
