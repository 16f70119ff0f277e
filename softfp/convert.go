package softfp

import "math/bits"

// Convert rounds a (in format from) to format f (fcvt.s.d, fcvt.d.s). A
// NaN becomes the canonical NaN, invalid if it was signalling.
func (f Format) Convert(from Format, a uint64, rm RoundingMode) (uint64, Flags) {
	u := from.unpack(a)
	switch u.class {
	case qnan, snan:
		return f.nanResult(u)
	case inf:
		return f.inf(u.neg), 0
	case zero:
		return f.sign(u.neg), 0
	}
	return f.roundPack(u.neg, u.exp, u.sig, rm)
}

// FromInt converts an integer to format f: v is the integer's bits, read
// as signed when signed is true (callers sign- or zero-extend 32-bit
// integers to 64 bits first).
func (f Format) FromInt(v uint64, signed bool, rm RoundingMode) (uint64, Flags) {
	if v == 0 {
		return 0, 0
	}
	neg := signed && int64(v) < 0
	if neg {
		v = -v // the magnitude; 2^63 for the most negative
	}
	return f.roundPack(neg, 0, v, rm)
}

// ToInt converts a to an integer of width 32 or 64 bits, signed or not,
// rounding by rm. Out-of-range values saturate and raise only NV: NaN
// and too-large values give the largest integer, too-negative values the
// smallest (0 unsigned). The result is the integer's two's complement
// bits in the low width bits (callers sign-extend 32-bit results as RV64
// does, for unsigned ones too).
func (f Format) ToInt(a uint64, width uint, signed bool, rm RoundingMode) (uint64, Flags) {
	maxU := uint64(1)<<(width-1)<<1 - 1 // all ones in width bits
	max, min := maxU, uint64(0)
	if signed {
		max, min = maxU>>1, maxU>>1+1
	}
	u := f.unpack(a)
	switch u.class {
	case qnan, snan:
		return max, NV
	case inf:
		if u.neg {
			return min, NV
		}
		return max, NV
	case zero:
		return 0, 0
	}
	var mag uint64
	var fl Flags
	if u.exp >= 0 {
		if bits.Len64(u.sig)+u.exp > 64 {
			return saturate(u.neg, max, min)
		}
		mag = u.sig << uint(u.exp)
	} else {
		s := uint(-u.exp)
		var rem, half uint64
		if s >= 64 {
			// Below one half (sig has at most 53 bits): only the
			// directed modes can make it 1.
			rem, half = 1, 2
		} else {
			mag = u.sig >> s
			rem, half = u.sig&(1<<s-1), 1<<(s-1)
		}
		if rem != 0 {
			fl = NX
		}
		if roundUp(rm, u.neg, mag&1 != 0, rem, half) {
			mag++
		}
	}
	switch {
	case mag == 0:
		return 0, fl
	case !signed && u.neg, !signed && mag > maxU:
		return saturate(u.neg, max, min)
	case signed && !u.neg && mag > max:
		return max, NV
	case signed && u.neg && mag > min:
		return min, NV
	}
	if u.neg {
		return -mag & maxU, fl
	}
	return mag, fl
}

func saturate(neg bool, max, min uint64) (uint64, Flags) {
	if neg {
		return min, NV
	}
	return max, NV
}
