package e1000

import "testing"

// BenchmarkReceive: one full-size frame into the ring and the driver's
// recycle of the descriptor, per iteration.
func BenchmarkReceive(b *testing.B) {
	r := newRig(&testing.T{}, Config{})
	r.initLikeXv6()
	f := frame(broadcast, 1500, 1)
	b.SetBytes(int64(len(f)))
	b.ReportAllocs()
	for b.Loop() {
		r.nic.Receive(f)
		r.wr(regRDT, (r.rd(regRDT)+1)%ringSize)
	}
}

// BenchmarkTransmit: one full-size frame through a TDT write.
func BenchmarkTransmit(b *testing.B) {
	r := newRig(&testing.T{}, Config{})
	r.initLikeXv6()
	r.nic.transmit = func([]byte) {}
	f := frame(broadcast, 1500, 1)
	b.SetBytes(int64(len(f)))
	b.ReportAllocs()
	for b.Loop() {
		r.send(f, cmdEOPRS)
	}
}
