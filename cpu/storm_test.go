package cpu

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A run of StormTraps identical exceptions calls the storm hook once; other
// exceptions in between, or system calls, are not a storm.
func TestTrapStorm(t *testing.T) {
	const handler = ramBase + 0x800
	tests := []struct {
		name    string
		code    []uint32 // at ramBase; pc starts there unless code is nil (then 0)
		handler []uint32 // at handler; mtvec = handler unless nil (then 0)
		want    []Storm
	}{
		{"fetch faults at pc 0, mtvec 0 (a kernel that jumped nowhere)", nil, nil,
			[]Storm{{Cause: causeFetchAccess, EPC: 0, TVal: 0, Priv: PrivM}}},
		{"a handler that returns to the faulting load", []uint32{encLW(10, 0, 0)}, []uint32{encMRET},
			[]Storm{{Cause: causeLoadAccess, EPC: ramBase, TVal: 0, Priv: PrivM}}},
		{"system calls in a loop", []uint32{encECALL, encJAL(0, -4)},
			// mepc += 4; mret
			[]uint32{encCSRRS(5, 0x341, 0), encADDI(5, 5, 4), encCSRRW(0, 0x341, 5), encMRET}, nil},
		{"two faulting loads taking turns", []uint32{encLW(10, 0, 0), encLW(10, 0, 8)},
			// skip the load: mepc += 4, and back to the start after the second
			[]uint32{encCSRRS(5, 0x341, 0), encADDI(5, 5, 4), encCSRRW(0, 0x341, 5), encMRET}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := newTestMachine(t)
			code := append(tc.code, encJAL(0, -4*int64(len(tc.code))))
			m.load(ramBase, code...)
			h := m.hart(ramBase)
			if tc.code == nil {
				h.PC = 0
			}
			if tc.handler != nil {
				m.load(handler, tc.handler...)
				h.csr.mtvec = handler
			}
			var got []Storm
			h.SetStormHook(func(s Storm) { got = append(got, s) })
			for i := 0; i < 8*StormTraps/1000 && len(got) == 0; i++ {
				h.Run(1000)
			}
			assert.Equal(t, tc.want, got)
		})
	}
}
