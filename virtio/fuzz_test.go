package virtio

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"
)

// fuzzRing is how FuzzDescriptorChains reads its input:
//
//	byte 0      bit 0: legacy layout
//	byte 1      queue size - 1 (mod 16)
//	bytes 2-3   avail.idx the driver publishes
//	then        one u16 head per avail slot
//	then        16 bytes per descriptor: addr, len, flags, next as the
//	            guest wrote them, except that an addr below 2^63 is taken
//	            modulo the RAM size and placed in RAM, so that most chains
//	            reach real buffers while the rest point anywhere
//	then        up to 4 KiB of buffer contents at bufBase (headers)
type fuzzRing struct {
	legacy   bool
	num      uint32
	availIdx uint16
	heads    []uint16
	descs    []byte
	buffers  []byte
}

func parseFuzzRing(data []byte) (fuzzRing, bool) {
	if len(data) < 4 {
		return fuzzRing{}, false
	}
	r := fuzzRing{legacy: data[0]&1 != 0, num: uint32(data[1]%16) + 1}
	r.availIdx = binary.LittleEndian.Uint16(data[2:])
	data = data[4:]
	for i := uint32(0); i < r.num; i++ {
		var h uint16
		if len(data) >= 2 {
			h, data = binary.LittleEndian.Uint16(data), data[2:]
		}
		r.heads = append(r.heads, h)
	}
	r.descs = make([]byte, descSize*r.num)
	n := copy(r.descs, data)
	data = data[n:]
	for i := uint32(0); i < r.num; i++ {
		addr := binary.LittleEndian.Uint64(r.descs[descSize*i:])
		if addr>>63 == 0 {
			addr = ramBase + addr%ramSize
		}
		binary.LittleEndian.PutUint64(r.descs[descSize*i:], addr)
	}
	if len(data) > 4096 {
		data = data[:4096]
	}
	r.buffers = data
	return r, true
}

// FuzzDescriptorChains hands the device arbitrary rings: loops, indices past
// the queue, addresses outside RAM, lengths up to 4 GiB, both layouts. The
// device must not panic or hang, must finish each notify having either
// served every available entry or stopped the queue (NEEDS_RESET), never
// report more completions than were offered, never change the disk's size,
// and log each cause of trouble at most once.
func FuzzDescriptorChains(f *testing.F) {
	hdr := func(typ uint32, sector uint64) []byte {
		b := make([]byte, headerSize)
		binary.LittleEndian.PutUint32(b, typ)
		binary.LittleEndian.PutUint64(b[8:], sector)
		return b
	}
	d := func(addr uint64, n uint32, flags, next uint16) []byte {
		b := make([]byte, descSize)
		binary.LittleEndian.PutUint64(b, addr)
		binary.LittleEndian.PutUint32(b[8:], n)
		binary.LittleEndian.PutUint16(b[12:], flags)
		binary.LittleEndian.PutUint16(b[14:], next)
		return b
	}
	cat := func(parts ...[]byte) []byte {
		var out []byte
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	const buf = bufBase - ramBase // offsets: the parser adds ramBase
	for _, legacy := range []byte{0, 1} {
		// A good read: header, 512-byte buffer, status.
		f.Add(cat([]byte{legacy, 2, 1, 0, 0, 0, 0, 0, 0, 0},
			d(buf, 16, descNext, 1), d(buf+0x1000, 512, descNext|descWrite, 2), d(buf+0x800, 1, descWrite, 0),
			hdr(reqIn, 3)))
		// A write then a flush.
		f.Add(cat([]byte{legacy, 4, 2, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0},
			d(buf, 16, descNext, 1), d(buf+0x1000, 1024, descNext, 2), d(buf+0x800, 1, descWrite, 0),
			d(buf+0x20, 16, descNext, 4), d(buf+0x801, 1, descWrite, 0),
			hdr(reqOut, 1), make([]byte, 16), hdr(reqFlush, 0)))
		// A chain that loops.
		f.Add(cat([]byte{legacy, 1, 1, 0, 0, 0, 0, 0},
			d(buf, 16, descNext, 1), d(buf+0x800, 1, descNext|descWrite, 0), hdr(reqIn, 0)))
		// A buffer of 4 GiB - 1 and one outside RAM.
		f.Add(cat([]byte{legacy, 2, 1, 0, 0, 0, 0, 0, 0, 0},
			d(buf, 16, descNext, 1), d(buf+0x1000, 0xffff_ffff, descNext|descWrite, 2),
			d(0x8000_0000_0000_1000, 1, descWrite, 0), hdr(reqIn, 0)))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in, ok := parseFuzzRing(data)
		if !ok {
			return
		}
		r := newRig(t, in.legacy, 16)
		r.setup(in.num)
		require.NoError(t, r.bus.WriteDMA(r.desc, in.descs))
		for i, h := range in.heads {
			r.put16(r.avail+4+2*uint64(i), h)
		}
		if len(in.buffers) > 0 {
			require.NoError(t, r.bus.WriteDMA(bufBase, in.buffers))
		}
		r.put16(r.avail+2, in.availIdx)
		size := r.disk.Size()

		r.notify()
		r.notify() // a stopped queue stays stopped; a served one has nothing new

		used := r.u16(r.used + 2)
		stopped := r.rd(regStatus)&statusNeedsReset != 0
		if uint32(in.availIdx) <= in.num {
			require.LessOrEqual(t, used, in.availIdx, "more completions than requests")
		}
		if !stopped {
			require.Equal(t, in.availIdx, used, "queue neither drained nor stopped")
		}
		require.Equal(t, size, r.disk.Size())
		seen := map[string]bool{}
		for _, l := range r.logs {
			require.False(t, seen[l], "logged twice: %s", l)
			seen[l] = true
		}
	})
}

