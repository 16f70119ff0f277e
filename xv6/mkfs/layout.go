package main

// On-disk constants of rvfs; they must match xv6/kernel/fs.h.
const (
	blockSize   = 1024
	fsMagic     = 0x72766673
	rootInode   = 1
	nDirect     = 12
	nIndirect   = blockSize / 4
	maxFileBlks = nDirect + nIndirect
	inodeSize   = 64
	inodesPerBl = blockSize / inodeSize
	bitsPerBl   = blockSize * 8
	direntSize  = 32
	dirNameLen  = 28 // including the terminating NUL

	typeDir  = 1
	typeFile = 2
)

// geometry is where each region of the image starts.
type geometry struct {
	nblocks, ninodes                 uint32
	inodeStart, bmapStart, dataStart uint32
}

func newGeometry(nblocks, ninodes uint32) geometry {
	g := geometry{nblocks: nblocks, ninodes: ninodes, inodeStart: 2}
	g.bmapStart = g.inodeStart + (ninodes+inodesPerBl-1)/inodesPerBl
	g.dataStart = g.bmapStart + (nblocks+bitsPerBl-1)/bitsPerBl
	return g
}
