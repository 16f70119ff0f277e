package virtio

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/bus"
)

var layouts = []struct {
	name   string
	legacy bool
}{{"legacy", true}, {"modern", false}}

func pattern(n int, seed byte) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = seed + byte(i*7)
	}
	return p
}

func TestWriteThenRead(t *testing.T) {
	for _, l := range layouts {
		t.Run(l.name, func(t *testing.T) {
			r := newRig(t, l.legacy, 64)
			r.setup(8)

			// OUT: two sectors at sector 5.
			data := pattern(1024, 0x11)
			require.NoError(t, r.bus.WriteDMA(bufBase, data))
			head, st := r.request(reqOut, 5, bufBase, 1024)
			r.notify()

			// Completed at the notify write: used ring, status, interrupt.
			assert.Equal(t, byte(statusOK), r.status(st))
			assert.Equal(t, uint16(1), r.u16(r.used+2), "used.idx")
			id, n := r.usedElem(0)
			assert.Equal(t, uint32(head), id)
			assert.Equal(t, uint32(1), n, "only the status byte was written")
			assert.True(t, r.irq.level)
			assert.Equal(t, uint32(intUsedRing), r.rd(regInterruptStatus))
			assert.Equal(t, data, r.disk.Bytes()[5*512:7*512])

			r.wr(regInterruptACK, intUsedRing)
			assert.False(t, r.irq.level, "ack lowers the line")
			assert.Zero(t, r.rd(regInterruptStatus))

			// IN: read them back elsewhere.
			dst := uint64(bufBase + 0x2000)
			head, st = r.request(reqIn, 5, dst, 1024)
			r.notify()
			assert.Equal(t, byte(statusOK), r.status(st))
			assert.Equal(t, data, r.ram(dst, 1024))
			assert.Equal(t, uint16(2), r.u16(r.used+2))
			id, n = r.usedElem(1)
			assert.Equal(t, uint32(head), id)
			assert.Equal(t, uint32(1025), n, "data plus status byte")
			assert.True(t, r.irq.level)
			assert.Equal(t, 2, r.irq.raised, "one event per completed notify")
			assert.Empty(t, r.logs)
		})
	}
}

func TestReadExistingContents(t *testing.T) {
	for _, l := range layouts {
		r := newRig(t, l.legacy, 16)
		r.setup(8)
		_, st := r.request(reqIn, 15, bufBase, 512)
		r.notify()
		require.Equal(t, byte(statusOK), r.status(st), l.name)
		assert.Equal(t, r.disk.Bytes()[15*512:], r.ram(bufBase, 512), l.name)
	}
}

func TestRAMWrittenHook(t *testing.T) {
	r := newRig(t, false, 16)
	var dirty []uint64
	r.bus.RAMWritten = func(pa, n uint64) {
		if pa == bufBase {
			dirty = append(dirty, n)
		}
	}
	r.setup(8)
	r.request(reqIn, 0, bufBase, 2048)
	r.notify()
	assert.Equal(t, []uint64{2048}, dirty, "instruction caches hear about DMA into RAM")
}

func TestRequestKinds(t *testing.T) {
	tests := []struct {
		name       string
		typ        uint32
		sector     uint64
		n          uint32
		wantStatus byte
		wantLen    uint32
	}{
		{"flush", reqFlush, 0, 0, statusOK, 1},
		{"get id", reqGetID, 0, 20, statusOK, 21},
		{"unsupported (discard)", 11, 0, 0, statusUnsupp, 1},
		{"read past the end", reqIn, 16, 512, statusIOErr, 1},
		{"read straddling the end", reqIn, 15, 1024, statusIOErr, 1},
		{"read with huge sector", reqIn, 1 << 62, 512, statusIOErr, 1},
		{"write past the end", reqOut, 16, 512, statusIOErr, 1},
		{"partial sector", reqIn, 0, 100, statusIOErr, 1},
		{"last sector", reqIn, 15, 512, statusOK, 513},
	}
	for _, l := range layouts {
		for _, tc := range tests {
			t.Run(l.name+"/"+tc.name, func(t *testing.T) {
				r := newRig(t, l.legacy, 16)
				r.setup(8)
				head, st := r.request(tc.typ, tc.sector, bufBase, tc.n)
				r.notify()
				assert.Equal(t, tc.wantStatus, r.status(st))
				id, n := r.usedElem(0)
				assert.Equal(t, uint32(head), id)
				assert.Equal(t, tc.wantLen, n)
				assert.True(t, r.irq.level, "errors complete too")
				assert.Zero(t, r.rd(regStatus)&statusNeedsReset)
			})
		}
	}
}

func TestFlushSyncsDisk(t *testing.T) {
	r := newRig(t, false, 16)
	r.setup(8)
	r.request(reqFlush, 0, 0, 0)
	r.notify()
	assert.Equal(t, 1, r.disk.Syncs())
}

func TestGetID(t *testing.T) {
	r := newRig(t, false, 16)
	r.setup(8)
	r.request(reqGetID, 0, bufBase, 20)
	r.notify()
	got := r.ram(bufBase, 20)
	assert.Equal(t, "rvemu-virtio-blk", string(bytes.TrimRight(got, "\x00")))
}

