package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// reader decodes an image the way the kernel's fs.c does, so the test
// checks the format rather than the builder's own bookkeeping.
type reader struct {
	t   *testing.T
	img []byte
}

func (r reader) u32(off int) uint32 { return le.Uint32(r.img[off:]) }

func (r reader) inode(inum uint32) (typ, nlink uint16, size uint32, addrs []uint32) {
	geo := newGeometry(r.u32(blockSize+4), r.u32(blockSize+8))
	off := int(geo.inodeStart+inum/inodesPerBl)*blockSize + int(inum%inodesPerBl)*inodeSize
	for i := 0; i <= nDirect; i++ {
		addrs = append(addrs, r.u32(off+12+4*i))
	}
	return le.Uint16(r.img[off:]), le.Uint16(r.img[off+2:]), r.u32(off + 8), addrs
}

func (r reader) content(inum uint32) []byte {
	_, _, size, addrs := r.inode(inum)
	var out []byte
	for fbn := uint32(0); uint32(len(out)) < size; fbn++ {
		bno := uint32(0)
		if fbn < nDirect {
			bno = addrs[fbn]
		} else {
			bno = r.u32(int(addrs[nDirect])*blockSize + int(fbn-nDirect)*4)
		}
		require.NotZero(r.t, bno, "hole at file block %d", fbn)
		out = append(out, r.img[int(bno)*blockSize:int(bno+1)*blockSize]...)
	}
	return out[:size]
}

func (r reader) dir(inum uint32) map[string]uint32 {
	entries := map[string]uint32{}
	data := r.content(inum)
	for off := 0; off+direntSize <= len(data); off += direntSize {
		name := string(bytes.TrimRight(data[off+4:off+direntSize], "\x00"))
		entries[name] = le.Uint32(data[off:])
	}
	return entries
}

func (r reader) used(bno uint32) bool {
	geo := newGeometry(r.u32(blockSize+4), r.u32(blockSize+8))
	bm := int(geo.bmapStart)*blockSize + int(bno/8)
	return r.img[bm]&(1<<(bno%8)) != 0
}

func TestBuildImage(t *testing.T) {
	dir := t.TempDir()
	big := bytes.Repeat([]byte("0123456789abcdef"), 12500) // 200000 bytes: needs the indirect block
	files := map[string][]byte{"README": []byte("hello\n"), "empty": nil, "big": big}
	var paths []string
	for name, data := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, data, 0o644))
		paths = append(paths, p)
	}
	out := filepath.Join(dir, "fs.img")
	require.NoError(t, build(out, 2048, 64, paths))
	img, err := os.ReadFile(out)
	require.NoError(t, err)
	require.Len(t, img, 2048*blockSize)
	r := reader{t, img}

	assert.Equal(t, uint32(fsMagic), r.u32(blockSize))
	typ, _, _, _ := r.inode(rootInode)
	assert.Equal(t, uint16(typeDir), typ)
	root := r.dir(rootInode)
	assert.Equal(t, uint32(rootInode), root["."])
	assert.Equal(t, uint32(rootInode), root[".."])
	require.Len(t, root, 2+len(files))

	for name, want := range files {
		inum, ok := root[name]
		require.True(t, ok, name)
		typ, nlink, size, addrs := r.inode(inum)
		assert.Equal(t, uint16(typeFile), typ, name)
		assert.Equal(t, uint16(1), nlink, name)
		assert.Equal(t, uint32(len(want)), size, name)
		assert.Equal(t, string(want), string(r.content(inum)), name)
		for _, a := range addrs {
			if a != 0 {
				assert.True(t, r.used(a), "%s: block %d not marked used", name, a)
			}
		}
	}
	assert.True(t, r.used(0) && r.used(1), "boot and super blocks are used")
	assert.False(t, r.used(2047), "the last block is free")
}

func TestBuildRejects(t *testing.T) {
	dir := t.TempDir()
	long := filepath.Join(dir, "a_name_that_is_longer_than_27_bytes")
	require.NoError(t, os.WriteFile(long, []byte("x"), 0o644))
	mid := filepath.Join(dir, "mid")
	require.NoError(t, os.WriteFile(mid, make([]byte, 150*blockSize), 0o644))
	tooBig := filepath.Join(dir, "huge")
	require.NoError(t, os.WriteFile(tooBig, make([]byte, (maxFileBlks+1)*blockSize), 0o644))

	cases := []struct {
		name   string
		blocks uint32
		files  []string
	}{
		{"long name", 2048, []string{long}},
		{"file beyond MAXFILE", 4096, []string{tooBig}},
		{"image too small", 100, []string{mid}},
		{"no room for data", 2, nil},
		{"missing file", 2048, []string{filepath.Join(dir, "absent")}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Error(t, build(filepath.Join(dir, "out.img"), c.blocks, 64, c.files))
		})
	}
}
