package e1000

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTransmitLikeXv6(t *testing.T) {
	r := newRig(t, Config{})
	r.initLikeXv6()
	tests := []struct {
		name    string
		frame   []byte
		cmd     byte
		wantLen int
		wantDD  bool
	}{
		{"short frame padded to 60", frame(broadcast, 10, 1), cmdEOPRS, 60, true},
		{"full frame", frame(broadcast, 1000, 2), cmdEOPRS, 1014, true},
		{"no RS, no write-back", frame(broadcast, 100, 3), txCmdEOP, 114, false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r.sent = nil
			r.send(tt.frame, tt.cmd)
			require.Len(t, r.sent, 1)
			assert.Len(t, r.sent[0], tt.wantLen)
			assert.Equal(t, tt.frame, r.sent[0][:len(tt.frame)])
			var b [1]byte
			require.NoError(t, r.bus.ReadDMA(txRingPA+16*uint64(i)+12, b[:]))
			assert.Equal(t, tt.wantDD, b[0]&txStaDD != 0)
			assert.Equal(t, uint32(i+1), r.rd(regTDH))
			icr := r.rd(regICR)
			assert.NotZero(t, icr&IntTXQE)
			assert.Equal(t, tt.wantDD, icr&IntTXDW != 0)
		})
	}
	assert.False(t, r.irq.level, "TX causes are masked by xv6's IMS")
	assert.Equal(t, uint32(3), r.rd(statGPTC))
	assert.Equal(t, uint32(0), r.rd(statGPTC), "statistics clear on read")
}

func TestTransmitGathersDescriptorsUntilEOP(t *testing.T) {
	r := newRig(t, Config{})
	r.initLikeXv6()
	f := frame(broadcast, 200, 9)
	r.send(f[:100], 0)
	assert.Empty(t, r.sent)
	r.send(f[100:], cmdEOPRS)
	require.Len(t, r.sent, 1)
	assert.Equal(t, f, r.sent[0])
}

func TestReceiveLikeXv6(t *testing.T) {
	r := newRig(t, Config{})
	r.initLikeXv6()
	in := frame(unitMAC, 100, 7)
	r.nic.Receive(in)
	length, status, data := r.rxDesc(0)
	assert.Equal(t, uint16(len(in)), length)
	assert.Equal(t, byte(rxStaDD|rxStaEOP), status)
	assert.Equal(t, in, data)
	assert.Equal(t, uint32(1), r.rd(regRDH))
	assert.True(t, r.irq.level, "RXT0 is enabled")

	r.wr(regICR, 0xFFFF_FFFF)
	assert.False(t, r.irq.level, "write-1 to ICR acks")

	r.nic.Receive(frame(broadcast, 1, 8))
	length, _, _ = r.rxDesc(1)
	assert.Equal(t, uint16(60), length, "runt padded to 60")
	assert.Equal(t, uint32(2), r.rd(statGPRC))
}

func TestICRSemantics(t *testing.T) {
	tests := []struct {
		name     string
		ics      uint32
		ack      func(r *rig) uint32 // returns what a read gave, if it read
		wantRead uint32
		wantLeft uint32
	}{
		{"read clears all", IntRXT0 | IntTXDW, func(r *rig) uint32 { return r.rd(regICR) }, IntRXT0 | IntTXDW, 0},
		{"write-1 clears selected", IntRXT0 | IntTXDW, func(r *rig) uint32 { r.wr(regICR, IntTXDW); return 0 }, 0, IntRXT0},
		{"write-0 clears nothing", IntRXT0, func(r *rig) uint32 { r.wr(regICR, 0); return 0 }, 0, IntRXT0},
		{"write all ones", IntRXT0 | IntLSC, func(r *rig) uint32 { r.wr(regICR, 0xFFFF_FFFF); return 0 }, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, Config{})
			r.wr(regIMS, IntRXT0)
			r.wr(regICS, tt.ics)
			assert.True(t, r.irq.level)
			assert.Equal(t, tt.wantRead, tt.ack(r))
			assert.Equal(t, tt.wantLeft, r.nic.reg(regICR))
			assert.Equal(t, tt.wantLeft&IntRXT0 != 0, r.irq.level)
		})
	}
}

