package jit

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

func newMemory(t *testing.T) *Memory {
	t.Helper()
	if !Supported {
		t.Skip("no translator on this host: the interpreter is the only engine here")
	}
	m, err := NewMemory(1<<16, 1<<12)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, m.Close()) })
	return m
}

func TestWriteAndCall(t *testing.T) {
	m := newMemory(t)
	addr, err := m.Write(addOne())
	require.NoError(t, err)
	require.True(t, m.Contains(addr))
	require.False(t, m.Published(addr))
	require.NoError(t, m.Publish())
	require.True(t, m.Published(addr))
	state := [2]uint64{41, 0}
	var ram [8]byte
	reason, left := Call(addr, unsafe.Pointer(&state), unsafe.Pointer(&ram), 10)
	require.Equal(t, uint64(7), reason)
	require.Equal(t, uint64(9), left)
	require.Equal(t, uint64(42), state[1])
}

func TestWriteKeepsEarlierCode(t *testing.T) {
	m := newMemory(t)
	first, err := m.Write(addOne())
	require.NoError(t, err)
	second, err := m.Write(addOne())
	require.NoError(t, err)
	require.NotEqual(t, first, second)
	require.Zero(t, second%codeAlign)
	require.NoError(t, m.Publish())
	third, err := m.Write(addOne())
	require.NoError(t, err)
	if !m.CodeFile() {
		require.Zero(t, third%uintptr(pageSize()), "after a publish, code goes on a fresh page")
	}
	require.False(t, m.Published(third))
	require.True(t, m.Published(second))
	for _, a := range []uintptr{first, second} {
		state := [2]uint64{1, 0}
		Call(a, unsafe.Pointer(&state), nil, 1)
		require.Equal(t, uint64(2), state[1])
	}
}

func TestFullAndReset(t *testing.T) {
	m := newMemory(t)
	big := bytes.Repeat([]byte{0xcc}, 40000)
	_, err := m.Write(big)
	require.NoError(t, err)
	_, err = m.Write(big)
	require.ErrorIs(t, err, ErrFull)
	require.NoError(t, m.Publish())
	require.NoError(t, m.Reset())
	_, err = m.Write(big)
	require.NoError(t, err)
	require.NoError(t, m.Publish())
}

func TestData(t *testing.T) {
	m := newMemory(t)
	a, b, ok := m.Data(16)
	require.True(t, ok)
	require.Zero(t, a%8)
	b[0] = 1 // writable
	a2, _, ok := m.Data(3)
	require.True(t, ok)
	require.Equal(t, a+16, a2)
	_, _, ok = m.Data(1 << 20)
	require.False(t, ok)
}

// TestSignalsInGeneratedCode runs a long loop of generated code while the
// garbage collector runs and the CPU profiler interrupts: preemption
// requests and profiling signals that land in generated code must be
// harmless, and the collector must wait for the code to come back.
func TestSignalsInGeneratedCode(t *testing.T) {
	m := newMemory(t)
	addr, err := m.Write(countDown())
	require.NoError(t, err)
	require.NoError(t, m.Publish())
	var prof bytes.Buffer
	require.NoError(t, pprof.StartCPUProfile(&prof))
	defer pprof.StopCPUProfile()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
				runtime.GC()
				_ = make([]byte, 1<<16)
			}
		}
	}()
	for i := 0; i < 20; i++ {
		state := [2]uint64{}
		reason, left := Call(addr, unsafe.Pointer(&state), nil, 50_000_000)
		require.Equal(t, uint64(3), reason)
		require.Zero(t, left)
	}
	close(stop)
	wg.Wait()
}

// Hand-assembled test code (the assemblers live in sub-packages, which
// import nothing from here; their own tests check their encodings).

// addOne: state[1] = state[0] + 1; left--; return 7.
func addOne() []byte {
	switch runtime.GOARCH {
	case "amd64":
		return []byte{
			0x49, 0x8b, 0x07, // mov rax, [r15]
			0x48, 0x83, 0xc0, 0x01, // add rax, 1
			0x49, 0x89, 0x47, 0x08, // mov [r15+8], rax
			0x49, 0x83, 0xed, 0x01, // sub r13, 1
			0xb8, 0x07, 0x00, 0x00, 0x00, // mov eax, 7
			0xc3, // ret
		}
	case "arm64":
		return words(
			0xf9400340, // ldr x0, [x26]
			0x91000400, // add x0, x0, #1
			0xf9000740, // str x0, [x26, #8]
			0xd1000718, // sub x24, x24, #1
			0xd28000e0, // mov x0, #7
			0xd65f03c0, // ret
		)
	}
	panic("unreachable")
}

// countDown: loop until left is 0; return 3.
func countDown() []byte {
	switch runtime.GOARCH {
	case "amd64":
		return []byte{
			0x49, 0x83, 0xed, 0x01, // loop: sub r13, 1
			0x75, 0xfa, // jnz loop
			0xb8, 0x03, 0x00, 0x00, 0x00, // mov eax, 3
			0xc3, // ret
		}
	case "arm64":
		return words(
			0xd1000718, // loop: sub x24, x24, #1
			0xb5fffff8, // cbnz x24, loop
			0xd2800060, // mov x0, #3
			0xd65f03c0, // ret
		)
	}
	panic("unreachable")
}

