// Package symtab reads a kernel ELF's symbol table so traces can name code
// addresses ("usertrap+0x1c") and users can name code ranges by function.
package symtab

import (
	"debug/elf"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Symbol is one named range of the image.
type Symbol struct {
	Name string
	Addr uint64
	Size uint64 // 0 when the ELF gives none: then it reaches the next symbol
	Func bool
}

// Table holds the symbols sorted by address. A nil *Table is empty (a raw
// image or a stripped ELF): lookups fail, formatting falls back to hex.
type Table struct {
	syms   []Symbol
	byName map[string]int
}

// Load reads the symbol table of the ELF file at path. A file that is not
// an ELF or has no symbols gives an empty table, not an error: traces then
// show bare addresses.
func Load(path string) *Table {
	f, err := elf.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		return nil
	}
	return New(fromELF(syms))
}

// fromELF keeps the symbols that name code or data locations: functions,
// objects and untyped labels (assembly entry points), not sections or files.
func fromELF(syms []elf.Symbol) []Symbol {
	out := make([]Symbol, 0, len(syms))
	for _, s := range syms {
		typ := elf.ST_TYPE(s.Info)
		if s.Name == "" || s.Section == elf.SHN_UNDEF || s.Section == elf.SHN_ABS {
			continue
		}
		if typ != elf.STT_FUNC && typ != elf.STT_OBJECT && typ != elf.STT_NOTYPE {
			continue
		}
		// Local labels of the assembler (.L...) are noise in traces.
		if strings.HasPrefix(s.Name, ".L") || strings.HasPrefix(s.Name, "$") {
			continue
		}
		out = append(out, Symbol{Name: s.Name, Addr: s.Value, Size: s.Size, Func: typ == elf.STT_FUNC})
	}
	return out
}

// New builds a table from syms (any order).
func New(syms []Symbol) *Table {
	t := &Table{syms: append([]Symbol(nil), syms...), byName: map[string]int{}}
	// At equal addresses functions sort first, then sized symbols: they
	// are the better name for a pc.
	sort.SliceStable(t.syms, func(i, j int) bool {
		a, b := t.syms[i], t.syms[j]
		if a.Addr != b.Addr {
			return a.Addr < b.Addr
		}
		if a.Func != b.Func {
			return a.Func
		}
		return a.Size > b.Size
	})
	for i, s := range t.syms {
		if _, dup := t.byName[s.Name]; !dup {
			t.byName[s.Name] = i
		}
	}
	return t
}

// Len is the number of symbols.
func (t *Table) Len() int {
	if t == nil {
		return 0
	}
	return len(t.syms)
}

// Lookup finds the symbol containing addr: the nearest one at or below it,
// within its size when it has one.
func (t *Table) Lookup(addr uint64) (Symbol, uint64, bool) {
	if t == nil || len(t.syms) == 0 {
		return Symbol{}, 0, false
	}
	i := sort.Search(len(t.syms), func(i int) bool { return t.syms[i].Addr > addr }) - 1
	// Among the symbols at the same address the first sorted is best.
	for i > 0 && t.syms[i-1].Addr == t.syms[i].Addr {
		i--
	}
	if i < 0 {
		return Symbol{}, 0, false
	}
	s := t.syms[i]
	if s.Size != 0 && addr-s.Addr >= s.Size {
		return Symbol{}, 0, false
	}
	return s, addr - s.Addr, true
}

// Describe is "name+0xoff" (or "name") for addr, "" when no symbol holds it.
func (t *Table) Describe(addr uint64) string {
	s, off, ok := t.Lookup(addr)
	switch {
	case !ok:
		return ""
	case off == 0:
		return s.Name
	}
	return fmt.Sprintf("%s+%#x", s.Name, off)
}

// Range is the address range [Lo, Hi) of the symbol called name. A symbol
// without a size reaches the next higher symbol.
func (t *Table) Range(name string) (lo, hi uint64, ok bool) {
	if t == nil {
		return 0, 0, false
	}
	i, ok := t.byName[name]
	if !ok {
		return 0, 0, false
	}
	s := t.syms[i]
	if s.Size != 0 {
		return s.Addr, s.Addr + s.Size, true
	}
	for _, n := range t.syms[i+1:] {
		if n.Addr > s.Addr {
			return s.Addr, n.Addr, true
		}
	}
	return s.Addr, s.Addr + 4, true
}

// ParseRange reads a code range for tracing: "0xLO-0xHI" (hex or decimal,
// HI exclusive), a single address, or a symbol name (its whole extent).
func (t *Table) ParseRange(spec string) (lo, hi uint64, err error) {
	spec = strings.TrimSpace(spec)
	if a, b, isRange := strings.Cut(spec, "-"); isRange {
		lo, err1 := strconv.ParseUint(strings.TrimSpace(a), 0, 64)
		hi, err2 := strconv.ParseUint(strings.TrimSpace(b), 0, 64)
		if err1 != nil || err2 != nil || hi <= lo {
			return 0, 0, fmt.Errorf("range %q: want LO-HI with LO < HI, e.g. 0x80000000-0x80000100", spec)
		}
		return lo, hi, nil
	}
	if v, err := strconv.ParseUint(spec, 0, 64); err == nil {
		return v, v + 1, nil
	}
	if lo, hi, ok := t.Range(spec); ok {
		return lo, hi, nil
	}
	if t.Len() == 0 {
		return 0, 0, fmt.Errorf("symbol %q: the kernel has no symbol table (give an address range)", spec)
	}
	return 0, 0, fmt.Errorf("symbol %q: not in the kernel's symbol table", spec)
}