func TestIMSAndIMC(t *testing.T) {
	tests := []struct {
		name    string
		writes  [][2]uint32
		wantIMS uint32
		wantIRQ bool
	}{
		{"ims sets", [][2]uint32{{regIMS, IntRXT0}, {regIMS, IntTXDW}}, IntRXT0 | IntTXDW, true},
		{"ims zero keeps", [][2]uint32{{regIMS, IntRXT0}, {regIMS, 0}}, IntRXT0, true},
		{"imc clears", [][2]uint32{{regIMS, IntRXT0 | IntTXDW}, {regIMC, IntRXT0}}, IntTXDW, false},
		{"imc all", [][2]uint32{{regIMS, 0xFF}, {regIMC, 0xFFFF_FFFF}}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, Config{})
			r.wr(regICS, IntRXT0)
			for _, w := range tt.writes {
				r.wr(w[0], w[1])
			}
			assert.Equal(t, tt.wantIMS, r.rd(regIMS))
			assert.Equal(t, tt.wantIRQ, r.irq.level)
		})
	}
}

func TestReceiveFilter(t *testing.T) {
	// 01:00:5e:00:00:fb with MO=0 hashes to (0x00>>4 | 0xfb<<4) = 0xFB0.
	const mcast = "01:00:5e:00:00:fb"
	tests := []struct {
		name   string
		rctl   uint32
		mta    bool
		dst    string
		accept bool
	}{
		{"broadcast with BAM", xv6RCTL, false, broadcast, true},
		{"broadcast without BAM", rctlEN, false, broadcast, false},
		{"own unicast", rctlEN, false, unitMAC, true},
		{"other unicast", xv6RCTL, false, "52:54:00:12:34:57", false},
		{"other unicast promiscuous", xv6RCTL | rctlUPE, false, "52:54:00:12:34:57", true},
		{"multicast not in table", xv6RCTL, false, mcast, false},
		{"multicast in table", xv6RCTL, true, mcast, true},
		{"multicast promiscuous", xv6RCTL | rctlMPE, false, mcast, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, Config{})
			r.initLikeXv6()
			r.wr(regRCTL, tt.rctl)
			if tt.mta {
				r.wr(regMTA+4*(0xFB0>>5), 1<<(0xFB0&31))
			}
			r.nic.Receive(frame(tt.dst, 50, 1))
			assert.Equal(t, tt.accept, r.rd(regRDH) == 1)
		})
	}

	t.Run("RA without valid bit", func(t *testing.T) {
		r := newRig(t, Config{})
		r.initLikeXv6()
		r.wr(regRA+4, 0x5634)
		r.nic.Receive(frame(unitMAC, 50, 1))
		assert.Equal(t, uint32(0), r.rd(regRDH))
	})
}

func TestRingWrapsWhenDriverRecycles(t *testing.T) {
	r := newRig(t, Config{})
	r.initLikeXv6()
	for i := 0; i < 3*ringSize+5; i++ {
		r.nic.Receive(frame(broadcast, 64, byte(i)))
		slot := uint32(i % ringSize)
		_, status, data := r.rxDesc(slot)
		require.Equal(t, byte(rxStaDD|rxStaEOP), status, "frame %d", i)
		require.Equal(t, byte(i), data[20], "frame %d landed in slot %d", i, slot)
		r.recycle()
	}
	assert.Equal(t, uint32((3*ringSize+5)%ringSize), r.rd(regRDH))
	assert.Zero(t, r.nic.Waiting())
}

func TestFullRingQueuesUntilRDTMoves(t *testing.T) {
	r := newRig(t, Config{})
	r.initLikeXv6()
	for i := 0; i < 20; i++ {
		r.nic.Receive(frame(broadcast, 64, byte(i)))
	}
	assert.Equal(t, uint32(15), r.rd(regRDH), "15 descriptors were free")
	assert.Equal(t, 5, r.nic.Waiting())

	// The driver drains every filled descriptor and hands them back.
	for i := 0; i < 15; i++ {
		_, _, data := r.rxDesc(uint32(i))
		assert.Equal(t, byte(i), data[20])
		r.recycle()
	}
	assert.Zero(t, r.nic.Waiting())
	for i := 15; i < 20; i++ {
		_, status, data := r.rxDesc(uint32(i % ringSize))
		assert.Equal(t, byte(rxStaDD|rxStaEOP), status)
		assert.Equal(t, byte(i), data[20], "waiting frames keep their order")
	}
	assert.Equal(t, uint64(20), r.nic.Stats().RxFrames)
}

