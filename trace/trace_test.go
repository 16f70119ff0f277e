package trace

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		want    Set
		wantErr bool
	}{
		{"", 0, false},
		{"trap", Trap, false},
		{"trap,mmio", Trap | MMIO, false},
		{" MMIO , trap ", Trap | MMIO, false},
		{"e1000,net,virtio,plic,insn", E1000 | Net | Virtio | PLIC | Insn, false},
		{"all", Trap | MMIO | Virtio | PLIC | E1000 | Net | Insn, false},
		{"bogus", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := Parse(tc.in)
			if tc.wantErr {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "mmio")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestParseList(t *testing.T) {
	tests := []struct {
		list  string
		want  Set
		insn  string
		error string
	}{
		{list: "trap,virtio", want: Trap | Virtio},
		{list: "plic,insn:e1000_recv", want: PLIC | Insn, insn: "e1000_recv"},
		{list: "insn:0x80000000-0x80000100", want: Insn, insn: "0x80000000-0x80000100"},
		{list: "insn", want: Insn},
		{list: "insn:", error: "want insn:SYMBOL"},
		{list: "bogus", error: "want a comma-separated list"},
	}
	for _, tc := range tests {
		got, insn, err := ParseList(tc.list)
		if tc.error != "" {
			assert.ErrorContains(t, err, tc.error, tc.list)
			continue
		}
		require.NoError(t, err, tc.list)
		assert.Equal(t, tc.want, got, tc.list)
		assert.Equal(t, tc.insn, insn, tc.list)
	}
}
