package plic

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Addresses as xv6 computes them, relative to the PLIC base.
func priorityReg(src int) uint64     { return uint64(4 * src) }
func enableReg(ctx, word int) uint64 { return enableBase + enableStride*uint64(ctx) + 4*uint64(word) }
func thresholdReg(ctx int) uint64    { return contextBase + contextStride*uint64(ctx) }
func claimReg(ctx int) uint64        { return thresholdReg(ctx) + 4 }

const sctx1 = 3 // hart 1, S-mode

// setup gives sources the listed priorities and enables them all in ctx.
func setup(harts, ctx int, prio map[int]uint32) *PLIC {
	p := New(harts)
	for s, v := range prio {
		p.Write(priorityReg(s), 4, uint64(v))
	}
	for w := 0; w < words; w++ {
		p.Write(enableReg(ctx, w), 4, 0xffffffff)
	}
	return p
}

func TestClaimOrder(t *testing.T) {
	tests := []struct {
		name      string
		prio      map[int]uint32
		threshold uint32
		assert    []int
		want      []int // successive claims (without completing)
	}{
		{"nothing pending", map[int]uint32{1: 1}, 0, nil, []int{0}},
		{"single source", map[int]uint32{10: 1}, 0, []int{10}, []int{10, 0}},
		{"higher priority first", map[int]uint32{1: 1, 10: 3, 33: 2}, 0, []int{1, 10, 33}, []int{10, 33, 1, 0}},
		{"lowest id wins ties", map[int]uint32{1: 1, 10: 1, 33: 1}, 0, []int{33, 10, 1}, []int{1, 10, 33, 0}},
		{"priority 0 never interrupts", map[int]uint32{10: 0}, 0, []int{10}, []int{0}},
		{"threshold masks equal priority", map[int]uint32{1: 2, 10: 3}, 2, []int{1, 10}, []int{10, 0}},
		{"threshold 7 masks all", map[int]uint32{1: 7}, 7, []int{1}, []int{0}},
		{"source in third word", map[int]uint32{95: 1}, 0, []int{95}, []int{95, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := setup(2, sctx1, tc.prio)
			p.Write(thresholdReg(sctx1), 4, uint64(tc.threshold))
			for _, s := range tc.assert {
				p.Line(s).Set(true)
			}
			for _, want := range tc.want {
				assert.Equal(t, uint64(want), p.Read(claimReg(sctx1), 4))
			}
		})
	}
}

func TestInterruptOutputs(t *testing.T) {
	p := setup(2, sctx1, map[int]uint32{10: 1})
	assert.False(t, p.SEIP(1))
	p.Line(10).Set(true)
	assert.True(t, p.SEIP(1), "enabled in hart 1 S-mode")
	assert.False(t, p.MEIP(1), "not enabled in hart 1 M-mode")
	assert.False(t, p.SEIP(0), "other hart")
	assert.False(t, p.MEIP(0))

	p.Write(thresholdReg(sctx1), 4, 1)
	assert.False(t, p.SEIP(1), "threshold masks the output")
	p.Write(thresholdReg(sctx1), 4, 0)
	assert.True(t, p.SEIP(1))

	assert.Equal(t, uint64(10), p.Read(claimReg(sctx1), 4))
	assert.False(t, p.SEIP(1), "in service")
}