func TestQueueOverflowIsCounted(t *testing.T) {
	r := newRig(t, Config{RxQueue: 4})
	r.initLikeXv6()
	r.wr(regIMS, IntRXO)
	for i := 0; i < 15+4+3; i++ {
		r.nic.Receive(frame(broadcast, 64, byte(i)))
	}
	assert.Equal(t, 4, r.nic.Waiting())
	assert.Equal(t, uint64(3), r.nic.Stats().RxOverflow)
	assert.Equal(t, uint32(3), r.rd(statMPC))
	assert.Equal(t, uint32(0), r.rd(statMPC))
	assert.NotZero(t, r.rd(regICR)&IntRXO)
	assert.Len(t, r.logs, 1, "overflow logged once")
	assert.Contains(t, r.nic.Stats().String(), "3 queue overflow")
}

func TestReset(t *testing.T) {
	for _, bit := range []uint32{ctrlReset, ctrlResetAlt} {
		r := newRig(t, Config{})
		r.initLikeXv6()
		r.nic.Receive(frame(broadcast, 64, 1))
		require.True(t, r.irq.level)
		r.wr(regCTRL, r.rd(regCTRL)|bit)
		assert.Zero(t, r.rd(regCTRL)&(ctrlReset|ctrlResetAlt), "reset self-clears")
		assert.Zero(t, r.rd(regIMS))
		assert.Zero(t, r.rd(regRDLEN))
		assert.Zero(t, r.rd(regRCTL))
		assert.False(t, r.irq.level)
		assert.Equal(t, uint32(statusLinkUp1000FD), r.rd(regSTATUS))
		assert.Equal(t, uint32(0x1200_5452), r.rd(regRA), "RA0 reloaded from EEPROM")
	}
}

func TestBadDMANeverPanics(t *testing.T) {
	tests := []struct {
		name  string
		setup func(r *rig)
	}{
		{"rx ring outside RAM", func(r *rig) { r.wr(regRDBAL, 0x1000) }},
		{"rx buffer outside RAM", func(r *rig) { require.NoError(r.t, r.bus.WriteU64(rxRingPA, 0xFFFF_FFFF_FFFF_0000)) }},
		{"tx ring outside RAM", func(r *rig) { r.wr(regTDBAL, 0x1000) }},
		{"rx ring 64-bit high", func(r *rig) { r.wr(regRDBAH, 0xFFFF_FFFF) }},
		{"head beyond ring", func(r *rig) { r.wr(regRDH, 1000); r.wr(regTDH, 999) }},
		{"zero ring lengths", func(r *rig) { r.wr(regRDLEN, 0); r.wr(regTDLEN, 0) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, Config{})
			r.initLikeXv6()
			tt.setup(r)
			assert.NotPanics(t, func() {
				for i := 0; i < 3; i++ {
					r.nic.Receive(frame(broadcast, 64, 1))
					r.send(frame(broadcast, 64, 2), cmdEOPRS)
				}
				r.send(frame(broadcast, 64, 2), cmdEOPRS)
			})
			assert.LessOrEqual(t, len(r.logs), 3, "each cause logged once: %v", r.logs)
		})
	}

	t.Run("tx buffer outside RAM drops the frame", func(t *testing.T) {
		r := newRig(t, Config{})
		r.initLikeXv6()
		d := make([]byte, 16)
		binary.LittleEndian.PutUint64(d, 0x10)
		binary.LittleEndian.PutUint16(d[8:], 100)
		d[11] = cmdEOPRS
		require.NoError(t, r.bus.WriteDMA(txRingPA, d))
		r.wr(regTDT, 1)
		assert.Empty(t, r.sent)
		assert.Equal(t, uint64(1), r.nic.Stats().TxDropped)
		assert.Equal(t, uint32(1), r.rd(regTDH), "descriptor still consumed")
	})
}

func TestBusMasterGatesDMA(t *testing.T) {
	r := newRig(t, Config{})
	r.initLikeXv6()
	ecam := r.host.ECAM()
	ecam.Write(1<<15+4, 2, 2) // memory decode only
	r.nic.Receive(frame(broadcast, 64, 1))
	r.send(frame(broadcast, 64, 2), cmdEOPRS)
	assert.Empty(t, r.sent)
	assert.Equal(t, 1, r.nic.Waiting())
	ecam.Write(1<<15+4, 2, 7)
	assert.Zero(t, r.nic.Waiting(), "waiting frame delivered once mastering is on")
	assert.Equal(t, uint32(1), r.rd(regRDH))
	r.wr(regTDT, r.rd(regTDT))
	assert.Len(t, r.sent, 1)
}

