package virtio

import "encoding/binary"

// Request describes one served block request, for the board's
// "--trace virtio": what the driver asked for and what it got back.
type Request struct {
	Type   uint32 // 0 read (IN), 1 write (OUT), 4 flush, 8 get-id
	Sector uint64
	Length uint32 // data bytes in the chain (without header and status)
	Status uint8  // 0 OK, 1 IOERR, 2 UNSUPP
	Head   uint16 // descriptor index of the chain's head
}

// TypeName is the request type as the virtio spec names it.
func (r Request) TypeName() string {
	switch r.Type {
	case reqIn:
		return "read"
	case reqOut:
		return "write"
	case reqFlush:
		return "flush"
	case reqGetID:
		return "get-id"
	}
	return "unknown"
}

// StatusName is the request status as the virtio spec names it.
func (r Request) StatusName() string {
	switch r.Status {
	case statusOK:
		return "ok"
	case statusIOErr:
		return "ioerr"
	case statusUnsupp:
		return "unsupp"
	}
	return "?"
}

// SetRequestHook makes the device call fn after serving each request; nil
// removes it. Without a hook serving costs nothing extra.
func (d *Block) SetRequestHook(fn func(Request)) { d.requestHook = fn }

// traceRequest re-reads the header (only when a hook is installed) and
// reports the request.
func (d *Block) traceRequest(head uint16, readable, dataIn []segment, status uint8) {
	var hdr [headerSize]byte
	r := Request{Head: head, Status: status, Type: ^uint32(0)}
	if d.gather(readable, hdr[:]) == nil {
		r.Type = binary.LittleEndian.Uint32(hdr[0:])
		r.Sector = binary.LittleEndian.Uint64(hdr[8:])
	}
	data := dataIn
	if r.Type == reqOut {
		data = trimStart(readable, headerSize)
	}
	for _, s := range data {
		r.Length += s.len
	}
	d.requestHook(r)
}
