package softfp

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

// binary64 and binary32 values used by the tables.
const (
	dPosZero = 0x0000000000000000
	dNegZero = 0x8000000000000000
	dOne     = 0x3ff0000000000000
	dNegOne  = 0xbff0000000000000
	dTwo     = 0x4000000000000000
	dThree   = 0x4008000000000000
	dInf     = 0x7ff0000000000000
	dNegInf  = 0xfff0000000000000
	dQNaN    = 0x7ff8000000000000 // canonical
	dQNaNPay = 0xfff8000000000123 // negative, with payload
	dSNaN    = 0x7ff0000000000001
	dMax     = 0x7fefffffffffffff
	dMinSub  = 0x0000000000000001
	dMinNorm = 0x0010000000000000

	sPosZero = 0x00000000
	sNegZero = 0x80000000
	sOne     = 0x3f800000
	sNegOne  = 0xbf800000
	sTwo     = 0x40000000
	sInf     = 0x7f800000
	sNegInf  = 0xff800000
	sQNaN    = 0x7fc00000
	sSNaN    = 0x7f800001
	sMax     = 0x7f7fffff
	sMinSub  = 0x00000001
)

type result struct {
	v  uint64
	fl Flags
}

func (r result) String() string { return fmt.Sprintf("%#x %v", r.v, r.fl) }

func res(v uint64, fl Flags) result { return result{v, fl} }

