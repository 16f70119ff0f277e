// Package fdt builds flattened device tree blobs (the "dtb" format a boot
// loader hands to a kernel in a1) and parses them back for tests and tools.
// Only the subset a board needs: nodes, properties, an empty reservation map.
package fdt

import (
	"encoding/binary"
	"sort"
)

// Format constants of the devicetree specification (version 17 layout).
const (
	Magic            = 0xd00dfeed
	Version          = 17
	LastCompVersion  = 16
	headerSize       = 40
	tokenBeginNode   = 1
	tokenEndNode     = 2
	tokenProp        = 3
	tokenNop         = 4
	tokenEnd         = 9
	reserveEntrySize = 16
)

// Property is one name/value pair of a node. Values are raw bytes; use the
// helpers (U32, U64, String, Strings, Cells) to build them.
type Property struct {
	Name  string
	Value []byte
}

// Node is one node of the tree. The root node has an empty name.
type Node struct {
	Name     string
	Props    []Property
	Children []*Node
}

// NewNode returns an empty node called name (e.g. "uart@10000000").
func NewNode(name string) *Node { return &Node{Name: name} }

// Add appends a child and returns it, so trees read top-down in code.
func (n *Node) Add(child *Node) *Node {
	n.Children = append(n.Children, child)
	return child
}

// Set appends a property and returns the node for chaining.
func (n *Node) Set(name string, value []byte) *Node {
	n.Props = append(n.Props, Property{name, value})
	return n
}

// Prop returns the value of the named property.
func (n *Node) Prop(name string) ([]byte, bool) {
	for _, p := range n.Props {
		if p.Name == name {
			return p.Value, true
		}
	}
	return nil, false
}

// Child returns the direct child with the given full name.
func (n *Node) Child(name string) *Node {
	for _, c := range n.Children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Value helpers. Cells are big-endian 32-bit words.

// U32 is a single cell.
func U32(v uint32) []byte { return Cells(v) }

// U64 is a value of two cells (high word first).
func U64(v uint64) []byte { return Cells(uint32(v>>32), uint32(v)) }

// Cells packs a list of 32-bit cells.
func Cells(v ...uint32) []byte {
	b := make([]byte, 4*len(v))
	for i, c := range v {
		binary.BigEndian.PutUint32(b[4*i:], c)
	}
	return b
}

// String is a NUL-terminated string.
func String(s string) []byte { return append([]byte(s), 0) }

// Strings is a string list: each entry NUL-terminated, back to back.
func Strings(ss ...string) []byte {
	var b []byte
	for _, s := range ss {
		b = append(b, s...)
		b = append(b, 0)
	}
	return b
}

// Empty is the value of a boolean property (present, no data).
func Empty() []byte { return nil }

// Encode serialises the tree rooted at root into a blob. bootCPU is the
// physical id of the boot hart recorded in the header.
func Encode(root *Node, bootCPU uint32) []byte {
	var e encoder
	e.strOff = map[string]uint32{}
	e.node(root)
	e.u32(tokenEnd)

	// Layout: header, reservation map (one terminating entry), structure
	// block, strings block. Each block starts 8-byte aligned.
	rsvOff := uint32(headerSize)
	structOff := rsvOff + reserveEntrySize
	stringsOff := structOff + uint32(len(e.structs))
	total := stringsOff + uint32(len(e.strs))

	blob := make([]byte, total)
	h := []uint32{Magic, total, structOff, stringsOff, rsvOff, Version,
		LastCompVersion, bootCPU, uint32(len(e.strs)), uint32(len(e.structs))}
	for i, v := range h {
		binary.BigEndian.PutUint32(blob[4*i:], v)
	}
	// The reservation map is a single all-zero terminator entry.
	copy(blob[structOff:], e.structs)
	copy(blob[stringsOff:], e.strs)
	return blob
}

type encoder struct {
	structs []byte
	strs    []byte
	strOff  map[string]uint32
}

func (e *encoder) u32(v uint32) { e.structs = binary.BigEndian.AppendUint32(e.structs, v) }

func (e *encoder) padded(b []byte) {
	e.structs = append(e.structs, b...)
	for len(e.structs)%4 != 0 {
		e.structs = append(e.structs, 0)
	}
}

// name interns a property name in the strings block; repeated names share
// one entry, as dtc does.
func (e *encoder) name(s string) uint32 {
	if off, ok := e.strOff[s]; ok {
		return off
	}
	off := uint32(len(e.strs))
	e.strs = append(append(e.strs, s...), 0)
	e.strOff[s] = off
	return off
}

func (e *encoder) node(n *Node) {
	e.u32(tokenBeginNode)
	e.padded(String(n.Name))
	for _, p := range n.Props {
		e.u32(tokenProp)
		e.u32(uint32(len(p.Value)))
		e.u32(e.name(p.Name))
		e.padded(p.Value)
	}
	for _, c := range n.Children {
		e.node(c)
	}
	e.u32(tokenEndNode)
}

// PropNames lists a node's property names sorted, for tests and dumps.
func (n *Node) PropNames() []string {
	names := make([]string, 0, len(n.Props))
	for _, p := range n.Props {
		names = append(names, p.Name)
	}
	sort.Strings(names)
	return names
}
