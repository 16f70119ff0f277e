package pcap

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// ReadFrames calls fn with each frame of a classic libpcap capture (ours,
// or QEMU's filter-dump: either byte order, micro- or nanosecond stamps),
// in order. A record cut short at the end (the writer was killed) ends the
// capture without an error.
func ReadFrames(r io.Reader, fn func(frame []byte) error) error {
	var h [24]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return fmt.Errorf("pcap: no file header: %w", err)
	}
	var order binary.ByteOrder
	switch m := binary.LittleEndian.Uint32(h[0:]); m {
	case magic, magicNano:
		order = binary.LittleEndian
	default:
		if b := binary.BigEndian.Uint32(h[0:]); b == magic || b == magicNano {
			order = binary.BigEndian
		} else {
			return fmt.Errorf("pcap: not a capture (magic %#x)", m)
		}
	}
	if link := order.Uint32(h[20:]); link != linkEthernet {
		return fmt.Errorf("pcap: link type %d, not Ethernet", link)
	}
	var rec [16]byte
	var frame []byte
	for {
		if _, err := io.ReadFull(r, rec[:]); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return nil
			}
			return err
		}
		n := order.Uint32(rec[8:])
		if n > snapLen {
			return fmt.Errorf("pcap: a record of %d bytes", n)
		}
		frame = append(frame[:0], make([]byte, n)...)
		if _, err := io.ReadFull(r, frame); err != nil {
			return nil
		}
		if err := fn(frame); err != nil {
			return err
		}
	}
}