// FuzzRegisters drives the device's registers with an arbitrary sequence
// of reads and writes (any offset, any size) and notifies, over RAM that
// holds one well-formed request at the rings the setup seed uses. Nothing
// may panic, the identification registers never change, the disk keeps its
// size, and each cause of trouble is logged at most once.
//
// Input: byte 0 bit 0 selects the legacy layout; then 6-byte records:
// kind (bit 0 write, bits 1-2 size 1/2/4/8), offset/4, value (u32).
func FuzzRegisters(f *testing.F) {
	rec := func(write bool, off uint64, v uint32) []byte {
		b := []byte{2 << 1, byte(off / 4), 0, 0, 0, 0} // size code 2: 4 bytes
		if write {
			b[0] |= 1
		}
		binary.LittleEndian.PutUint32(b[2:], v)
		return b
	}
	for _, legacy := range []bool{false, true} {
		seed := []byte{0}
		if legacy {
			seed[0] = 1
		}
		add := func(write bool, off uint64, v uint32) { seed = append(seed, rec(write, off, v)...) }
		add(false, regMagic, 0)
		add(true, regStatus, 0)
		add(true, regStatus, statusAcknowledge|statusDriver)
		add(true, regDriverFeatures, 0)
		add(true, regStatus, statusAcknowledge|statusDriver|statusFeaturesOK)
		add(true, regQueueSel, 0)
		add(true, regQueueNum, 8)
		if legacy {
			add(true, regGuestPageSize, 4096)
			add(true, regQueuePFN, uint32(ringBase/4096))
		} else {
			add(true, regQueueDescLow, uint32(ringBase))
			add(true, regQueueDriverLow, uint32(ringBase+16*8))
			add(true, regQueueDeviceLow, uint32(ringBase+0x1000))
			add(true, regQueueReady, 1)
		}
		add(true, regStatus, statusAcknowledge|statusDriver|statusFeaturesOK|statusDriverOK)
		add(true, regQueueNotify, 0)
		add(false, regInterruptStatus, 0)
		add(true, regInterruptACK, 1)
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 1 || len(data) > 6*256 {
			return
		}
		r := newRig(t, data[0]&1 != 0, 16)
		// One read request in the layout both setups above produce:
		// descriptors at ringBase, avail ring right after 8 of them.
		hdr := uint64(bufBase)
		require.NoError(t, r.bus.WriteU32(hdr, reqIn))
		for i, d := range []struct {
			addr  uint64
			n     uint32
			flags uint16
		}{{hdr, headerSize, descNext}, {bufBase + 0x1000, 512, descNext | descWrite}, {bufBase + 0x800, 1, descWrite}} {
			base := uint64(ringBase + 16*i)
			require.NoError(t, r.bus.WriteU64(base, d.addr))
			require.NoError(t, r.bus.WriteU32(base+8, d.n))
			r.put16(base+12, d.flags)
			r.put16(base+14, uint16(i+1))
		}
		r.put16(ringBase+16*8+2, 1) // avail.idx: one request at slot 0 (head 0)
		size := r.disk.Size()

		for rest := data[1:]; len(rest) >= 6; rest = rest[6:] {
			write, width := rest[0]&1 != 0, 1<<(rest[0]>>1&3)
			off := uint64(rest[1]) * 4
			v := binary.LittleEndian.Uint32(rest[2:])
			if write {
				r.dev.Write(off, width, uint64(v))
			} else {
				r.dev.Read(off, width)
			}
		}
		require.Equal(t, uint32(magicValue), r.rd(regMagic))
		require.Equal(t, uint32(deviceBlk), r.rd(regDeviceID))
		require.Equal(t, size, r.disk.Size())
		seen := map[string]bool{}
		for _, l := range r.logs {
			require.False(t, seen[l], "logged twice: %s", l)
			seen[l] = true
		}
	})
}