func TestLatchingLikeQEMU(t *testing.T) {
	p := setup(1, 1, map[int]uint32{10: 1, 1: 1})
	uart := p.Line(10)

	uart.Set(true)
	assert.Equal(t, uint64(1<<10), p.Read(pendingBase, 4))
	assert.Equal(t, uint64(10), p.Read(claimReg(1), 4))
	assert.Equal(t, uint64(0), p.Read(pendingBase, 4), "claim clears pending")
	assert.Equal(t, uint64(0), p.Read(claimReg(1), 4), "in service until complete")

	// The line stays high but the device reports no new event: after
	// complete there is nothing to take (xv6's idle THRE case).
	p.Write(claimReg(1), 4, 10)
	assert.False(t, p.SEIP(0))
	assert.Equal(t, uint64(0), p.Read(claimReg(1), 4))

	// A new event while in service is latched and taken after complete.
	assert.Equal(t, uint64(0), p.Read(claimReg(1), 4))
	uart.Set(true)
	assert.Equal(t, uint64(10), p.Read(claimReg(1), 4))
	uart.Set(true)
	assert.False(t, p.SEIP(0), "latched but in service")
	p.Write(claimReg(1), 4, 10)
	assert.True(t, p.SEIP(0), "taken again after complete")
	assert.Equal(t, uint64(10), p.Read(claimReg(1), 4))
	p.Write(claimReg(1), 4, 10)

	// A request that goes away before it is claimed is dropped.
	p.Line(1).Set(true)
	assert.True(t, p.SEIP(0))
	p.Line(1).Set(false)
	assert.False(t, p.SEIP(0))
	assert.Equal(t, uint64(0), p.Read(claimReg(1), 4))
}

func TestCompleteFromAnyContext(t *testing.T) {
	p := setup(2, 1, map[int]uint32{5: 1})
	p.Line(5).Set(true)
	assert.Equal(t, uint64(5), p.Read(claimReg(1), 4))
	p.Line(5).Set(true)
	p.Write(claimReg(3), 4, 5) // hart 1 completes what hart 0 claimed
	assert.True(t, p.SEIP(0))
	p.Write(claimReg(1), 4, 0)  // source 0: ignored
	p.Write(claimReg(1), 4, 96) // out of range: ignored
	assert.True(t, p.SEIP(0))
}

func TestRegisterSemantics(t *testing.T) {
	tests := []struct {
		name    string
		off     uint64
		val     uint64
		readOff uint64
		want    uint64
	}{
		{"priority keeps 3 bits", priorityReg(33), 0xff, priorityReg(33), 7},
		{"source 0 priority hardwired", priorityReg(0), 3, priorityReg(0), 0},
		{"enable bit 0 hardwired", enableReg(1, 0), 0xffffffff, enableReg(1, 0), 0xfffffffe},
		{"enable word 1", enableReg(1, 1), 0xffffffff, enableReg(1, 1), 0xffffffff},
		{"enable of missing context", enableReg(2, 0), 0xffffffff, enableReg(2, 0), 0},
		{"threshold keeps 3 bits", thresholdReg(0), 0x1f, thresholdReg(0), 7},
		{"threshold of missing context", thresholdReg(5), 1, thresholdReg(5), 0},
		{"pending not writable", pendingBase, 0xffffffff, pendingBase, 0},
		{"unknown register", 0x1ff000, 5, 0x1ff000, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := New(1)
			p.Write(tc.off, 4, tc.val)
			assert.Equal(t, tc.want, p.Read(tc.readOff, 4))
		})
	}
}

func TestUnwiredLines(t *testing.T) {
	p := setup(1, 1, map[int]uint32{1: 1})
	assert.NotPanics(t, func() {
		p.Line(0).Set(true)
		p.Line(96).Set(true)
		p.Line(-1).Set(true)
	})
	assert.False(t, p.SEIP(0))
}

// xv6 hart 0 sees the UART at the S-mode claim address 0x0c201004.
func TestXv6Addresses(t *testing.T) {
	p := New(3)
	p.Write(0x28, 4, 1)       // priority of IRQ 10
	p.Write(0x2080, 4, 1<<10) // S-mode enable, hart 0
	p.Write(0x201000, 4, 0)   // S-mode threshold, hart 0
	p.Line(10).Set(true)
	assert.True(t, p.SEIP(0))
	assert.Equal(t, uint64(10), p.Read(0x201004, 4))
	p.Write(0x201004, 4, 10)
}

func TestClaimContext(t *testing.T) {
	for _, tc := range []struct {
		off uint64
		ctx int
		ok  bool
	}{
		{claimReg(0), 0, true},
		{claimReg(3), 3, true},
		{thresholdReg(3), 0, false},
		{0x2000, 0, false},
	} {
		ctx, ok := ClaimContext(tc.off)
		assert.Equal(t, tc.ok, ok, "%#x", tc.off)
		assert.Equal(t, tc.ctx, ctx, "%#x", tc.off)
	}
}
