package jit

import (
	"errors"
	"fmt"
	"unsafe"
)

// ErrFull is returned by Memory.Write when the code area has no room: the
// caller drops every translation and calls Reset.
var ErrFull = errors.New("jit: code memory full")

// Memory is one mapping holding generated code and the data it jumps
// through. The code area is only ever readable and executable, except while
// Write copies new code in, when the pages written are readable and
// writable (and not executable). The data area (jump slots) is readable and
// writable and never executable.
//
// A Memory is used by one goroutine at a time, and Write must not be called
// while any goroutine runs code from the pages it writes (the owner of a
// Memory translates only between its own runs of generated code).
type Memory struct {
	region   []byte // the whole mapping: code area, then data area
	code     []byte
	data     []byte
	codeUsed int
	dataUsed int
	page     int
	writes   uint64
}

// codeAlign is where each piece of code starts: a cache line, so that hot
// blocks do not share lines with neighbours more than needed.
const codeAlign = 32

// NewMemory maps codeBytes of code area and dataBytes of data area (both
// rounded up to host pages). Pages not yet written take no host memory.
func NewMemory(codeBytes, dataBytes int) (*Memory, error) {
	if !Supported {
		return nil, errors.New("jit: no translator for this host")
	}
	page := pageSize()
	codeBytes = roundUp(codeBytes, page)
	dataBytes = roundUp(dataBytes, page)
	region, err := mapRegion(codeBytes + dataBytes)
	if err != nil {
		return nil, fmt.Errorf("jit: mapping %d bytes for code: %w", codeBytes+dataBytes, err)
	}
	m := &Memory{region: region, code: region[:codeBytes], data: region[codeBytes:], page: page}
	if err := protect(m.code, protExec); err != nil {
		_ = unmapRegion(region)
		return nil, fmt.Errorf("jit: making code memory executable: %w", err)
	}
	return m, nil
}

func roundUp(n, to int) int { return (n + to - 1) / to * to }

// Next is the address the next Write places code at.
func (m *Memory) Next() uintptr {
	return uintptr(unsafe.Pointer(unsafe.SliceData(m.code))) + uintptr(roundUp(m.codeUsed, codeAlign))
}

// Write copies code to Next() and makes it executable. It returns the
// address of the code, or ErrFull.
func (m *Memory) Write(code []byte) (uintptr, error) {
	start := roundUp(m.codeUsed, codeAlign)
	end := start + len(code)
	if end > len(m.code) {
		return 0, ErrFull
	}
	lo := start / m.page * m.page
	hi := roundUp(end, m.page)
	pages := m.code[lo:hi]
	if err := protect(pages, protWrite); err != nil {
		return 0, fmt.Errorf("jit: making code memory writable: %w", err)
	}
	copy(m.code[start:end], code)
	if err := protect(pages, protExec); err != nil {
		return 0, fmt.Errorf("jit: making code memory executable: %w", err)
	}
	addr := uintptr(unsafe.Pointer(&m.code[start]))
	flushICache(addr, addr+uintptr(len(code)))
	m.codeUsed = end
	m.writes++
	return addr, nil
}

// Data returns n bytes of the data area (8-byte aligned), or ok=false when
// it is full.
func (m *Memory) Data(n int) (addr uintptr, b []byte, ok bool) {
	start := roundUp(m.dataUsed, 8)
	if start+n > len(m.data) {
		return 0, nil, false
	}
	m.dataUsed = start + n
	b = m.data[start : start+n : start+n]
	return uintptr(unsafe.Pointer(&b[0])), b, true
}

// Reset forgets all code and data: the caller guarantees nothing will jump
// into them again.
func (m *Memory) Reset() {
	m.codeUsed, m.dataUsed = 0, 0
}

// Used reports the bytes of code and data handed out.
func (m *Memory) Used() (code, data int) { return m.codeUsed, m.dataUsed }

// Contains reports whether addr lies in the code area.
func (m *Memory) Contains(addr uintptr) bool {
	base := uintptr(unsafe.Pointer(unsafe.SliceData(m.code)))
	return addr >= base && addr < base+uintptr(len(m.code))
}

// Close unmaps the memory. Nothing may run from it afterwards.
func (m *Memory) Close() error {
	if m.region == nil {
		return nil
	}
	err := unmapRegion(m.region)
	m.region, m.code, m.data = nil, nil, nil
	return err
}

// Word reads the pointer-sized word at addr in the data area.
func (m *Memory) Word(addr uintptr) uintptr {
	return *m.word(addr)
}

// SetWord writes the pointer-sized word at addr in the data area (a jump
// slot: generated code reads it).
func (m *Memory) SetWord(addr, v uintptr) {
	*m.word(addr) = v
}

func (m *Memory) word(addr uintptr) *uintptr {
	base := uintptr(unsafe.Pointer(unsafe.SliceData(m.data)))
	if addr < base || addr+unsafe.Sizeof(uintptr(0)) > base+uintptr(len(m.data)) || addr%unsafe.Sizeof(uintptr(0)) != 0 {
		panic(fmt.Sprintf("jit: data word %#x outside the data area", addr))
	}
	return (*uintptr)(unsafe.Pointer(&m.data[addr-base]))
}

// Code returns the n bytes of code written at addr (for disassembly in
// tests and dumps; the slice is read-only memory).
func (m *Memory) Code(addr uintptr, n int) []byte {
	base := uintptr(unsafe.Pointer(unsafe.SliceData(m.code)))
	if addr < base || addr+uintptr(n) > base+uintptr(m.codeUsed) {
		panic(fmt.Sprintf("jit: code %#x+%d outside what was written", addr, n))
	}
	off := int(addr - base)
	return m.code[off : off+n : off+n]
}
