package fdt

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sampleTree() *Node {
	root := NewNode("")
	root.Set("#address-cells", U32(2)).Set("#size-cells", U32(2)).
		Set("compatible", Strings("rvemu,virt", "riscv-virtio"))
	cpus := root.Add(NewNode("cpus"))
	cpus.Set("timebase-frequency", U32(10_000_000))
	cpu0 := cpus.Add(NewNode("cpu@0"))
	cpu0.Set("reg", U32(0)).Set("riscv,isa", String("rv64imafdc"))
	cpu0.Add(NewNode("interrupt-controller")).Set("interrupt-controller", Empty())
	root.Add(NewNode("memory@80000000")).Set("reg", Cells(0, 0x80000000, 0, 0x8000000))
	return root
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	blob := Encode(sampleTree(), 0)
	got, err := Decode(blob)
	require.NoError(t, err)
	assert.Equal(t, sampleTree(), got)
}

func TestHeader(t *testing.T) {
	blob := Encode(sampleTree(), 3)
	be := binary.BigEndian
	tests := []struct {
		name string
		off  int
		want uint32
	}{
		{"magic", 0, Magic},
		{"totalsize", 4, uint32(len(blob))},
		{"off_mem_rsvmap", 16, headerSize},
		{"version", 20, Version},
		{"last_comp_version", 24, LastCompVersion},
		{"boot_cpuid_phys", 28, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, be.Uint32(blob[tc.off:]))
		})
	}
	// Blocks are 4-byte aligned as the spec requires.
	assert.Zero(t, be.Uint32(blob[8:])%4, "structure block alignment")
	assert.Zero(t, be.Uint64(blob[headerSize:]), "reservation map terminator")
}

func TestPropertyNamesShared(t *testing.T) {
	root := NewNode("")
	root.Add(NewNode("a")).Set("reg", U32(1))
	root.Add(NewNode("b")).Set("reg", U32(2))
	blob := Encode(root, 0)
	assert.Equal(t, uint32(len("reg")+1), binary.BigEndian.Uint32(blob[32:]), "one interned name")
}

func TestValueHelpers(t *testing.T) {
	tests := []struct {
		name string
		got  []byte
		want []byte
	}{
		{"u32", U32(0x01020304), []byte{1, 2, 3, 4}},
		{"u64", U64(0x0102030405060708), []byte{1, 2, 3, 4, 5, 6, 7, 8}},
		{"string", String("ok"), []byte{'o', 'k', 0}},
		{"strings", Strings("a", "bc"), []byte{'a', 0, 'b', 'c', 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.want, tc.got) })
	}
}

func TestDecodeRejectsBadBlobs(t *testing.T) {
	good := Encode(sampleTree(), 0)
	badMagic := append([]byte(nil), good...)
	badMagic[0] = 0
	truncated := good[:len(good)-20]
	badToken := append([]byte(nil), good...)
	structOff := binary.BigEndian.Uint32(good[8:])
	binary.BigEndian.PutUint32(badToken[structOff:], 7)
	tests := []struct {
		name string
		blob []byte
	}{
		{"short", good[:10]},
		{"magic", badMagic},
		{"truncated", truncated},
		{"token", badToken},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(tc.blob)
			assert.ErrorIs(t, err, ErrFormat)
		})
	}
}
