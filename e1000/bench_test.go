package e1000

import "testing"

// benchConfigs: the NIC alone, and with the driver checker on (its cost
// is per register write and frame, never per instruction).
var benchConfigs = []struct {
	name string
	cfg  Config
}{
	{"plain", Config{}},
	{"checked", Config{Check: CheckConfig{Warn: func(Warning) {}, Where: func() string { return "" }, Now: func() uint64 { return 0 }}}},
}

// BenchmarkReceive: one full-size frame into the ring and the driver's
// recycle of the descriptor (status cleared), per iteration.
func BenchmarkReceive(b *testing.B) {
	for _, bc := range benchConfigs {
		b.Run(bc.name, func(b *testing.B) {
			r := newRig(&testing.T{}, bc.cfg)
			r.initLikeXv6()
			f := frame(broadcast, 1500, 1)
			b.SetBytes(int64(len(f)))
			b.ReportAllocs()
			for b.Loop() {
				r.nic.Receive(f)
				r.recycle()
			}
		})
	}
}

// BenchmarkTransmit: one full-size frame through a TDT write.
func BenchmarkTransmit(b *testing.B) {
	for _, bc := range benchConfigs {
		b.Run(bc.name, func(b *testing.B) {
			r := newRig(&testing.T{}, bc.cfg)
			r.initLikeXv6()
			r.nic.transmit = func([]byte) {}
			f := frame(broadcast, 1500, 1)
			b.SetBytes(int64(len(f)))
			b.ReportAllocs()
			for b.Loop() {
				r.send(f, cmdEOPRS)
			}
		})
	}
}
