package virtio

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Request types and status values of the block device.
const (
	reqIn    = 0
	reqOut   = 1
	reqFlush = 4
	reqGetID = 8

	statusOK     = 0
	statusIOErr  = 1
	statusUnsupp = 2

	headerSize = 16 // type u32, reserved u32, sector u64
	idSize     = 20
)

// deviceID is what GET_ID returns (zero-padded to 20 bytes).
var deviceID = []byte("rvemu-virtio-blk")

// serve executes one request given as its descriptor chain: device-readable
// segments (header, then data for OUT) followed by device-writable ones
// (data for IN, then the status byte). It returns the number of bytes
// written into the chain. An error means not even the status byte could be
// written; every other problem is reported to the driver as IOERR/UNSUPP.
func (d *Block) serve(head uint16, segs []segment) (uint32, error) {
	nr := 0
	for nr < len(segs) && !segs[nr].write {
		nr++
	}
	readable, writable := segs[:nr], segs[nr:]
	for _, s := range writable {
		if !s.write {
			return 0, fmt.Errorf("%w: readable descriptor after a writable one", errChain)
		}
	}
	// The status byte is the last byte of the writable part.
	for len(writable) > 0 && writable[len(writable)-1].len == 0 {
		writable = writable[:len(writable)-1]
	}
	if len(writable) == 0 {
		return 0, fmt.Errorf("%w: no writable byte for the status", errChain)
	}
	last := writable[len(writable)-1]
	statusAddr := last.addr + uint64(last.len) - 1
	dataIn := trimEnd(writable, 1)

	status, written := d.execute(readable, dataIn)
	if d.requestHook != nil {
		d.traceRequest(head, readable, dataIn, status)
	}
	if err := d.bus.WriteDMA(statusAddr, []byte{status}); err != nil {
		return 0, fmt.Errorf("status byte at %#x outside RAM", statusAddr)
	}
	return written + 1, nil
}

// execute runs the request and returns its status and the data bytes
// written to the driver.
func (d *Block) execute(readable, dataIn []segment) (status uint8, written uint32) {
	var hdr [headerSize]byte
	if err := d.gather(readable, hdr[:]); err != nil {
		d.log.report("header", "request header: %v", err)
		return statusIOErr, 0
	}
	typ := binary.LittleEndian.Uint32(hdr[0:])
	sector := binary.LittleEndian.Uint64(hdr[8:])
	dataOut := trimStart(readable, headerSize)

	switch typ {
	case reqIn:
		n, err := d.transfer(dataIn, sector, false)
		if err != nil {
			d.log.report("read", "read at sector %d: %v", sector, err)
			return statusIOErr, 0
		}
		return statusOK, n
	case reqOut:
		if _, err := d.transfer(dataOut, sector, true); err != nil {
			d.log.report("write", "write at sector %d: %v", sector, err)
			return statusIOErr, 0
		}
		return statusOK, 0
	case reqFlush:
		if err := d.disk.Sync(); err != nil {
			d.log.report("flush", "flush: %v", err)
			return statusIOErr, 0
		}
		return statusOK, 0
	case reqGetID:
		var id [idSize]byte
		copy(id[:], deviceID)
		n, err := d.scatter(dataIn, id[:])
		if err != nil {
			d.log.report("getid", "get-id buffer: %v", err)
			return statusIOErr, 0
		}
		return statusOK, n
	}
	d.log.report(fmt.Sprint("type", typ), "unsupported request type %d", typ)
	return statusUnsupp, 0
}

var errRange = errors.New("beyond the end of the disk or not whole sectors")

// transfer moves whole sectors between the disk, starting at sector, and the
// guest buffers in segs, straight into or out of guest RAM. Bounds and RAM
// ranges are checked before any byte moves.
func (d *Block) transfer(segs []segment, sector uint64, toDisk bool) (uint32, error) {
	var total uint64
	for _, s := range segs {
		if !d.bus.InRAM(s.addr, uint64(s.len)) {
			return 0, fmt.Errorf("buffer %#x+%d: %w", s.addr, s.len, errDMA)
		}
		total += uint64(s.len)
	}
	size := uint64(d.disk.Size())
	if total%sectorSize != 0 || sector > size/sectorSize || total > size-sector*sectorSize {
		return 0, errRange
	}
	pos := int64(sector * sectorSize)
	for _, s := range segs {
		buf := d.ram(s.addr, s.len)
		var err error
		if toDisk {
			_, err = d.disk.WriteAt(buf, pos)
		} else {
			_, err = d.disk.ReadAt(buf, pos)
			if d.bus.RAMWritten != nil && len(buf) > 0 {
				d.bus.RAMWritten(s.addr, uint64(len(buf)))
			}
		}
		if err != nil {
			return 0, err
		}
		pos += int64(s.len)
	}
	return uint32(total), nil
}

var errDMA = errors.New("outside RAM")

// ram is the guest RAM behind [addr, addr+n); the caller checked InRAM.
func (d *Block) ram(addr uint64, n uint32) []byte {
	off := addr - d.bus.RAMBase
	return d.bus.RAM[off : off+uint64(n) : off+uint64(n)]
}

// gather fills dst from the start of the segments.
func (d *Block) gather(segs []segment, dst []byte) error {
	for _, s := range segs {
		if len(dst) == 0 {
			break
		}
		n := min(uint64(s.len), uint64(len(dst)))
		if err := d.bus.ReadDMA(s.addr, dst[:n]); err != nil {
			return fmt.Errorf("%#x+%d: %w", s.addr, n, errDMA)
		}
		dst = dst[n:]
	}
	if len(dst) != 0 {
		return errors.New("shorter than the 16-byte header")
	}
	return nil
}

// scatter copies src into the segments as far as they reach.
func (d *Block) scatter(segs []segment, src []byte) (uint32, error) {
	var done uint32
	for _, s := range segs {
		if len(src) == 0 {
			break
		}
		n := min(uint64(s.len), uint64(len(src)))
		if err := d.bus.WriteDMA(s.addr, src[:n]); err != nil {
			return done, fmt.Errorf("%#x+%d: %w", s.addr, n, errDMA)
		}
		src = src[n:]
		done += uint32(n)
	}
	return done, nil
}

// trimStart drops the first n bytes of a segment list. It returns a new
// slice only when a segment must be split; the common case (header in a
// descriptor of its own) allocates nothing.
func trimStart(segs []segment, n uint64) []segment {
	for len(segs) > 0 && n > 0 {
		if uint64(segs[0].len) > n {
			first := segs[0]
			first.addr += n
			first.len -= uint32(n)
			return append([]segment{first}, segs[1:]...)
		}
		n -= uint64(segs[0].len)
		segs = segs[1:]
	}
	return segs
}

// trimEnd drops the last n bytes of a segment list (the status byte).
func trimEnd(segs []segment, n uint64) []segment {
	for len(segs) > 0 && n > 0 {
		last := segs[len(segs)-1]
		if uint64(last.len) > n {
			last.len -= uint32(n)
			out := append([]segment(nil), segs[:len(segs)-1]...)
			return append(out, last)
		}
		n -= uint64(last.len)
		segs = segs[:len(segs)-1]
	}
	return segs
}
