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
// through. No page of it is ever writable and executable at once. On
// Linux/amd64 the code area is a memory file mapped readable and
// executable only: code is written into the file (pwrite), never through
// a writable mapping, and Publish changes no protection (a protection
// change costs 90-110 µs on this VM and shoots down every thread's TLB).
// Elsewhere, or where the kernel refuses the file, code is written into
// pages that are readable and writable and not executable; Publish then
// makes them readable and executable, and they are never written again
// until Reset makes the whole code area writable (and not executable)
// once more, with protection changes one per batch of code rather than
// one per piece. Either way code may run only once published. The data
// area (jump slots) is readable and writable and never executable.
//
// A Memory is used by one goroutine at a time, and Reset must not be
// called while any goroutine runs code from it (the owner of a Memory
// changes it only between its own runs of generated code).
type Memory struct {
	region    []byte // the whole mapping: code area, then data area
	code      []byte
	data      []byte
	codeUsed  int
	published int // code[:published] is executable; the rest writable
	dataUsed  int
	page      int
	publishes uint64
	populated int // code[:populated] was prefaulted (never shrinks: Reset keeps the pages)
	// file is the memory file under the code area (mapCodeFile), or -1:
	// anonymous memory, writable until published.
	file int
	// staged holds code[published:codeUsed] until Publish writes it into
	// the file, in one system call a batch.
	staged []byte
}

// prefaultChunk is how far ahead of the code written the code area is
// prefaulted: one system call instead of a fault per page.
const prefaultChunk = 64 << 10

// codeAlign is where each piece of code starts: a cache line, so that hot
// blocks do not share lines with neighbours more than needed.
const codeAlign = 32

// NewMemory maps codeBytes of code area and dataBytes of data area (both
// rounded up to host pages), all writable and none executable. Pages not
// yet written take no host memory.
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
	m.file = mapCodeFile(m.code)
	return m, nil
}

// codeFileOff makes NewMemory use anonymous memory even where a code file
// is possible (tests of that path).
var codeFileOff bool

// CodeFile reports whether code is written through a memory file, the
// code area never writable (tests).
func (m *Memory) CodeFile() bool { return m.file >= 0 }

func roundUp(n, to int) int { return (n + to - 1) / to * to }

// Next is the address the next Write places code at.
func (m *Memory) Next() uintptr {
	return uintptr(unsafe.Pointer(unsafe.SliceData(m.code))) + uintptr(roundUp(m.codeUsed, codeAlign))
}

// Write copies code to Next() and returns its address, or ErrFull. The
// code may run only after the next Publish (with a code file it is only
// there from then on: Publish writes the batch in one system call).
func (m *Memory) Write(code []byte) (uintptr, error) {
	start := roundUp(m.codeUsed, codeAlign)
	end := start + len(code)
	if end > len(m.code) {
		return 0, ErrFull
	}
	if end > m.populated {
		next := min(roundUp(end, prefaultChunk), len(m.code))
		if m.file >= 0 {
			prefaultCodeFile(m.file, m.code, m.populated, next)
		} else {
			Prefault(m.code[m.populated:next])
		}
		m.populated = next
	}
	if m.file >= 0 {
		m.staged = append(m.staged, make([]byte, start-m.published-len(m.staged))...)
		m.staged = append(m.staged, code...)
	} else {
		copy(m.code[start:end], code)
	}
	m.codeUsed = end
	return uintptr(unsafe.Pointer(&m.code[start])), nil
}

// Publish makes everything written since the last Publish executable (and
// no longer writable). The next Write starts on a fresh page, except with
// a code file, where nothing changes protection and nothing is skipped.
func (m *Memory) Publish() error {
	if m.codeUsed == m.published {
		return nil
	}
	if m.file >= 0 {
		if err := writeCodeFile(m.file, m.staged, m.published); err != nil {
			return fmt.Errorf("jit: writing code: %w", err)
		}
		m.staged = m.staged[:0]
		start := uintptr(unsafe.Pointer(&m.code[m.published]))
		flushICache(start, start+uintptr(m.codeUsed-m.published))
		m.published = m.codeUsed
		m.publishes++
		return nil
	}
	end := roundUp(m.codeUsed, m.page)
	if end > len(m.code) {
		end = len(m.code)
	}
	pages := m.code[m.published:end]
	if err := protect(pages, protExec); err != nil {
		return fmt.Errorf("jit: making code memory executable: %w", err)
	}
	start := uintptr(unsafe.Pointer(&pages[0]))
	flushICache(start, start+uintptr(len(pages)))
	m.published, m.codeUsed = end, end
	m.publishes++
	return nil
}

// Published reports whether the code at addr may run.
func (m *Memory) Published(addr uintptr) bool {
	base := uintptr(unsafe.Pointer(unsafe.SliceData(m.code)))
	return addr >= base && addr < base+uintptr(m.published)
}

// Publishes counts the calls to Publish that published code.
func (m *Memory) Publishes() uint64 { return m.publishes }

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

// Reset forgets all code and data and makes the code area writable again:
// the caller guarantees nothing will jump into them again.
func (m *Memory) Reset() error {
	if m.published > 0 && m.file < 0 {
		if err := protect(m.code[:m.published], protWrite); err != nil {
			return fmt.Errorf("jit: making code memory writable: %w", err)
		}
	}
	m.codeUsed, m.published, m.dataUsed = 0, 0, 0
	m.staged = m.staged[:0]
	return nil
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
	if m.file >= 0 {
		closeCodeFile(m.file)
		m.file = -1
	}
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
	if addr < base || addr+uintptr(n) > base+uintptr(max(m.codeUsed, m.published)) {
		panic(fmt.Sprintf("jit: code %#x+%d outside what was written", addr, n))
	}
	off := int(addr - base)
	if m.file >= 0 && off >= m.published {
		off -= m.published // not written into the file yet
		return m.staged[off : off+n : off+n]
	}
	return m.code[off : off+n : off+n]
}
