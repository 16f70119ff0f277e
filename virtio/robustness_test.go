package virtio

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Guest mistakes must never panic the host: the device reports IOERR in the
// status byte when it can, and otherwise stops the queue and asks for a
// reset (DEVICE_NEEDS_RESET; modern drivers also get a config interrupt).
func TestBrokenRings(t *testing.T) {
	const outside = 0x1000 // nothing there: not RAM
	tests := []struct {
		name  string
		build func(r *rig)
	}{
		{"chain loops", func(r *rig) {
			r.header(bufBase, reqIn, 0)
			head := r.post(desc{bufBase, 16, 0}, desc{bufBase + 0x100, 512, descWrite})
			// Point the last descriptor back at the head with NEXT set.
			last := r.desc + 16*uint64(head+1)
			r.put16(last+12, descWrite|descNext)
			r.put16(last+14, head)
		}},
		{"next index past the queue", func(r *rig) {
			r.header(bufBase, reqIn, 0)
			head := r.post(desc{bufBase, 16, 0}, desc{bufBase + 0x100, 1, descWrite})
			r.put16(r.desc+16*uint64(head)+14, 200)
		}},
		{"head index past the queue", func(r *rig) {
			r.header(bufBase, reqIn, 0)
			r.post(desc{bufBase, 16, 0}, desc{bufBase + 0x100, 1, descWrite})
			r.put16(r.avail+4, 9)
		}},
		{"indirect descriptor", func(r *rig) {
			r.post(desc{bufBase, 16, descIndirect})
		}},
		{"no status byte", func(r *rig) {
			r.header(bufBase, reqFlush, 0)
			r.post(desc{bufBase, 16, 0})
		}},
		{"status byte outside RAM", func(r *rig) {
			r.header(bufBase, reqFlush, 0)
			r.post(desc{bufBase, 16, 0}, desc{outside, 1, descWrite})
		}},
		{"readable after writable", func(r *rig) {
			r.header(bufBase, reqFlush, 0)
			r.post(desc{bufBase, 16, 0}, desc{bufBase + 0x100, 1, descWrite}, desc{bufBase + 0x200, 16, 0})
		}},
		{"avail index runs ahead", func(r *rig) {
			r.put16(r.avail+2, 100)
		}},
	}
	for _, l := range layouts {
		for _, tc := range tests {
			t.Run(l.name+"/"+tc.name, func(t *testing.T) {
				r := newRig(t, l.legacy, 16)
				r.setup(8)
				tc.build(r)
				assert.NotPanics(t, r.notify)
				assert.NotZero(t, r.rd(regStatus)&statusNeedsReset)
				assert.Zero(t, r.u16(r.used+2), "nothing completed")
				if l.legacy {
					assert.False(t, r.irq.level)
				} else {
					assert.Equal(t, uint32(intConfigChange), r.rd(regInterruptStatus))
					assert.True(t, r.irq.level)
				}
				require.Len(t, r.logs, 1)

				// The queue stays stopped, and the error is not logged again.
				r.notify()
				assert.Len(t, r.logs, 1)

				// A reset brings the device back.
				r.nextDesc, r.availIdx = 0, 0
				r.put16(r.avail+2, 0)
				r.setup(8)
				assert.Zero(t, r.rd(regStatus)&statusNeedsReset)
				_, st := r.request(reqIn, 0, bufBase+0x1000, 512)
				r.notify()
				assert.Equal(t, byte(statusOK), r.status(st))
			})
		}
	}
}

func TestRingsOutsideRAM(t *testing.T) {
	tests := []struct {
		name              string
		desc, avail, used uint64
	}{
		{"avail ring", ringBase, 0x1000, ringBase + 0x8000},
		{"descriptor table", 0x1000, ringBase + 0x4000, ringBase + 0x8000},
		{"used ring", ringBase, ringBase + 0x4000, 0x1000},
		{"used ring past the end of RAM", ringBase, ringBase + 0x4000, ramBase + ramSize - 8},
		{"address wraps around", ringBase, ringBase + 0x4000, 0xffff_ffff_ffff_fff0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, false, 16)
			r.setup(8)
			// Build a valid request in the normal rings, then move them.
			r.request(reqIn, 0, bufBase, 512)
			if tc.desc != r.desc {
				r.wr(regQueueDescLow, uint32(tc.desc))
				r.wr(regQueueDescHigh, uint32(tc.desc>>32))
			}
			if tc.avail != r.avail {
				r.wr(regQueueDriverLow, uint32(tc.avail))
				r.wr(regQueueDriverHigh, uint32(tc.avail>>32))
			}
			if tc.used != r.used {
				r.wr(regQueueDeviceLow, uint32(tc.used))
				r.wr(regQueueDeviceHigh, uint32(tc.used>>32))
			}
			assert.NotPanics(t, r.notify)
			assert.NotZero(t, r.rd(regStatus)&statusNeedsReset)
		})
	}
}

func TestLegacyRingsOutsideRAM(t *testing.T) {
	r := newRig(t, true, 16)
	r.setup(8)
	r.request(reqIn, 0, bufBase, 512)
	r.wr(regQueuePFN, 1) // rings at 0x1000
	assert.NotPanics(t, r.notify)
	assert.NotZero(t, r.rd(regStatus)&statusNeedsReset)
}

// Bad data buffers are the request's problem, not the device's: IOERR.
func TestBadDataBuffers(t *testing.T) {
	tests := []struct {
		name string
		typ  uint32
		addr uint64
		n    uint32
	}{
		{"read into nowhere", reqIn, 0x1000, 512},
		{"read past the end of RAM", reqIn, ramBase + ramSize - 256, 512},
		{"write from nowhere", reqOut, 0x1000, 512},
		{"get id into nowhere", reqGetID, 0x1000, 20},
		{"huge length", reqIn, bufBase, 0xffff_fe00},
	}
	for _, l := range layouts {
		for _, tc := range tests {
			t.Run(l.name+"/"+tc.name, func(t *testing.T) {
				r := newRig(t, l.legacy, 16)
				r.setup(8)
				before := append([]byte(nil), r.disk.Bytes()...)
				_, st := r.request(tc.typ, 0, tc.addr, tc.n)
				assert.NotPanics(t, r.notify)
				assert.Equal(t, byte(statusIOErr), r.status(st))
				assert.Zero(t, r.rd(regStatus)&statusNeedsReset)
				assert.Equal(t, before, r.disk.Bytes(), "disk untouched")
				assert.Len(t, r.logs, 1)
			})
		}
	}
}

func TestShortHeader(t *testing.T) {
	r := newRig(t, false, 16)
	r.setup(8)
	r.header(bufBase, reqIn, 0)
	st := uint64(bufBase + 0x100)
	r.post(desc{bufBase, 8, 0}, desc{st, 1, descWrite})
	r.notify()
	assert.Equal(t, byte(statusIOErr), r.status(st))
}

func TestErrorsLoggedOncePerCause(t *testing.T) {
	r := newRig(t, false, 16)
	r.setup(8)
	for i := 0; i < 5; i++ {
		r.request(reqIn, 100, bufBase, 512) // past the end
		r.request(7, 0, 0, 0)               // unsupported
		r.notify()
	}
	assert.Len(t, r.logs, 2)
}
