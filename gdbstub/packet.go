package gdbstub

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// The remote serial protocol frames every message as $payload#cs, where cs
// is the modulo-256 sum of the payload bytes as two hex digits. The bytes
// $ # } * inside a payload are escaped as } followed by the byte xor 0x20.
// A lone 0x03 outside a packet is an interrupt request (Ctrl-C); + and -
// acknowledge packets while acknowledgements are on.

const (
	interruptByte = 0x03
	escapeByte    = '}'
	escapeXor     = 0x20
)

// frameKind says what readFrame found on the wire.
type frameKind int

const (
	framePacket    frameKind = iota // a packet with a good checksum
	frameBadSum                     // a packet whose checksum did not match
	frameInterrupt                  // 0x03
	frameAck                        // +
	frameNak                        // -
)

type frame struct {
	kind    frameKind
	payload []byte // unescaped; framePacket and frameBadSum only
}

// errPacketTooLong ends a connection that sends more than maxPacket bytes
// in one packet: no debugger does, so it is not a debugger.
var errPacketTooLong = errors.New("gdbstub: packet longer than the advertised size")

// maxPacket is the PacketSize we advertise (payload bytes gdb may send).
const maxPacket = 0x4000

// readFrame reads the next frame, skipping bytes that belong to none
// (line noise between packets).
func readFrame(r *bufio.Reader) (frame, error) {
	for {
		b, err := r.ReadByte()
		if err != nil {
			return frame{}, err
		}
		switch b {
		case '$':
			return readPacketBody(r)
		case interruptByte:
			return frame{kind: frameInterrupt}, nil
		case '+':
			return frame{kind: frameAck}, nil
		case '-':
			return frame{kind: frameNak}, nil
		}
	}
}

// readPacketBody reads after the $: payload up to #, then the checksum.
// The checksum covers the bytes as sent, escapes included.
func readPacketBody(r *bufio.Reader) (frame, error) {
	var payload []byte
	var sum byte
	escaped := false
	for {
		b, err := r.ReadByte()
		if err != nil {
			return frame{}, err
		}
		if b == '#' && !escaped {
			break
		}
		sum += b
		switch {
		case escaped:
			payload = append(payload, b^escapeXor)
			escaped = false
		case b == escapeByte:
			escaped = true
		default:
			payload = append(payload, b)
		}
		if len(payload) > maxPacket {
			return frame{}, errPacketTooLong
		}
	}
	var digits [2]byte
	if _, err := io.ReadFull(r, digits[:]); err != nil {
		return frame{}, err
	}
	want, ok := parseHexByte(digits[0], digits[1])
	if !ok || want != sum {
		return frame{kind: frameBadSum, payload: payload}, nil
	}
	return frame{kind: framePacket, payload: payload}, nil
}

// encodePacket frames payload for the wire, escaping what must be escaped.
// '*' is escaped too: gdb reads it as run-length encoding in replies.
func encodePacket(payload []byte) []byte {
	out := make([]byte, 0, len(payload)+8)
	out = append(out, '$')
	var sum byte
	for _, b := range payload {
		switch b {
		case '$', '#', escapeByte, '*':
			out = append(out, escapeByte, b^escapeXor)
			sum += escapeByte + (b ^ escapeXor)
		default:
			out = append(out, b)
			sum += b
		}
	}
	return fmt.Appendf(out, "#%02x", sum)
}

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func parseHexByte(hi, lo byte) (byte, bool) {
	h, ok1 := hexVal(hi)
	l, ok2 := hexVal(lo)
	return h<<4 | l, ok1 && ok2
}
