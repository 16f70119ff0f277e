package monitor

import (
	"strings"
	"testing"
)

// FuzzExec feeds the monitor arbitrary command lines against a board with
// a paged hart whose table the fuzzer can also scribble on (the first
// bytes of the input are stored over it). Whatever is typed and whatever
// the guest's table holds, the monitor answers with text and never
// panics; an answer that is an error is one line and a pointer to help.
func FuzzExec(f *testing.F) {
	for _, line := range []string{
		"info mem", "info tlb", "info registers -a", "info cpus", "info pci", "info network", "info status",
		"x /4xw 0x80000000", "xp /20cb 0x80000000", "x /3i $pc", "x/2xg 0x1000", "xp /0x 0", "p /x ($a0+3)*2",
		"p 1/0", "x (1", "cpu 1", "cpu -1", "gva2gpa 0x1234", "help info mem", "stop", "cont", "bogus", "x /-1x 0",
		"x /99999999999x 0", "p 'a", "p $", "p $nosuch", "info", "help", "x 0xffffffffffffffff", "xp /1000000xg 0x80000000",
	} {
		f.Add(line, []byte{})
	}
	f.Add("info mem", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, line string, table []byte) {
		b := pagedBoard()
		copy(b.ram[0x1_0000:], table) // the root page table
		m := New(b, nil)
		var out strings.Builder
		m.Exec(line, &out)
		m.Exec("info mem", &out)
		m.Exec("info tlb", &out)
		if strings.Contains(out.String(), "Try \"help") {
			for _, l := range strings.Split(out.String(), "\n") {
				if strings.HasPrefix(l, "Try ") && !strings.HasSuffix(l, "for more information") {
					t.Fatalf("odd help pointer %q", l)
				}
			}
		}
	})
}
