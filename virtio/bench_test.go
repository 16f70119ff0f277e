package virtio

import "testing"

// BenchmarkRead1K measures one xv6-sized request (a 1 KiB block: header,
// data, status descriptors) from the notify write to the interrupt and its
// acknowledgement, legacy and modern. The device path allocates nothing.
func BenchmarkRead1K(b *testing.B) {
	for _, l := range layouts {
		b.Run(l.name, func(b *testing.B) {
			r := newRig(&testing.T{}, l.legacy, 2048)
			r.setup(8)
			hdr, st := uint64(bufBase-0x100), uint64(bufBase-0x80)
			chain := []desc{r.header(hdr, reqIn, 0), {bufBase, 1024, descWrite}, {st, 1, descWrite}}
			b.ReportAllocs()
			b.SetBytes(1024)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				_ = r.bus.WriteU64(hdr+8, uint64(i%1024)*2)
				r.nextDesc = 0
				r.post(chain...)
				r.notify()
				r.wr(regInterruptACK, intUsedRing)
			}
			if r.status(st) != statusOK {
				b.Fatal("request failed")
			}
		})
	}
}