func TestTransmitCallbackMayReceive(t *testing.T) {
	r := newRig(t, Config{})
	r.initLikeXv6()
	r.nic.transmit = func(f []byte) { r.nic.Receive(f) } // a loopback link
	r.send(frame(broadcast, 64, 5), cmdEOPRS)
	_, status, data := r.rxDesc(0)
	assert.Equal(t, byte(rxStaDD|rxStaEOP), status)
	assert.Equal(t, byte(5), data[20])
}

func TestEEPROM(t *testing.T) {
	mac := [6]byte{0x02, 0x11, 0x22, 0x33, 0x44, 0x55}
	r := newRig(t, Config{MAC: mac})
	readEERD := func(addr uint32) uint16 {
		r.wr(regEERD, addr<<8|eerdStart)
		v := r.rd(regEERD)
		require.NotZero(t, v&eerdDone)
		return uint16(v >> 16)
	}
	tests := []struct {
		word uint32
		want uint16
	}{{0, 0x1102}, {1, 0x3322}, {2, 0x5544}, {0x0D, DeviceID}, {0x0E, VendorID}}
	for _, tt := range tests {
		assert.Equal(t, tt.want, readEERD(tt.word), "word %#x", tt.word)
	}
	var sum uint16
	for i := uint32(0); i < eepromWords; i++ {
		sum += readEERD(i)
	}
	assert.Equal(t, uint16(eepromChecksum), sum)

	// The same words through the bit-banged Microwire interface.
	microwire := func(addr uint32) uint16 {
		r.wr(regEECD, eecdREQ)
		require.NotZero(t, r.rd(regEECD)&eecdGNT)
		r.wr(regEECD, eecdREQ|eecdCS)
		cmd := uint32(0b110)<<6 | addr
		for i := 8; i >= 0; i-- {
			di := uint32(0)
			if cmd>>i&1 != 0 {
				di = eecdDI
			}
			r.wr(regEECD, eecdREQ|eecdCS|di)
			r.wr(regEECD, eecdREQ|eecdCS|di|eecdSK)
			r.wr(regEECD, eecdREQ|eecdCS|di)
		}
		var w uint16
		for i := 0; i < 16; i++ {
			r.wr(regEECD, eecdREQ|eecdCS|eecdSK)
			w = w<<1 | uint16(r.rd(regEECD)>>3&1)
			r.wr(regEECD, eecdREQ|eecdCS)
		}
		r.wr(regEECD, 0)
		return w
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, microwire(tt.word), "microwire word %#x", tt.word)
	}
	assert.Equal(t, mac, r.nic.MAC())
}

func TestUnknownRegisterLoggedOnce(t *testing.T) {
	r := newRig(t, Config{})
	for i := 0; i < 3; i++ {
		assert.Zero(t, r.rd(0x1F000))
		r.wr(0x1F000, 1)
	}
	assert.Len(t, r.logs, 2)
}

func TestPHYThroughMDIC(t *testing.T) {
	tests := []struct {
		name  string
		write uint32
		want  uint32 // data bits after the access
		err   bool
	}{
		{"read PHY id 1", 1<<21 | 2<<16 | mdicOpRead, 0x0141, false},
		{"read status: link up", 1<<21 | 1<<16 | mdicOpRead, 0x796D, false},
		{"absent PHY address", 2<<21 | 1<<16 | mdicOpRead, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, Config{})
			r.wr(regMDIC, tt.write)
			v := r.rd(regMDIC)
			assert.NotZero(t, v&mdicReady)
			assert.Equal(t, tt.err, v&(1<<30) != 0)
			if !tt.err {
				assert.Equal(t, tt.want, v&0xFFFF)
			}
		})
	}
}

func TestNarrowWrites(t *testing.T) {
	tests := []struct {
		name  string
		off   uint64
		size  int
		val   uint64
		check func(r *rig)
	}{
		{"byte write-1 to ICR clears only that byte's bits", regICR + 1, 1, 0x01, func(r *rig) {
			assert.Equal(t, uint32(IntRXT0|IntTXDW), r.nic.reg(regICR)) // bit 8 cleared
		}},
		{"halfword to TDLEN merges with the stored high half", regTDLEN, 2, 0x100, func(r *rig) {
			assert.Equal(t, uint32(0x100), r.rd(regTDLEN))
		}},
		{"byte to RDT", regRDT, 1, 7, func(r *rig) { assert.Equal(t, uint32(7), r.rd(regRDT)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, Config{})
			r.wr(regICS, IntRXT0|IntTXDW|1<<8)
			r.window.Write(tt.off, tt.size, tt.val)
			tt.check(r)
		})
	}
}
