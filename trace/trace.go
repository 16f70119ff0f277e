// Package trace is --trace: the set of trace categories a run asks for,
// and one line of text per traced event (a trap, a device register access,
// a PLIC claim, a virtio request, a network frame, an instruction). The
// board decides where each category is hooked in; this package only says
// what the lines look like. Lines name kernel code from its ELF symbols.
package trace

import (
	"fmt"
	"sort"
	"strings"

	"github.com/rvemu/rvemu/symtab"
)

// Set is a set of trace categories.
type Set uint32

// Categories. Add new ones here and in names.
const (
	Trap   Set = 1 << iota // every trap taken and every xRET
	MMIO                   // every device register access
	Virtio                 // virtio requests
	PLIC                   // interrupt claims and completions
	E1000                  // NIC registers and descriptors (package e1000 writes these lines)
	Net                    // frames on the user-mode network
	Insn                   // every instruction (slow)
)

var names = map[string]Set{
	"trap":   Trap,
	"mmio":   MMIO,
	"virtio": Virtio,
	"plic":   PLIC,
	"e1000":  E1000,
	"net":    Net,
	"insn":   Insn,
}

// Has reports whether every category in t2 is enabled.
func (t Set) Has(t2 Set) bool { return t&t2 == t2 && t2 != 0 }

// NeedsSymbols: the categories that name code addresses.
func (t Set) NeedsSymbols() bool { return t&(Trap|Insn) != 0 }

// Names lists the accepted category names, sorted.
func Names() []string {
	list := make([]string, 0, len(names))
	for n := range names {
		list = append(list, n)
	}
	sort.Strings(list)
	return list
}

// Parse reads a comma-separated list of categories ("trap,mmio"); "all"
// enables every one. An instruction range given as "insn:RANGE" is
// accepted and dropped: ParseList returns it.
func Parse(list string) (Set, error) {
	t, _, err := ParseList(list)
	return t, err
}

// ParseList is Parse that also returns the code range of an "insn:RANGE"
// item (a symbol, "0xLO-0xHI" or one address; see NewInsnTracer), "" when insn
// has none.
func ParseList(list string) (Set, string, error) {
	var t Set
	insnRange := ""
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		if r, ok := strings.CutPrefix(name, "insn:"); ok {
			if strings.TrimSpace(r) == "" {
				return 0, "", fmt.Errorf("trace %q: want insn:SYMBOL or insn:0xLO-0xHI", name)
			}
			t |= Insn
			insnRange = strings.TrimSpace(r)
			continue
		}
		name = strings.ToLower(name)
		switch {
		case name == "":
		case name == "all":
			for _, v := range names {
				t |= v
			}
		case names[name] != 0:
			t |= names[name]
		default:
			return 0, "", fmt.Errorf("trace %q: want a comma-separated list of %s (insn:SYMBOL or insn:0xLO-0xHI for a range), or all",
				name, strings.Join(Names(), ", "))
		}
	}
	return t, insnRange, nil
}

// CodeName names pc from the kernel's symbols ("name+0xoff"), except for
// user code (priv U), whose addresses mean something else; "" for none.
func CodeName(syms *symtab.Table, pc uint64, priv uint8) string {
	if priv == 0 {
		return ""
	}
	return syms.Describe(pc)
}
