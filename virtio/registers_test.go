package virtio

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestIdentityRegisters(t *testing.T) {
	tests := []struct {
		name   string
		off    uint64
		sel    uint32 // DEVICE_FEATURES_SEL before the read
		legacy uint32
		modern uint32
	}{
		{"magic", regMagic, 0, 0x74726976, 0x74726976},
		{"version", regVersion, 0, 1, 2},
		{"device id", regDeviceID, 0, 2, 2},
		{"vendor", regVendorID, 0, 0x554d4551, 0x554d4551},
		{"features low", regDeviceFeatures, 0, featSegMax | featBlkSize | featFlush, featSegMax | featBlkSize | featFlush},
		{"features high: VERSION_1 modern only", regDeviceFeatures, 1, 0, 1},
		{"features past high word", regDeviceFeatures, 2, 0, 0},
		{"queue num max (QEMU 7.2)", regQueueNumMax, 0, 1024, 1024},
		{"status after reset", regStatus, 0, 0, 0},
		{"interrupt status after reset", regInterruptStatus, 0, 0, 0},
		{"unknown register", 0x0f0, 0, 0, 0},
	}
	for _, tc := range tests {
		for _, legacy := range []bool{true, false} {
			r := newRig(t, legacy, 8)
			r.wr(regDeviceFeaturesSel, tc.sel)
			want := tc.modern
			if legacy {
				want = tc.legacy
			}
			assert.Equal(t, want, r.rd(tc.off), "%s (legacy=%v)", tc.name, legacy)
		}
	}
}

func TestConfigSpace(t *testing.T) {
	r := newRig(t, false, 2048) // 1 MiB
	tests := []struct {
		off  uint64
		size int
		want uint64
	}{
		{regConfig + cfgCapacity, 8, 2048},
		{regConfig + cfgCapacity, 4, 2048},
		{regConfig + cfgCapacity + 4, 4, 0},
		{regConfig + cfgCapacity + 1, 1, 2048 >> 8},
		{regConfig + cfgBlkSize, 4, 512},
		{regConfig + cfgSegMax, 4, QueueNumMax - 2},
		{regConfig + 0x200, 4, 0},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, r.dev.Read(tc.off, tc.size), "offset %#x size %d", tc.off, tc.size)
	}
	r.dev.Write(regConfig, 8, 1)
	assert.Equal(t, uint64(2048), r.dev.Read(regConfig, 8), "config is read-only")
}

func TestWrongSizeRegisterAccess(t *testing.T) {
	r := newRig(t, false, 8)
	assert.Equal(t, uint64(0), r.dev.Read(regMagic, 2))
	r.dev.Write(regStatus, 1, statusAcknowledge)
	assert.Equal(t, uint32(0), r.rd(regStatus))
}

func TestLayoutSpecificRegisters(t *testing.T) {
	legacy := newRig(t, true, 8)
	legacy.wr(regQueueNum, 8)
	legacy.wr(regQueueReady, 1)
	legacy.wr(regQueueDescLow, 0x1234)
	assert.Zero(t, legacy.rd(regQueueReady), "modern register in legacy mode")
	assert.Zero(t, legacy.rd(regQueueDescLow))
	legacy.wr(regQueuePFN, 0x80010)
	assert.Equal(t, uint32(0x80010), legacy.rd(regQueuePFN))

	modern := newRig(t, false, 8)
	modern.wr(regQueuePFN, 0x80010)
	assert.Zero(t, modern.rd(regQueuePFN), "legacy register in modern mode")
	modern.wr(regQueueDescLow, 0x1234)
	modern.wr(regQueueDescHigh, 0x5)
	modern.wr(regQueueReady, 1)
	assert.Equal(t, uint32(0x1234), modern.rd(regQueueDescLow))
	assert.Equal(t, uint32(0x5), modern.rd(regQueueDescHigh))
	assert.Equal(t, uint32(1), modern.rd(regQueueReady))
}

func TestOnlyQueueZeroExists(t *testing.T) {
	r := newRig(t, false, 8)
	r.wr(regQueueSel, 1)
	assert.Zero(t, r.rd(regQueueNumMax))
	r.wr(regQueueReady, 1)
	assert.Zero(t, r.rd(regQueueReady))
	r.wr(regQueueSel, 0)
	assert.Zero(t, r.rd(regQueueReady), "queue 0 untouched")
}

func TestQueueNumRange(t *testing.T) {
	r := newRig(t, false, 8)
	r.wr(regQueueNum, QueueNumMax+1)
	assert.Zero(t, r.dev.q.num)
	r.wr(regQueueNum, 0)
	assert.Zero(t, r.dev.q.num)
	r.wr(regQueueNum, QueueNumMax)
	assert.Equal(t, uint32(QueueNumMax), r.dev.q.num)
}

func TestFeatureNegotiation(t *testing.T) {
	tests := []struct {
		name     string
		legacy   bool
		low      uint32
		high     uint32
		accepted bool
	}{
		{"modern subset", false, featFlush, 0, true},
		{"modern with VERSION_1", false, featFlush, 1, true},
		{"modern unoffered bit", false, 1 << 5, 0, false},
		{"modern unoffered high bit", false, 0, 2, false},
		{"legacy subset", true, featFlush | featBlkSize, 0, true},
		{"legacy unoffered bit", true, 1 << 28, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, tc.legacy, 8)
			r.wr(regStatus, statusAcknowledge|statusDriver)
			r.wr(regDriverFeaturesSel, 0)
			r.wr(regDriverFeatures, tc.low)
			r.wr(regDriverFeaturesSel, 1)
			r.wr(regDriverFeatures, tc.high)
			r.orStatus(statusFeaturesOK)
			assert.Equal(t, tc.accepted, r.rd(regStatus)&statusFeaturesOK != 0)
		})
	}
}

func TestProbe(t *testing.T) {
	r := newRig(t, true, 8)
	v, ok := r.dev.Probe()
	assert.False(t, v)
	assert.False(t, ok)
	r.rd(regMagic)
	v, _ = r.dev.Probe()
	assert.False(t, v, "magic is not the version")
	r.rd(regVersion)
	v, ok = r.dev.Probe()
	assert.True(t, v)
	assert.False(t, ok)
	r.setup(8)
	r.wr(regStatus, 0)
	v, ok = r.dev.Probe()
	assert.True(t, v)
	assert.True(t, ok, "DRIVER_OK was set once, a later reset does not forget it")
}

func TestReset(t *testing.T) {
	for _, legacy := range []bool{true, false} {
		r := newRig(t, legacy, 8)
		r.setup(8)
		r.request(reqIn, 0, bufBase, 512)
		r.notify()
		assert.True(t, r.irq.level)
		r.wr(regStatus, 0)
		assert.False(t, r.irq.level, "reset drops the interrupt")
		assert.Zero(t, r.rd(regStatus))
		assert.Zero(t, r.rd(regInterruptStatus))
		assert.Zero(t, r.dev.q.num)
		assert.Zero(t, r.dev.q.lastAvail)
		assert.Zero(t, r.dev.driverFeatures)
	}
}

func TestLegacyZeroPFNResets(t *testing.T) {
	r := newRig(t, true, 8)
	r.setup(8)
	r.wr(regQueuePFN, 0)
	assert.Zero(t, r.rd(regStatus))
	assert.Zero(t, r.rd(regQueuePFN))
}
