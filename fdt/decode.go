package fdt

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// ErrFormat reports a blob that is not a well-formed device tree.
var ErrFormat = errors.New("fdt: malformed blob")

// Decode parses a blob back into a tree. It checks the header and every
// token, so tests can use it to prove that Encode produced a valid blob.
func Decode(blob []byte) (*Node, error) {
	if len(blob) < headerSize {
		return nil, fmt.Errorf("%w: %d bytes, shorter than the header", ErrFormat, len(blob))
	}
	be := binary.BigEndian
	if be.Uint32(blob) != Magic {
		return nil, fmt.Errorf("%w: bad magic %#x", ErrFormat, be.Uint32(blob))
	}
	total := be.Uint32(blob[4:])
	structOff, stringsOff := be.Uint32(blob[8:]), be.Uint32(blob[12:])
	stringsSize, structSize := be.Uint32(blob[32:]), be.Uint32(blob[36:])
	if int(total) > len(blob) || uint64(structOff)+uint64(structSize) > uint64(total) ||
		uint64(stringsOff)+uint64(stringsSize) > uint64(total) {
		return nil, fmt.Errorf("%w: blocks outside the blob", ErrFormat)
	}
	d := decoder{s: blob[structOff : structOff+structSize], strs: blob[stringsOff : stringsOff+stringsSize]}
	tok, err := d.token()
	if err != nil || tok != tokenBeginNode {
		return nil, fmt.Errorf("%w: tree does not start with a node", ErrFormat)
	}
	root, err := d.node()
	if err != nil {
		return nil, err
	}
	if tok, err := d.token(); err != nil || tok != tokenEnd {
		return nil, fmt.Errorf("%w: missing end token", ErrFormat)
	}
	return root, nil
}

type decoder struct {
	s, strs []byte
	pos     int
}

func (d *decoder) u32() (uint32, error) {
	if d.pos+4 > len(d.s) {
		return 0, fmt.Errorf("%w: structure block truncated", ErrFormat)
	}
	v := binary.BigEndian.Uint32(d.s[d.pos:])
	d.pos += 4
	return v, nil
}

// token skips NOPs and returns the next structural token.
func (d *decoder) token() (uint32, error) {
	for {
		t, err := d.u32()
		if err != nil || t != tokenNop {
			return t, err
		}
	}
}

func (d *decoder) align() { d.pos = (d.pos + 3) &^ 3 }

func (d *decoder) cstring(b []byte, at int) (string, int, error) {
	if at < 0 || at > len(b) {
		return "", 0, fmt.Errorf("%w: string offset out of range", ErrFormat)
	}
	end := bytes.IndexByte(b[at:], 0)
	if end < 0 {
		return "", 0, fmt.Errorf("%w: unterminated string", ErrFormat)
	}
	return string(b[at : at+end]), at + end + 1, nil
}

// node parses one node body after its BEGIN_NODE token.
func (d *decoder) node() (*Node, error) {
	name, next, err := d.cstring(d.s, d.pos)
	if err != nil {
		return nil, err
	}
	d.pos = next
	d.align()
	n := &Node{Name: name}
	for {
		tok, err := d.token()
		if err != nil {
			return nil, err
		}
		switch tok {
		case tokenProp:
			size, err := d.u32()
			if err != nil {
				return nil, err
			}
			nameOff, err := d.u32()
			if err != nil {
				return nil, err
			}
			if d.pos+int(size) > len(d.s) {
				return nil, fmt.Errorf("%w: property overruns the structure block", ErrFormat)
			}
			pname, _, err := d.cstring(d.strs, int(nameOff))
			if err != nil {
				return nil, err
			}
			var val []byte
			if size > 0 {
				val = append([]byte(nil), d.s[d.pos:d.pos+int(size)]...)
			}
			n.Props = append(n.Props, Property{pname, val})
			d.pos += int(size)
			d.align()
		case tokenBeginNode:
			c, err := d.node()
			if err != nil {
				return nil, err
			}
			n.Children = append(n.Children, c)
		case tokenEndNode:
			return n, nil
		default:
			return nil, fmt.Errorf("%w: unexpected token %d", ErrFormat, tok)
		}
	}
}
