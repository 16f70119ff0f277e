package main

import (
	"encoding/binary"
	"fmt"
)

var le = binary.LittleEndian

// image is a file system being built in memory.
type image struct {
	geo       geometry
	data      []byte
	nextBlock uint32 // first unallocated data block
	nextInode uint32 // first unallocated inode
}

func newImage(nblocks, ninodes uint32) (*image, error) {
	geo := newGeometry(nblocks, ninodes)
	if geo.dataStart >= nblocks {
		return nil, fmt.Errorf("image of %d blocks has no room for data", nblocks)
	}
	img := &image{geo: geo, data: make([]byte, int(nblocks)*blockSize), nextBlock: geo.dataStart, nextInode: rootInode}
	sb := img.block(1)
	for i, v := range []uint32{fsMagic, nblocks, ninodes, geo.inodeStart, geo.bmapStart, geo.dataStart} {
		le.PutUint32(sb[4*i:], v)
	}
	root, err := img.allocInode(typeDir)
	if err != nil {
		return nil, err
	}
	if root != rootInode {
		return nil, fmt.Errorf("root got inode %d", root)
	}
	for _, name := range []string{".", ".."} {
		if err := img.link(rootInode, name, rootInode); err != nil {
			return nil, err
		}
	}
	return img, nil
}

func (img *image) block(n uint32) []byte {
	return img.data[int(n)*blockSize : int(n+1)*blockSize]
}

// dinode returns the 64 on-disk bytes of inode inum.
func (img *image) dinode(inum uint32) []byte {
	b := img.block(img.geo.inodeStart + inum/inodesPerBl)
	off := (inum % inodesPerBl) * inodeSize
	return b[off : off+inodeSize]
}

func (img *image) allocInode(typ uint16) (uint32, error) {
	if img.nextInode >= img.geo.ninodes {
		return 0, fmt.Errorf("out of inodes (%d)", img.geo.ninodes)
	}
	inum := img.nextInode
	img.nextInode++
	di := img.dinode(inum)
	le.PutUint16(di[0:], typ)
	le.PutUint16(di[2:], 1) // nlink
	return inum, nil
}

func (img *image) allocBlock() (uint32, error) {
	if img.nextBlock >= img.geo.nblocks {
		return 0, fmt.Errorf("image full (%d blocks)", img.geo.nblocks)
	}
	b := img.nextBlock
	img.nextBlock++
	return b, nil
}

// blockOf returns the disk block holding file block fbn of inum, allocating it.
func (img *image) blockOf(inum, fbn uint32) (uint32, error) {
	di := img.dinode(inum)
	addr := func(i uint32) []byte { return di[12+4*i : 16+4*i] }
	if fbn >= maxFileBlks {
		return 0, fmt.Errorf("file too large")
	}
	slot := addr(fbn)
	if fbn >= nDirect {
		ind := addr(nDirect)
		if le.Uint32(ind) == 0 {
			b, err := img.allocBlock()
			if err != nil {
				return 0, err
			}
			le.PutUint32(ind, b)
		}
		table := img.block(le.Uint32(ind))
		off := (fbn - nDirect) * 4
		slot = table[off : off+4]
	}
	if le.Uint32(slot) == 0 {
		b, err := img.allocBlock()
		if err != nil {
			return 0, err
		}
		le.PutUint32(slot, b)
	}
	return le.Uint32(slot), nil
}

// appendData adds p at the end of inode inum.
func (img *image) appendData(inum uint32, p []byte) error {
	di := img.dinode(inum)
	size := le.Uint32(di[8:])
	for len(p) > 0 {
		b, err := img.blockOf(inum, size/blockSize)
		if err != nil {
			return err
		}
		n := copy(img.block(b)[size%blockSize:], p)
		p = p[n:]
		size += uint32(n)
	}
	le.PutUint32(di[8:], size)
	return nil
}

// link adds the entry name -> inum to directory dir.
func (img *image) link(dir uint32, name string, inum uint32) error {
	if len(name) == 0 || len(name) >= dirNameLen {
		return fmt.Errorf("name %q: must be 1..%d bytes", name, dirNameLen-1)
	}
	var de [direntSize]byte
	le.PutUint32(de[0:], inum)
	copy(de[4:], name)
	return img.appendData(dir, de[:])
}

// addFile stores a regular file in the root directory.
func (img *image) addFile(name string, content []byte) error {
	inum, err := img.allocInode(typeFile)
	if err != nil {
		return err
	}
	if err := img.appendData(inum, content); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return img.link(rootInode, name, inum)
}

// finish marks every block up to the last allocated one as used and
// returns the image bytes.
func (img *image) finish() []byte {
	for b := uint32(0); b < img.nextBlock; b++ {
		bm := img.block(img.geo.bmapStart + b/bitsPerBl)
		bit := b % bitsPerBl
		bm[bit/8] |= 1 << (bit % 8)
	}
	return img.data
}