// Requests laid out differently from xv6: header and data in one
// descriptor, data scattered over several, status sharing a descriptor.
func TestOddLayouts(t *testing.T) {
	r := newRig(t, false, 16)
	r.setup(16)
	data := pattern(1024, 0x40)

	// OUT with header+first 512 data bytes in one descriptor.
	r.header(bufBase, reqOut, 2)
	require.NoError(t, r.bus.WriteDMA(bufBase+16, data[:512]))
	require.NoError(t, r.bus.WriteDMA(bufBase+0x1000, data[512:]))
	st := uint64(bufBase + 0x3000)
	r.post(desc{bufBase, 16 + 512, 0}, desc{bufBase + 0x1000, 512, 0}, desc{st, 1, descWrite})
	r.notify()
	require.Equal(t, byte(statusOK), r.status(st))
	assert.Equal(t, data, r.disk.Bytes()[2*512:4*512])

	// IN with the data split 3 ways and the status byte at the end of the
	// last data descriptor.
	r.header(bufBase, reqIn, 2)
	a, b, c := uint64(bufBase+0x4000), uint64(bufBase+0x5000), uint64(bufBase+0x6000)
	head := r.post(desc{bufBase, 16, 0}, desc{a, 100, descWrite}, desc{b, 412, descWrite}, desc{c, 513, descWrite})
	r.notify()
	assert.Equal(t, byte(statusOK), r.status(c+512))
	got := append(append(r.ram(a, 100), r.ram(b, 412)...), r.ram(c, 512)...)
	assert.Equal(t, data, got)
	id, n := r.usedElem(1)
	assert.Equal(t, uint32(head), id)
	assert.Equal(t, uint32(1025), n)
}

func TestBatchAndWrap(t *testing.T) {
	for _, l := range layouts {
		t.Run(l.name, func(t *testing.T) {
			r := newRig(t, l.legacy, 64)
			r.setup(8) // 3 descriptors a request: the ring wraps quickly
			for round := 0; round < 10; round++ {
				var status [2]uint64
				for i := range status {
					sector := uint64(round*2 + i)
					_, status[i] = r.request(reqIn, sector, bufBase+uint64(i)*0x1000, 512)
				}
				raised := r.irq.raised
				r.notify()
				assert.Equal(t, raised+1, r.irq.raised, "one interrupt per notify")
				for i, st := range status {
					sector := round*2 + i
					require.Equal(t, byte(statusOK), r.status(st))
					assert.Equal(t, r.disk.Bytes()[sector*512:(sector+1)*512], r.ram(bufBase+uint64(i)*0x1000, 512))
				}
				assert.Equal(t, uint16(2*round+2), r.u16(r.used+2))
				r.wr(regInterruptACK, r.rd(regInterruptStatus))
			}
		})
	}
}

func TestSpuriousNotify(t *testing.T) {
	r := newRig(t, false, 8)
	r.notify() // before setup
	r.setup(8)
	r.notify()              // nothing available
	r.wr(regQueueNotify, 1) // a queue that does not exist
	assert.Zero(t, r.irq.raised)
	assert.Zero(t, r.u16(r.used+2))
}

func TestNoInterruptFlag(t *testing.T) {
	r := newRig(t, false, 8)
	r.setup(8)
	r.put16(r.avail, availNoInterrupt)
	_, st := r.request(reqIn, 0, bufBase, 512)
	r.notify()
	assert.Equal(t, byte(statusOK), r.status(st))
	assert.False(t, r.irq.level)
	assert.Zero(t, r.rd(regInterruptStatus))
}

func TestLegacyQueueAlign(t *testing.T) {
	r := newRig(t, true, 8)
	r.setup(8)
	// Move the rings: a 64-byte alignment puts the used ring right after
	// the available ring instead of on the next page.
	r.wr(regQueueAlign, 64)
	r.used = (r.avail + 2*(3+8) + 63) &^ 63
	_, st := r.request(reqIn, 1, bufBase, 512)
	r.notify()
	assert.Equal(t, byte(statusOK), r.status(st))
	assert.Equal(t, uint16(1), r.u16(r.used+2))
}

func TestFileDiskDurableAfterFlush(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fs.img")
	require.NoError(t, os.WriteFile(path, make([]byte, 8*512), 0o644))
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	require.NoError(t, err)
	defer f.Close()
	disk, err := NewFileDisk(f)
	require.NoError(t, err)
	assert.Equal(t, int64(8*512), disk.Size())

	b := bus.New(ramBase, ramSize)
	r := &rig{t: t, bus: b, irq: &wire{}, legacy: false}
	r.dev = NewBlock(b, r.irq, disk, false)
	r.setup(8)
	assert.Equal(t, uint64(8), r.dev.Read(regConfig+cfgCapacity, 8))

	data := pattern(512, 0x99)
	require.NoError(t, r.bus.WriteDMA(bufBase, data))
	_, st := r.request(reqOut, 7, bufBase, 512)
	r.notify()
	require.Equal(t, byte(statusOK), r.status(st))
	_, st = r.request(reqFlush, 0, 0, 0)
	r.notify()
	require.Equal(t, byte(statusOK), r.status(st))

	onDisk, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, data, onDisk[7*512:])
}

func TestReadOnlyFileDiskReportsIOErr(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ro.img")
	require.NoError(t, os.WriteFile(path, make([]byte, 4*512), 0o644))
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	disk, err := NewFileDisk(f)
	require.NoError(t, err)

	b := bus.New(ramBase, ramSize)
	r := &rig{t: t, bus: b, irq: &wire{}}
	r.dev = NewBlock(b, r.irq, disk, false)
	r.dev.log.printf = func(string, ...any) {}
	r.setup(8)
	_, st := r.request(reqOut, 0, bufBase, 512)
	r.notify()
	assert.Equal(t, byte(statusIOErr), r.status(st))
}