func TestSpecialValues(t *testing.T) {
	tests := []struct {
		name string
		got  result
		want result
	}{
		// Sums of zeros: +0 unless both are -0, or rounding down.
		{"+0 + -0", res(F64.Add(dPosZero, dNegZero, RNE)), res(dPosZero, 0)},
		{"+0 + -0 rdn", res(F64.Add(dPosZero, dNegZero, RDN)), res(dNegZero, 0)},
		{"-0 + -0", res(F64.Add(dNegZero, dNegZero, RNE)), res(dNegZero, 0)},
		{"1 - 1", res(F64.Sub(dOne, dOne, RNE)), res(dPosZero, 0)},
		{"1 - 1 rdn", res(F64.Sub(dOne, dOne, RDN)), res(dNegZero, 0)},
		{"-0 - +0", res(F64.Sub(dNegZero, dPosZero, RUP)), res(dNegZero, 0)},
		{"x + 0 exact", res(F64.Add(dMinSub, dNegZero, RNE)), res(dMinSub, 0)},
		// Infinities and NaNs.
		{"inf - inf", res(F64.Sub(dInf, dInf, RNE)), res(dQNaN, NV)},
		{"inf + -inf f32", res(F32.Add(sInf, sNegInf, RNE)), res(sQNaN, NV)},
		{"inf + 1", res(F64.Add(dInf, dOne, RNE)), res(dInf, 0)},
		{"qnan + 1: canonical, quiet", res(F64.Add(dQNaNPay, dOne, RNE)), res(dQNaN, 0)},
		{"snan + 1", res(F64.Add(dSNaN, dOne, RNE)), res(dQNaN, NV)},
		{"snan f32", res(F32.Mul(sOne, sSNaN, RNE)), res(sQNaN, NV)},
		{"0 * inf", res(F64.Mul(dNegZero, dInf, RNE)), res(dQNaN, NV)},
		{"-1 * 0", res(F64.Mul(dNegOne, dPosZero, RNE)), res(dNegZero, 0)},
		{"max * 2 overflow", res(F64.Mul(dMax, dTwo, RNE)), res(dInf, OF|NX)},
		{"max * 2 rtz", res(F64.Mul(dMax, dTwo, RTZ)), res(dMax, OF|NX)},
		{"-max * 2 rup", res(F64.Mul(dMax|dNegZero, dTwo, RUP)), res(dMax|dNegZero, OF|NX)},
		{"-max * 2 rdn", res(F64.Mul(dMax|dNegZero, dTwo, RDN)), res(dNegInf, OF|NX)},
		{"f32 max + max", res(F32.Add(sMax, sMax, RMM)), res(sInf, OF|NX)},
		{"min subnormal / 2 rne", res(F64.Div(dMinSub, dTwo, RNE)), res(dPosZero, UF|NX)},
		{"min subnormal / 2 rup", res(F64.Div(dMinSub, dTwo, RUP)), res(dMinSub, UF|NX)},
		{"min subnormal * 1: exact, no UF", res(F64.Mul(dMinSub, dOne, RNE)), res(dMinSub, 0)},
		{"f32 min subnormal * 0.5 rmm", res(F32.Mul(sMinSub, 0x3f000000, RMM)), res(sMinSub, UF|NX)},
		// Division.
		{"1 / 0", res(F64.Div(dOne, dPosZero, RNE)), res(dInf, DZ)},
		{"-1 / 0", res(F64.Div(dNegOne, dPosZero, RNE)), res(dNegInf, DZ)},
		{"0 / 0", res(F64.Div(dPosZero, dNegZero, RNE)), res(dQNaN, NV)},
		{"inf / inf", res(F64.Div(dInf, dNegInf, RNE)), res(dQNaN, NV)},
		{"1 / inf", res(F64.Div(dOne, dNegInf, RNE)), res(dNegZero, 0)},
		{"inf / 0: no DZ", res(F64.Div(dInf, dPosZero, RNE)), res(dInf, 0)},
		{"1 / 3 rne", res(F64.Div(dOne, dThree, RNE)), res(0x3fd5555555555555, NX)},
		{"1 / 3 rup", res(F64.Div(dOne, dThree, RUP)), res(0x3fd5555555555556, NX)},
		{"f32 1 / 3 rmm", res(F32.Div(sOne, 0x40400000, RMM)), res(0x3eaaaaab, NX)},
		// Square root.
		{"sqrt -0", res(F64.Sqrt(dNegZero, RNE)), res(dNegZero, 0)},
		{"sqrt -1", res(F64.Sqrt(dNegOne, RNE)), res(dQNaN, NV)},
		{"sqrt -inf", res(F64.Sqrt(dNegInf, RNE)), res(dQNaN, NV)},
		{"sqrt inf", res(F64.Sqrt(dInf, RNE)), res(dInf, 0)},
		{"sqrt qnan", res(F64.Sqrt(dQNaNPay, RNE)), res(dQNaN, 0)},
		{"sqrt 2 rtz", res(F64.Sqrt(dTwo, RTZ)), res(0x3ff6a09e667f3bcc, NX)},
		{"sqrt 2 rup", res(F64.Sqrt(dTwo, RUP)), res(0x3ff6a09e667f3bcd, NX)},
		{"f32 sqrt 4", res(F32.Sqrt(0x40800000, RNE)), res(sTwo, 0)},
		{"sqrt min subnormal", res(F64.Sqrt(dMinSub, RNE)), res(0x1e60000000000000, 0)},
		// Fused multiply-add.
		{"0*inf + qnan: NV", res(F64.MulAdd(dPosZero, dInf, dQNaN, RNE)), res(dQNaN, NV)},
		{"inf*1 + -inf", res(F64.MulAdd(dInf, dOne, dNegInf, RNE)), res(dQNaN, NV)},
		{"1*1 + inf", res(F64.MulAdd(dOne, dOne, dInf, RNE)), res(dInf, 0)},
		{"-0*1 + +0", res(F64.MulAdd(dNegZero, dOne, dPosZero, RNE)), res(dPosZero, 0)},
		{"-0*1 + +0 rdn", res(F64.MulAdd(dNegZero, dOne, dPosZero, RDN)), res(dNegZero, 0)},
		{"-0*1 + -0", res(F64.MulAdd(dNegZero, dOne, dNegZero, RNE)), res(dNegZero, 0)},
		{"0*1 + min subnormal", res(F64.MulAdd(dPosZero, dOne, dMinSub, RNE)), res(dMinSub, 0)},
		{"1*1 - 1", res(F64.MulAdd(dOne, dOne, dNegOne, RNE)), res(dPosZero, 0)},
		{"1*1 - 1 rdn", res(F64.MulAdd(dOne, dOne, dNegOne, RDN)), res(dNegZero, 0)},
		{"max*2 - max (no intermediate overflow)", res(F64.MulAdd(dMax, dTwo, dMax|dNegZero, RNE)), res(dMax, 0)},
		// One rounding: (1+2^-52)(1-2^-53) - 1 = 2^-53 - 2^-105 exactly
		// (rounding the product first would give 1, and 0).
		{"fused residual", res(F64.MulAdd(0x3ff0000000000001, 0x3fefffffffffffff, dNegOne, RNE)), res(0x3c9ffffffffffffe, 0)},
		{"f32 fused residual", res(F32.MulAdd(0x3f800001, 0x3f7fffff, sNegOne, RNE)), res(0x337ffffe, 0)},
		// Conversions between formats.
		{"f64 snan to f32", res(F32.Convert(F64, dSNaN, RNE)), res(sQNaN, NV)},
		{"f64 qnan to f32", res(F32.Convert(F64, dQNaNPay, RNE)), res(sQNaN, 0)},
		{"f32 snan to f64", res(F64.Convert(F32, sSNaN, RNE)), res(dQNaN, NV)},
		{"f32 -inf to f64", res(F64.Convert(F32, sNegInf, RNE)), res(dNegInf, 0)},
		{"f64 max to f32 rtz", res(F32.Convert(F64, dMax, RTZ)), res(sMax, OF|NX)},
		{"f64 min normal to f32", res(F32.Convert(F64, dMinNorm, RNE)), res(sPosZero, UF|NX)},
		{"f64 -0 to f32", res(F32.Convert(F64, dNegZero, RNE)), res(sNegZero, 0)},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want.String(), tt.got.String(), tt.name)
	}
}

