package plic

import "testing"

// The board samples SEIP/MEIP after every MMIO access and when a hart idles;
// the worst case scans all three bitmap words.
func BenchmarkSEIP(b *testing.B) {
	p := setup(3, 5, map[int]uint32{1: 1, 10: 1, 33: 1})
	p.Line(33).Set(true)
	b.ReportAllocs()
	n := 0
	for i := 0; i < b.N; i++ {
		if p.SEIP(2) {
			n++
		}
	}
	if n == 0 {
		b.Fatal("hart 2 should see IRQ 33")
	}
}