func words(ws ...uint32) []byte {
	b := make([]byte, 4*len(ws))
	for i, w := range ws {
		binary.LittleEndian.PutUint32(b[4*i:], w)
	}
	return b
}

// TestWriteXorExecute checks the protections the kernel reports for the
// code pages: written pages are not executable, published pages are not
// writable; with a code file (Linux on amd64) the code area is never
// writable at all.
func TestWriteXorExecute(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc/self/maps")
	}
	m := newMemory(t)
	written, published := "rw-", "r-x"
	if m.CodeFile() {
		written = "r-x"
	}
	require.Equal(t, runtime.GOARCH == "amd64", m.CodeFile(), "the code file is used on Linux/amd64")
	addr, err := m.Write(addOne())
	require.NoError(t, err)
	require.Equal(t, written, protOf(t, addr))
	require.NoError(t, m.Publish())
	require.Equal(t, published, protOf(t, addr))
	require.NoError(t, m.Reset())
	require.Equal(t, written, protOf(t, addr))
}

// TestCodeFileWritesLand: code written after a Publish (not on a fresh
// page with a code file) and after a Reset runs as written.
func TestCodeFileWritesLand(t *testing.T) {
	m := newMemory(t)
	for round := 0; round < 2; round++ {
		var addrs []uintptr
		for i := 0; i < 3; i++ {
			addr, err := m.Write(addOne())
			require.NoError(t, err)
			require.NoError(t, m.Publish())
			addrs = append(addrs, addr)
		}
		for _, addr := range addrs {
			require.Equal(t, addOne(), m.Code(addr, len(addOne())))
			state := [2]uint64{uint64(round), 0}
			var ram [8]byte
			reason, _ := Call(addr, unsafe.Pointer(&state), unsafe.Pointer(&ram), 10)
			require.Equal(t, uint64(7), reason)
			require.Equal(t, uint64(round+1), state[1])
		}
		require.NoError(t, m.Reset())
	}
}

// protOf is the protection /proc/self/maps gives the mapping holding addr.
func protOf(t *testing.T, addr uintptr) string {
	data, err := os.ReadFile("/proc/self/maps")
	require.NoError(t, err)
	for _, line := range strings.Split(string(data), "\n") {
		var lo, hi uintptr
		var perms string
		if _, err := fmt.Sscanf(line, "%x-%x %s", &lo, &hi, &perms); err == nil && addr >= lo && addr < hi {
			return perms[:3]
		}
	}
	t.Fatalf("%#x in no mapping", addr)
	return ""
}

// Prefault changes nothing a program can see: memory keeps what it holds,
// whether written before or never touched, and stays writable.
func TestPrefaultKeepsContents(t *testing.T) {
	buf := make([]byte, 5<<16)
	for i := 0; i < len(buf); i += 3 << 10 {
		buf[i] = byte(i>>10) | 1
	}
	want := append([]byte(nil), buf...)
	Prefault(buf)
	require.Equal(t, want, buf)
	Prefault(buf[1:7]) // less than a page: nothing to do
	fresh := make([]byte, 1<<20)
	Prefault(fresh)
	require.Equal(t, make([]byte, 1<<20), fresh)
	fresh[len(fresh)-1] = 9
	require.Equal(t, byte(9), fresh[len(fresh)-1])
}

// Code written past what was prefaulted still lands and runs as written.
func TestWriteAcrossPrefaultChunks(t *testing.T) {
	m, err := NewMemory(4*prefaultChunk, 4096)
	require.NoError(t, err)
	defer m.Close()
	piece := make([]byte, 3000)
	for i := range piece {
		piece[i] = byte(i)
	}
	var addrs []uintptr
	for range 3 * prefaultChunk / len(piece) {
		addr, err := m.Write(piece)
		require.NoError(t, err)
		addrs = append(addrs, addr)
	}
	require.GreaterOrEqual(t, m.populated, m.codeUsed)
	for _, a := range addrs {
		require.Equal(t, piece, m.Code(a, len(piece)))
	}
}

// TestAnonymousCodeArea runs the path hosts without a code file take (and
// Linux where the kernel refuses one): code written into writable pages,
// made executable by Publish.
func TestAnonymousCodeArea(t *testing.T) {
	codeFileOff = true
	m := newMemory(t)
	codeFileOff = false
	require.False(t, m.CodeFile())
	addr, err := m.Write(addOne())
	require.NoError(t, err)
	if runtime.GOOS == "linux" {
		require.Equal(t, "rw-", protOf(t, addr))
	}
	require.NoError(t, m.Publish())
	if runtime.GOOS == "linux" {
		require.Equal(t, "r-x", protOf(t, addr))
	}
	state := [2]uint64{41, 0}
	var ram [8]byte
	reason, _ := Call(addr, unsafe.Pointer(&state), unsafe.Pointer(&ram), 10)
	require.Equal(t, uint64(7), reason)
	require.Equal(t, uint64(42), state[1])
	next, err := m.Write(addOne())
	require.NoError(t, err)
	require.Zero(t, next%uintptr(pageSize()), "after a publish, code goes on a fresh page")
}
