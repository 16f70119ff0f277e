package e1000

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRegisterNamesAndValues(t *testing.T) {
	tests := []struct {
		off, v uint32
		name   string
		value  string
	}{
		{regRCTL, xv6RCTL, "RCTL", "EN|BAM|SECRC BSIZE=2048"},
		{regTCTL, xv6TCTL, "TCTL", "EN|PSP CT=0x10 COLD=0x40"},
		{regCTRL, 0x4000041, "CTRL", "FD|SLU|RST"},
		{regIMS, IntRXT0, "IMS", "RXT0"},
		{regICR, 0xFFFF_FFFF, "ICR", "all"},
		{regICS, IntTXDW | IntRXO | 1<<20, "ICS", "TXDW|RXO|0x100000"},
		{regTDLEN, 256, "TDLEN", "16 descriptors"},
		{regRDLEN, 200, "RDLEN", ""},
		{regRA + 4, 0x8000_5634, "RAH0", "AV"},
		{regMTA + 12, 0, "MTA[3]", ""},
		{regTDT, 5, "TDT", ""},
		{0x0028, 0, "FCAL", ""},
		{regStats + 0x10, 0, "STAT[0x4010]", ""},
		{0x5B00, 1, "reg 0x5b00", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.name, RegName(tt.off))
			assert.Equal(t, tt.value, DescribeWrite(tt.off, tt.v))
		})
	}
}

func TestTraceShowsWritesAndRingMoves(t *testing.T) {
	var lines []string
	r := newRig(t, Config{Trace: func(s string) { lines = append(lines, s) }})
	r.initLikeXv6()
	assert.Contains(t, lines, "e1000: write RCTL <- 0x4008002 (EN|BAM|SECRC BSIZE=2048)")
	assert.Contains(t, lines, "e1000: rx ring head 0 tail 15 (was 0/0)", "RDT written before RDLEN: no descriptors yet")

	lines = nil
	r.send(frame(broadcast, 60, 1), cmdEOPRS)
	assert.Equal(t, []string{
		"e1000: write TDT <- 0x1",
		"e1000: tx ring head 1 tail 1 (was 0/0): [0] addr 0x80030000 len 74 cmd EOP|RS sta DD",
	}, lines[len(lines)-2:])

	lines = nil
	r.nic.Receive(frame(unitMAC, 80, 1))
	assert.Equal(t, []string{"e1000: rx ring head 1 tail 15 (was 0/15): [0] addr 0x80010000 len 94 sta DD|EOP"}, lines)
	lines = nil
	r.rd(regICR)
	r.recycle()
	assert.Equal(t, []string{
		"e1000: read  ICR -> 0x83 (TXDW|TXQE|RXT0)",
		"e1000: write RDT <- 0x0",
		"e1000: rx ring head 1 tail 0 (was 1/15): [0] addr 0x80010000 len 94 sta -",
	}, lines)
}