func TestIntegerConversions(t *testing.T) {
	const w, l = 32, 64
	tests := []struct {
		name   string
		f      Format
		a      uint64
		width  uint
		signed bool
		rm     RoundingMode
		want   result
	}{
		{"nan to w", F64, dQNaN, w, true, RNE, res(0x7fffffff, NV)},
		{"nan to wu", F64, dQNaN, w, false, RNE, res(0xffffffff, NV)},
		{"nan to l", F32, sSNaN, l, true, RNE, res(0x7fffffffffffffff, NV)},
		{"negative nan to lu", F64, dQNaNPay, l, false, RNE, res(0xffffffffffffffff, NV)},
		{"-inf to w", F64, dNegInf, w, true, RNE, res(0x80000000, NV)},
		{"-inf to wu", F64, dNegInf, w, false, RNE, res(0, NV)},
		{"inf to lu", F32, sInf, l, false, RNE, res(0xffffffffffffffff, NV)},
		{"-1 to wu", F64, dNegOne, w, false, RNE, res(0, NV)},
		{"-0.5 to wu rne: 0, inexact", F64, 0xbfe0000000000000, w, false, RNE, res(0, NX)},
		{"-0.5 to wu rdn: -1 is invalid", F64, 0xbfe0000000000000, w, false, RDN, res(0, NV)},
		{"-0 to wu", F64, dNegZero, w, false, RNE, res(0, 0)},
		{"2^31 to w", F64, 0x41e0000000000000, w, true, RNE, res(0x7fffffff, NV)},
		{"-2^31 to w", F64, 0xc1e0000000000000, w, true, RNE, res(0x80000000, 0)},
		{"-2^31-0.5 to w rne", F64, 0xc1e0000000100000, w, true, RNE, res(0x80000000, NX)},
		{"-2^31-0.5 to w rmm", F64, 0xc1e0000000100000, w, true, RMM, res(0x80000000, NV)},
		{"2^32-1 to wu", F64, 0x41efffffffe00000, w, false, RNE, res(0xffffffff, 0)},
		{"2^32 to wu", F64, 0x41f0000000000000, w, false, RNE, res(0xffffffff, NV)},
		{"2^63 to l", F64, 0x43e0000000000000, l, true, RNE, res(0x7fffffffffffffff, NV)},
		{"-2^63 to l", F64, 0xc3e0000000000000, l, true, RNE, res(0x8000000000000000, 0)},
		{"2^63 to lu", F64, 0x43e0000000000000, l, false, RNE, res(0x8000000000000000, 0)},
		{"2^64 to lu", F64, 0x43f0000000000000, l, false, RNE, res(0xffffffffffffffff, NV)},
		{"2.5 to w rne", F64, 0x4004000000000000, w, true, RNE, res(2, NX)},
		{"2.5 to w rmm", F64, 0x4004000000000000, w, true, RMM, res(3, NX)},
		{"-2.5 to w rdn", F64, 0xc004000000000000, w, true, RDN, res(0xfffffffd, NX)},
		{"-2.5 to w rup", F64, 0xc004000000000000, w, true, RUP, res(0xfffffffe, NX)},
		{"-2.5 to w rtz", F64, 0xc004000000000000, w, true, RTZ, res(0xfffffffe, NX)},
		{"f32 1.5 to l rne", F32, 0x3fc00000, l, true, RNE, res(2, NX)},
		{"min subnormal to l rup", F64, dMinSub, l, true, RUP, res(1, NX)},
		{"min subnormal to l rne", F64, dMinSub, l, true, RNE, res(0, NX)},
	}
	for _, tt := range tests {
		v, fl := tt.f.ToInt(tt.a, tt.width, tt.signed, tt.rm)
		assert.Equal(t, tt.want.String(), res(v, fl).String(), tt.name)
	}

	from := []struct {
		name   string
		f      Format
		v      uint64
		signed bool
		rm     RoundingMode
		want   result
	}{
		{"0", F64, 0, true, RDN, res(dPosZero, 0)},
		{"-1", F64, 0xffffffffffffffff, true, RNE, res(dNegOne, 0)},
		{"2^64-1 unsigned", F64, 0xffffffffffffffff, false, RNE, res(0x43f0000000000000, NX)},
		{"2^64-1 unsigned rtz", F64, 0xffffffffffffffff, false, RTZ, res(0x43efffffffffffff, NX)},
		{"-2^63", F64, 0x8000000000000000, true, RNE, res(0xc3e0000000000000, 0)},
		{"2^24+1 to f32", F32, 1<<24 + 1, true, RNE, res(0x4b800000, NX)},
		{"2^24+1 to f32 rup", F32, 1<<24 + 1, true, RUP, res(0x4b800001, NX)},
	}
	for _, tt := range from {
		v, fl := tt.f.FromInt(tt.v, tt.signed, tt.rm)
		assert.Equal(t, tt.want.String(), res(v, fl).String(), tt.name)
	}
}

