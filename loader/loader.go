// Package loader puts a kernel image into guest RAM: an ELF64 RISC-V
// executable (segments at their physical addresses) or a raw binary (at the
// start of RAM). It reports the entry point and the HTIF symbols, if any.
package loader

import (
	"bytes"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"os"
)

// Errors a user can cause with a bad kernel file. The CLI turns each into
// one line and exit status 2.
var (
	ErrNotRISCV   = errors.New("not a 64-bit RISC-V ELF executable")
	ErrOutsideRAM = errors.New("outside RAM")
	ErrEmpty      = errors.New("empty kernel image")
)

// Format says how an image was recognised.
type Format string

const (
	FormatELF Format = "elf"
	FormatRaw Format = "raw"
)

// Image describes what was loaded.
type Image struct {
	Format Format
	Entry  uint64
	// End is one past the highest physical address the image occupies
	// (the board keeps its own data, like the device tree, above it).
	End uint64
	// ToHost/FromHost are the addresses of the riscv-tests HTIF words
	// (symbols "tohost"/"fromhost"); HasHTIF is false when the ELF has none.
	ToHost, FromHost uint64
	HasHTIF          bool
}

// RAM is the guest memory the image goes into.
type RAM struct {
	Base  uint64
	Bytes []byte
}

func (r RAM) contains(pa, n uint64) bool {
	off := pa - r.Base
	return pa >= r.Base && off <= uint64(len(r.Bytes)) && n <= uint64(len(r.Bytes))-off
}

// LoadFile reads path and loads it into ram.
func LoadFile(path string, ram RAM) (*Image, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("kernel: %w", err)
	}
	img, err := Load(data, ram)
	if err != nil {
		return nil, fmt.Errorf("kernel %s: %w", path, err)
	}
	return img, nil
}

// identifyBytes is how much of a file Identify reads and shows.
const identifyBytes = 16

// Identify reads the start of the file at path and says which format Load
// would take it as; head shows its first bytes, quoted, for a message about
// a file that is not what it should be. An empty file is ErrEmpty.
func Identify(path string) (format Format, head string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", "", fmt.Errorf("kernel: %w", err)
	}
	defer f.Close()
	buf := make([]byte, identifyBytes)
	n, err := io.ReadFull(f, buf)
	if n == 0 {
		if err == io.EOF {
			return "", "", fmt.Errorf("kernel %s: %w", path, ErrEmpty)
		}
		return "", "", fmt.Errorf("kernel %s: %w", path, err)
	}
	head = fmt.Sprintf("%q", buf[:n])
	if bytes.HasPrefix(buf[:n], []byte(elf.ELFMAG)) {
		return FormatELF, head, nil
	}
	return FormatRaw, head, nil
}

// Load recognises data by its magic number and copies it into ram.
func Load(data []byte, ram RAM) (*Image, error) {
	if len(data) == 0 {
		return nil, ErrEmpty
	}
	if bytes.HasPrefix(data, []byte(elf.ELFMAG)) {
		return loadELF(data, ram)
	}
	return loadRaw(data, ram)
}

func loadRaw(data []byte, ram RAM) (*Image, error) {
	if !ram.contains(ram.Base, uint64(len(data))) {
		return nil, fmt.Errorf("raw image of %d bytes is larger than RAM (%d bytes): %w",
			len(data), len(ram.Bytes), ErrOutsideRAM)
	}
	copy(ram.Bytes, data)
	return &Image{Format: FormatRaw, Entry: ram.Base, End: ram.Base + uint64(len(data))}, nil
}

func loadELF(data []byte, ram RAM) (*Image, error) {
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotRISCV, err)
	}
	if f.Class != elf.ELFCLASS64 || f.Machine != elf.EM_RISCV || f.Data != elf.ELFDATA2LSB {
		return nil, fmt.Errorf("%w (class %v, machine %v)", ErrNotRISCV, f.Class, f.Machine)
	}
	if f.Type != elf.ET_EXEC && f.Type != elf.ET_DYN {
		return nil, fmt.Errorf("%w (type %v)", ErrNotRISCV, f.Type)
	}
	loaded := 0
	var end uint64
	for _, p := range f.Progs {
		if p.Type != elf.PT_LOAD || p.Memsz == 0 {
			continue
		}
		if p.Filesz > p.Memsz || !ram.contains(p.Paddr, p.Memsz) {
			return nil, fmt.Errorf("segment at %#x..%#x is %w (%#x..%#x)", p.Paddr, p.Paddr+p.Memsz,
				ErrOutsideRAM, ram.Base, ram.Base+uint64(len(ram.Bytes)))
		}
		off := p.Paddr - ram.Base
		dst := ram.Bytes[off : off+p.Memsz]
		n, err := io.ReadFull(p.Open(), dst[:p.Filesz])
		if err != nil {
			return nil, fmt.Errorf("segment at %#x: read %d of %d bytes: %w", p.Paddr, n, p.Filesz, err)
		}
		clear(dst[p.Filesz:]) // .bss
		loaded++
		end = max(end, p.Paddr+p.Memsz)
	}
	if loaded == 0 {
		return nil, fmt.Errorf("%w (no loadable segment)", ErrNotRISCV)
	}
	img := &Image{Format: FormatELF, Entry: f.Entry, End: end}
	img.ToHost, img.FromHost, img.HasHTIF = htifSymbols(f)
	return img, nil
}

// htifSymbols finds riscv-tests' tohost/fromhost words. A stripped ELF has
// no symbol table: then there is no HTIF.
func htifSymbols(f *elf.File) (tohost, fromhost uint64, ok bool) {
	syms, err := f.Symbols()
	if err != nil {
		return 0, 0, false
	}
	for _, s := range syms {
		switch s.Name {
		case "tohost":
			tohost, ok = s.Value, true
		case "fromhost":
			fromhost = s.Value
		}
	}
	return tohost, fromhost, ok
}
