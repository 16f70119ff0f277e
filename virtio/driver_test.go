package virtio

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/bus"
)

// This file is a minimal virtio driver for the tests: it sets the device up
// the way xv6 does (legacy or modern) and builds rings in guest RAM.

const (
	ramBase  = 0x8000_0000
	ramSize  = 1 << 20
	ringBase = ramBase + 0x10000 // page aligned
	bufBase  = ramBase + 0x40000
)

// wire records the device's interrupt line; raised counts Set(true) calls,
// which is what the PLIC latches.
type wire struct {
	level  bool
	raised int
}

func (w *wire) Set(level bool) {
	w.level = level
	if level {
		w.raised++
	}
}

type rig struct {
	t      *testing.T
	bus    *bus.Bus
	irq    *wire
	disk   *MemDisk
	dev    *Block
	legacy bool
	logs   []string

	num                uint32
	desc, avail, used  uint64
	nextDesc, availIdx uint16
}

// newRig makes a bus with RAM, a disk of sectors sectors filled with a
// per-sector pattern, and a device in the chosen layout.
func newRig(t *testing.T, legacy bool, sectors int) *rig {
	t.Helper()
	b := bus.New(ramBase, ramSize)
	data := make([]byte, sectors*sectorSize)
	for i := range data {
		data[i] = byte(i/sectorSize) ^ byte(i)
	}
	r := &rig{t: t, bus: b, irq: &wire{}, disk: NewMemDisk(data), legacy: legacy}
	r.dev = NewBlock(b, r.irq, r.disk, legacy)
	r.dev.log.printf = func(format string, args ...any) {
		r.logs = append(r.logs, fmt.Sprintf(format, args...))
	}
	return r
}

func (r *rig) rd(off uint64) uint32      { return uint32(r.dev.Read(off, 4)) }
func (r *rig) wr(off uint64, v uint32)   { r.dev.Write(off, 4, uint64(v)) }
func (r *rig) orStatus(bits uint32)      { r.wr(regStatus, r.rd(regStatus)|bits) }
func (r *rig) u16(pa uint64) uint16      { v, _ := r.bus.ReadU16(pa); return v }
func (r *rig) u32(pa uint64) uint32      { v, _ := r.bus.ReadU32(pa); return v }
func (r *rig) put16(pa uint64, v uint16) { require.NoError(r.t, r.bus.WriteU16(pa, v)) }

// setup runs the driver initialisation sequence with a queue of num entries.
func (r *rig) setup(num uint32) {
	t := r.t
	t.Helper()
	require.Equal(t, uint32(magicValue), r.rd(regMagic))
	require.Equal(t, uint32(deviceBlk), r.rd(regDeviceID))
	r.wr(regStatus, 0)
	r.orStatus(statusAcknowledge)
	r.orStatus(statusDriver)
	r.wr(regDeviceFeaturesSel, 0)
	feats := r.rd(regDeviceFeatures)
	r.wr(regDriverFeaturesSel, 0)
	r.wr(regDriverFeatures, feats&featFlush)
	r.orStatus(statusFeaturesOK)
	require.NotZero(t, r.rd(regStatus)&statusFeaturesOK)
	r.num = num
	r.wr(regQueueSel, 0)
	require.GreaterOrEqual(t, r.rd(regQueueNumMax), num)
	r.wr(regQueueNum, num)
	if r.legacy {
		// xv6's legacy layout: descriptors and avail ring in one page, used
		// ring in the next (QUEUE_ALIGN left at its 4096 default).
		r.wr(regGuestPageSize, 4096)
		r.wr(regQueuePFN, uint32(ringBase/4096))
		r.desc = ringBase
		r.avail = ringBase + 16*uint64(num)
		r.used = (r.avail + 2*(3+uint64(num)) + 4095) &^ 4095
	} else {
		require.Zero(t, r.rd(regQueueReady))
		r.desc, r.avail, r.used = ringBase, ringBase+0x4000, ringBase+0x8000
		r.wr(regQueueDescLow, uint32(r.desc))
		r.wr(regQueueDescHigh, uint32(r.desc>>32))
		r.wr(regQueueDriverLow, uint32(r.avail))
		r.wr(regQueueDriverHigh, uint32(r.avail>>32))
		r.wr(regQueueDeviceLow, uint32(r.used))
		r.wr(regQueueDeviceHigh, uint32(r.used>>32))
		r.wr(regQueueReady, 1)
	}
	r.orStatus(statusDriverOK)
}

// desc is one descriptor to place.
type desc struct {
	addr  uint64
	len   uint32
	flags uint16
}

// post writes a chain into the next free descriptors and makes it available
// (without notifying). It returns the head index.
func (r *rig) post(chain ...desc) uint16 {
	head := r.nextDesc
	for i, d := range chain {
		idx := uint64(r.nextDesc)
		r.nextDesc = uint16((uint32(r.nextDesc) + 1) % r.num)
		flags := d.flags
		next := uint16(0)
		if i+1 < len(chain) {
			flags |= descNext
			next = r.nextDesc
		}
		base := r.desc + 16*idx
		require.NoError(r.t, r.bus.WriteU64(base, d.addr))
		require.NoError(r.t, r.bus.WriteU32(base+8, d.len))
		r.put16(base+12, flags)
		r.put16(base+14, next)
	}
	r.put16(r.avail+4+2*uint64(uint32(r.availIdx)%r.num), head)
	r.availIdx++
	r.put16(r.avail+2, r.availIdx)
	return head
}

func (r *rig) notify() { r.wr(regQueueNotify, 0) }

// header writes a request header at pa.
func (r *rig) header(pa uint64, typ uint32, sector uint64) desc {
	require.NoError(r.t, r.bus.WriteU32(pa, typ))
	require.NoError(r.t, r.bus.WriteU32(pa+4, 0))
	require.NoError(r.t, r.bus.WriteU64(pa+8, sector))
	return desc{addr: pa, len: headerSize}
}

// request posts the usual three-descriptor chain (header, data, status),
// with the status byte preset to 0xff so that a write to it is visible.
func (r *rig) request(typ uint32, sector uint64, data uint64, n uint32) (head uint16, statusPA uint64) {
	hdrPA := bufBase - 0x100 + 32*uint64(r.availIdx%8)
	statusPA = hdrPA + 16
	require.NoError(r.t, r.bus.WriteDMA(statusPA, []byte{0xff}))
	var dataFlags uint16
	if typ != reqOut {
		dataFlags = descWrite
	}
	chain := []desc{r.header(hdrPA, typ, sector)}
	if n > 0 {
		chain = append(chain, desc{addr: data, len: n, flags: dataFlags})
	}
	chain = append(chain, desc{addr: statusPA, len: 1, flags: descWrite})
	return r.post(chain...), statusPA
}

// usedElem returns entry i of the used ring.
func (r *rig) usedElem(i uint16) (id, n uint32) {
	e := r.used + 4 + 8*uint64(uint32(i)%r.num)
	return r.u32(e), r.u32(e + 4)
}

func (r *rig) status(pa uint64) byte {
	var b [1]byte
	require.NoError(r.t, r.bus.ReadDMA(pa, b[:]))
	return b[0]
}

func (r *rig) ram(pa uint64, n int) []byte {
	p := make([]byte, n)
	require.NoError(r.t, r.bus.ReadDMA(pa, p))
	return p
}