func TestCompareMinMaxClass(t *testing.T) {
	b := func(v bool, fl Flags) result {
		if v {
			return res(1, fl)
		}
		return res(0, fl)
	}
	tests := []struct {
		name string
		got  result
		want result
	}{
		{"eq +0 -0", b(F64.Eq(dPosZero, dNegZero)), res(1, 0)},
		{"eq qnan", b(F64.Eq(dQNaN, dQNaN)), res(0, 0)},
		{"eq snan", b(F64.Eq(dSNaN, dOne)), res(0, NV)},
		{"lt qnan signals", b(F64.Lt(dQNaN, dOne)), res(0, NV)},
		{"le qnan signals", b(F32.Le(sOne, sQNaN)), res(0, NV)},
		{"lt -0 +0", b(F64.Lt(dNegZero, dPosZero)), res(0, 0)},
		{"le -0 +0", b(F64.Le(dPosZero, dNegZero)), res(1, 0)},
		{"lt -1 1", b(F64.Lt(dNegOne, dOne)), res(1, 0)},
		{"lt -2 -1", b(F64.Lt(0xc000000000000000, dNegOne)), res(1, 0)},
		{"lt -1 -2", b(F64.Lt(dNegOne, 0xc000000000000000)), res(0, 0)},
		{"le -inf max", b(F64.Le(dNegInf, dMax)), res(1, 0)},
		{"min -0 +0", res(F64.Min(dPosZero, dNegZero)), res(dNegZero, 0)},
		{"max -0 +0", res(F64.Max(dNegZero, dPosZero)), res(dPosZero, 0)},
		{"min qnan 1", res(F64.Min(dQNaNPay, dOne)), res(dOne, 0)},
		{"max 1 snan", res(F64.Max(dOne, dSNaN)), res(dOne, NV)},
		{"min nan nan", res(F64.Min(dQNaNPay, dSNaN)), res(dQNaN, NV)},
		{"f32 max -1 2", res(F32.Max(sNegOne, sTwo)), res(sTwo, 0)},
		{"f32 min -inf 2", res(F32.Min(sTwo, sNegInf)), res(sNegInf, 0)},
		{"class -inf", res(F64.Class(dNegInf), 0), res(1<<0, 0)},
		{"class -1", res(F64.Class(dNegOne), 0), res(1<<1, 0)},
		{"class -subnormal", res(F64.Class(dMinSub|dNegZero), 0), res(1<<2, 0)},
		{"class -0", res(F64.Class(dNegZero), 0), res(1<<3, 0)},
		{"class +0", res(F32.Class(sPosZero), 0), res(1<<4, 0)},
		{"class +subnormal", res(F32.Class(sMinSub), 0), res(1<<5, 0)},
		{"class +1", res(F32.Class(sOne), 0), res(1<<6, 0)},
		{"class +inf", res(F32.Class(sInf), 0), res(1<<7, 0)},
		{"class snan", res(F32.Class(sSNaN), 0), res(1<<8, 0)},
		{"class qnan", res(F64.Class(dQNaNPay), 0), res(1<<9, 0)},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want.String(), tt.got.String(), tt.name)
	}
}
