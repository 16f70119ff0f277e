package e1000

import (
	"encoding/binary"
	"testing"
)

// FuzzGuest lets the fuzzer play a hostile driver: arbitrary register
// writes (rings anywhere, garbage descriptors in RAM) interleaved with
// arriving frames. The host must never panic.
func FuzzGuest(f *testing.F) {
	f.Add([]byte{0x18, 0x38, 0, 0, 5, 0, 0, 0, 0xFF}, []byte{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF})
	f.Add([]byte{0x08, 0x28, 0, 0, 0x80, 0xFF, 0xFF, 0xFF, 0x00}, []byte{0x52, 0x54, 0, 0x12, 0x34, 0x56})
	f.Fuzz(func(t *testing.T, script []byte, dst []byte) {
		// The driver checker and the trace read the same hostile rings.
		var now uint64
		r := newRig(&testing.T{}, Config{RxQueue: 4,
			Check: CheckConfig{Warn: func(w Warning) { _ = w.String() }, Where: func() string { return "" }, Now: func() uint64 { return now }},
			Trace: func(string) {},
		})
		r.initLikeXv6()
		// Garbage in both rings' descriptors.
		for i := 0; i+8 <= len(script); i += 8 {
			r.bus.WriteDMA(rxRingPA+uint64(i%256), script[i:i+8])
			r.bus.WriteDMA(txRingPA+uint64(i%256), script[i:i+8])
		}
		fr := frame(broadcast, 100, 1)
		copy(fr, dst)
		for len(script) >= 9 {
			off := uint64(binary.LittleEndian.Uint32(script)) % BAR0Size
			val := binary.LittleEndian.Uint32(script[4:])
			if script[8]&1 != 0 {
				r.window.Read(off&^3, 4)
			} else {
				r.window.Write(off&^3, 4, uint64(val))
			}
			if script[8]&2 != 0 {
				r.nic.Receive(fr)
			}
			if script[8]&4 != 0 {
				now += CheckPatienceTicks / 4
				r.nic.PollChecks()
			}
			script = script[9:]
		}
		r.nic.Receive(fr)
	})
}
