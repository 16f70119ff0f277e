package machine

import (
	"fmt"
	"sort"
	"strings"
)

// Trace is a set of trace categories; lines go to Config.Log.
type Trace uint32

// Trace categories. Add new ones here and in traceNames.
const (
	TraceTrap   Trace = 1 << iota // every trap taken and every xRET
	TraceMMIO                     // every device register access
	TraceVirtio                   // virtio requests
	TracePLIC                     // interrupt claims and completions
	TraceE1000                    // NIC registers and descriptors (installed with the e1000 device)
	TraceNet                      // frames on the user-mode network (installed with usernet)
	TraceInsn                     // every instruction (slow)
)

var traceNames = map[string]Trace{
	"trap":   TraceTrap,
	"mmio":   TraceMMIO,
	"virtio": TraceVirtio,
	"plic":   TracePLIC,
	"e1000":  TraceE1000,
	"net":    TraceNet,
	"insn":   TraceInsn,
}

// Has reports whether every category in t2 is enabled.
func (t Trace) Has(t2 Trace) bool { return t&t2 == t2 && t2 != 0 }

// TraceNames lists the accepted category names, sorted.
func TraceNames() []string {
	names := make([]string, 0, len(traceNames))
	for n := range traceNames {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ParseTrace reads a comma-separated list of categories ("trap,mmio");
// "all" enables every one. An instruction range given as "insn:RANGE" is
// accepted and dropped: ParseTraceList returns it.
func ParseTrace(list string) (Trace, error) {
	t, _, err := ParseTraceList(list)
	return t, err
}

// ParseTraceList is ParseTrace that also returns the code range of an
// "insn:RANGE" item (a symbol, "0xLO-0xHI" or one address; see
// Config.TraceInsn), "" when insn has none.
func ParseTraceList(list string) (Trace, string, error) {
	var t Trace
	insnRange := ""
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		if r, ok := strings.CutPrefix(name, "insn:"); ok {
			if strings.TrimSpace(r) == "" {
				return 0, "", fmt.Errorf("trace %q: want insn:SYMBOL or insn:0xLO-0xHI", name)
			}
			t |= TraceInsn
			insnRange = strings.TrimSpace(r)
			continue
		}
		name = strings.ToLower(name)
		switch {
		case name == "":
		case name == "all":
			for _, v := range traceNames {
				t |= v
			}
		case traceNames[name] != 0:
			t |= traceNames[name]
		default:
			return 0, "", fmt.Errorf("trace %q: want a comma-separated list of %s (insn:SYMBOL or insn:0xLO-0xHI for a range), or all",
				name, strings.Join(TraceNames(), ", "))
		}
	}
	return t, insnRange, nil
}
