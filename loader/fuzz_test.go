package loader

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"testing"
)

// FuzzLoad feeds the loader arbitrary files. A kernel file comes from the
// user, so a bad one must end in an error, never a panic, and whatever the
// loader accepts must lie inside RAM with the entry among its bytes' range.
func FuzzLoad(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0x13, 0, 0, 0})                    // raw: one nop
	f.Add([]byte("\x7fELF\x02\x01\x01"))            // truncated ELF header
	f.Add(minimalELF(0x8000_0000, 0x8000_0000, 8))  // one segment at the start of RAM
	f.Add(minimalELF(0x8000_0000, 0x7fff_f000, 8))  // segment below RAM
	f.Add(minimalELF(0x8000_0000, 0x8000_fff8, 16)) // segment past the end of RAM
	f.Fuzz(func(t *testing.T, data []byte) {
		ram := RAM{Base: 0x8000_0000, Bytes: make([]byte, 64<<10)}
		img, err := Load(data, ram)
		if err != nil {
			return
		}
		end := ram.Base + uint64(len(ram.Bytes))
		if img.End < ram.Base || img.End > end {
			t.Fatalf("image end %#x outside RAM [%#x, %#x)", img.End, ram.Base, end)
		}
		if img.Format == FormatRaw && (img.Entry != ram.Base || img.End != ram.Base+uint64(len(data))) {
			t.Fatalf("raw image: entry %#x end %#x for %d bytes", img.Entry, img.End, len(data))
		}
	})
}

// minimalELF builds a 64-bit RISC-V executable with one PT_LOAD segment of
// n bytes (filled with 0x13) at paddr.
func minimalELF(entry, paddr uint64, n int) []byte {
	const ehsize, phsize = 64, 56
	var b bytes.Buffer
	hdr := elf.Header64{
		Type: uint16(elf.ET_EXEC), Machine: uint16(elf.EM_RISCV), Version: 1,
		Entry: entry, Phoff: ehsize, Ehsize: ehsize, Phentsize: phsize, Phnum: 1,
	}
	copy(hdr.Ident[:], elf.ELFMAG)
	hdr.Ident[elf.EI_CLASS] = byte(elf.ELFCLASS64)
	hdr.Ident[elf.EI_DATA] = byte(elf.ELFDATA2LSB)
	hdr.Ident[elf.EI_VERSION] = byte(elf.EV_CURRENT)
	binary.Write(&b, binary.LittleEndian, hdr)
	binary.Write(&b, binary.LittleEndian, elf.Prog64{
		Type: uint32(elf.PT_LOAD), Flags: uint32(elf.PF_R | elf.PF_X),
		Off: ehsize + phsize, Vaddr: paddr, Paddr: paddr, Filesz: uint64(n), Memsz: uint64(n), Align: 4,
	})
	b.Write(bytes.Repeat([]byte{0x13}, n))
	return b.Bytes()
}
