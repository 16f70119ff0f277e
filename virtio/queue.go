package virtio

import (
	"errors"
	"fmt"
)

// Descriptor flags.
const (
	descNext     = 1
	descWrite    = 2
	descIndirect = 4

	availNoInterrupt = 1

	descSize = 16
)

// queue is the state of the one split virtqueue.
type queue struct {
	num uint32 // QUEUE_NUM; 0 until the driver sets it

	// Legacy layout: the rings sit in one block at pfn*guestPageSize, the
	// used ring aligned to align.
	pfn   uint32
	align uint32

	// Modern layout: the driver gives each ring's address.
	ready                bool
	desc, driver, device uint64

	lastAvail uint16 // next avail entry to serve
	usedIdx   uint16 // device's copy of used.idx
	broken    bool   // a ring error stopped the queue until reset
}

// segment is one descriptor of a chain.
type segment struct {
	addr  uint64
	len   uint32
	write bool
}

// rings returns the addresses of the descriptor table, the available
// (driver) ring and the used (device) ring, and whether the queue is set up.
func (d *Block) rings() (desc, avail, used uint64, ok bool) {
	q := &d.q
	if q.num == 0 {
		return 0, 0, 0, false
	}
	if !d.legacy {
		return q.desc, q.driver, q.device, q.ready
	}
	if q.pfn == 0 {
		return 0, 0, 0, false
	}
	desc = uint64(q.pfn) * uint64(d.guestPageSize)
	avail = desc + descSize*uint64(q.num)
	// flags, idx, ring[num], used_event: 2 bytes each.
	availEnd := avail + 2*(3+uint64(q.num))
	align := uint64(q.align)
	if align == 0 {
		align = 1
	}
	used = (availEnd + align - 1) / align * align
	return desc, avail, used, true
}

var errChain = errors.New("bad descriptor chain")

// chain reads the descriptor chain starting at head into d.segs. It follows
// at most num descriptors, so a looping chain ends in an error instead of
// hanging the machine loop.
func (d *Block) chain(desc uint64, head uint16) ([]segment, error) {
	segs := d.segs[:0]
	idx := uint32(head)
	for n := uint32(0); ; n++ {
		if n >= d.q.num {
			return nil, fmt.Errorf("%w: longer than the queue (loop?)", errChain)
		}
		if idx >= d.q.num {
			return nil, fmt.Errorf("%w: descriptor index %d >= queue size %d", errChain, idx, d.q.num)
		}
		base := desc + descSize*uint64(idx)
		addr, err1 := d.bus.ReadU64(base)
		length, err2 := d.bus.ReadU32(base + 8)
		flags, err3 := d.bus.ReadU16(base + 12)
		next, err4 := d.bus.ReadU16(base + 14)
		if err := errors.Join(err1, err2, err3, err4); err != nil {
			return nil, fmt.Errorf("%w: descriptor table at %#x: %v", errChain, base, err)
		}
		if flags&descIndirect != 0 {
			return nil, fmt.Errorf("%w: indirect descriptor (not offered)", errChain)
		}
		segs = append(segs, segment{addr: addr, len: length, write: flags&descWrite != 0})
		if flags&descNext == 0 {
			break
		}
		idx = uint32(next)
	}
	d.segs = segs
	return segs, nil
}

// notify serves every request the driver has made available and interrupts
// once if any completed (unless the driver suppressed interrupts).
func (d *Block) notify() {
	_, avail, _, ok := d.rings()
	if !ok || d.q.broken {
		return
	}
	if !d.serveAvailable() {
		return
	}
	flags, _ := d.bus.ReadU16(avail) // in RAM: avail.idx next to it was read
	if flags&availNoInterrupt == 0 {
		d.raise(intUsedRing)
	}
}

// serveAvailable completes requests until the available ring is empty or a
// ring error breaks the queue. It reports whether any request completed.
func (d *Block) serveAvailable() (served bool) {
	desc, avail, used, _ := d.rings()
	availIdx, err := d.bus.ReadU16(avail + 2)
	if err != nil {
		d.fail("avail", "available ring at %#x outside RAM", avail)
		return false
	}
	if uint32(availIdx-d.q.lastAvail) > d.q.num {
		d.fail("avail-idx", "available index jumped from %d to %d (queue size %d)", d.q.lastAvail, availIdx, d.q.num)
		return false
	}
	for d.q.lastAvail != availIdx {
		slot := uint64(uint32(d.q.lastAvail) % d.q.num)
		head, err := d.bus.ReadU16(avail + 4 + 2*slot)
		if err != nil {
			d.fail("avail", "available ring at %#x outside RAM", avail)
			return served
		}
		segs, err := d.chain(desc, head)
		if err != nil {
			d.fail("chain", "%v", err)
			return served
		}
		written, err := d.serve(head, segs)
		if err != nil {
			d.fail("status", "%v", err)
			return served
		}
		elem := used + 4 + 8*uint64(uint32(d.q.usedIdx)%d.q.num)
		if d.bus.WriteU32(elem, uint32(head)) != nil || d.bus.WriteU32(elem+4, written) != nil ||
			d.bus.WriteU16(used+2, d.q.usedIdx+1) != nil {
			d.fail("used", "used ring at %#x outside RAM", used)
			return served
		}
		d.q.lastAvail++
		d.q.usedIdx++
		served = true
	}
	return served
}
