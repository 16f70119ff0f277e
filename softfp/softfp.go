// Package softfp is IEEE 754 binary32/binary64 arithmetic in integer
// code, for the RISC-V F and D extensions: every rounding mode, exact
// exception flags, and RISC-V's choices where IEEE 754 leaves freedom
// (the canonical NaN as every NaN result, tininess detected after
// rounding, minimumNumber/maximumNumber for min/max, saturating
// conversions to integers).
//
// Values travel as raw bit patterns in a uint64 (binary32 in the low 32
// bits, the upper bits ignored on input and zero on output). Every
// operation returns the flags it raises; the caller accrues them.
package softfp

import "math/bits"

// RoundingMode is a RISC-V rounding mode (the rm/frm encoding).
type RoundingMode uint8

const (
	RNE RoundingMode = iota // to nearest, ties to even
	RTZ                     // toward zero
	RDN                     // down, toward -inf
	RUP                     // up, toward +inf
	RMM                     // to nearest, ties away from zero
)

// Flags are the accrued exception bits, in fflags order.
type Flags uint8

const (
	NX Flags = 1 << iota // inexact
	UF                   // underflow
	OF                   // overflow
	DZ                   // divide by zero
	NV                   // invalid operation
)

// Format is a binary interchange format: F32 or F64.
type Format struct {
	expBits  uint
	fracBits uint
}

var (
	F32 = Format{expBits: 8, fracBits: 23}
	F64 = Format{expBits: 11, fracBits: 52}
)

func (f Format) bias() int           { return 1<<(f.expBits-1) - 1 }
func (f Format) expMax() uint64      { return 1<<f.expBits - 1 } // the inf/NaN exponent field
func (f Format) fracMask() uint64    { return 1<<f.fracBits - 1 }
func (f Format) signBit() uint64     { return 1 << (f.expBits + f.fracBits) }
func (f Format) precision() uint     { return f.fracBits + 1 }
func (f Format) mask() uint64        { return f.signBit()<<1 - 1 }
func (f Format) inf(neg bool) uint64 { return f.sign(neg) | f.expMax()<<f.fracBits }

// CanonicalNaN is the NaN every operation that makes a NaN returns:
// positive, quiet, no payload (0x7fc00000, 0x7ff8000000000000).
func (f Format) CanonicalNaN() uint64 {
	return f.expMax()<<f.fracBits | 1<<(f.fracBits-1)
}

// maxFinite is the largest finite magnitude with the given sign.
func (f Format) maxFinite(neg bool) uint64 {
	return f.sign(neg) | (f.expMax()-1)<<f.fracBits | f.fracMask()
}

func (f Format) sign(neg bool) uint64 {
	if neg {
		return f.signBit()
	}
	return 0
}

// class of an unpacked value.
type class uint8

const (
	finite class = iota // nonzero, normal or subnormal
	zero
	inf
	qnan
	snan
)

// unpacked is a value split into its parts; a finite one is sig*2^exp
// exactly, with sig the significand as an integer (the hidden bit
// included for normal numbers).
type unpacked struct {
	class class
	neg   bool
	exp   int
	sig   uint64
}

func (f Format) unpack(v uint64) unpacked {
	v &= f.mask()
	u := unpacked{neg: v&f.signBit() != 0}
	e := v >> f.fracBits & f.expMax()
	frac := v & f.fracMask()
	switch {
	case e == f.expMax() && frac == 0:
		u.class = inf
	case e == f.expMax():
		u.class = snan
		if frac>>(f.fracBits-1) != 0 {
			u.class = qnan
		}
	case e == 0 && frac == 0:
		u.class = zero
	case e == 0: // subnormal
		u.sig, u.exp = frac, 1-f.bias()-int(f.fracBits)
	default:
		u.sig, u.exp = frac|1<<f.fracBits, int(e)-f.bias()-int(f.fracBits)
	}
	return u
}

func (u unpacked) isNaN() bool { return u.class >= qnan }

// nanResult is the result of an operation with a NaN operand: the
// canonical NaN, invalid if any operand is signalling.
func (f Format) nanResult(us ...unpacked) (uint64, Flags) {
	var fl Flags
	for _, u := range us {
		if u.class == snan {
			fl |= NV
		}
	}
	return f.CanonicalNaN(), fl
}

// roundUp decides whether rounding a significand whose lowest kept bit is
// odd (lsbOdd) with discarded bits rem (half: the value of one half unit
// in the last kept place) moves its magnitude up one unit.
func roundUp(rm RoundingMode, neg, lsbOdd bool, rem, half uint64) bool {
	switch rm {
	case RNE:
		return rem > half || (rem == half && lsbOdd)
	case RDN:
		return neg && rem != 0
	case RUP:
		return !neg && rem != 0
	case RMM:
		return rem >= half
	}
	return false // RTZ
}

// roundPack rounds the value (-1)^neg * sig * 2^exp to the format. sig
// must be nonzero, and either exact or with a sticky bit 0 (standing for
// nonzero bits below it) and its top bit at bit 62 or above, so that the
// sticky bit is below every bit that rounding looks at.
func (f Format) roundPack(neg bool, exp int, sig uint64, rm RoundingMode) (uint64, Flags) {
	n := bits.LeadingZeros64(sig)
	sig <<= uint(n)
	exp -= n
	// Now 2^63 <= sig < 2^64; the biased exponent of the leading bit:
	e := exp + 63 + f.bias()
	shift := 64 - f.precision() // bits below the kept ones (normal case)
	half := uint64(1) << (shift - 1)
	low := uint64(1)<<shift - 1

	if e >= int(f.expMax()) {
		return f.overflow(neg, rm)
	}
	var fl Flags
	tiny := false
	if e < 1 {
		// Tininess after rounding: the value is tiny unless rounding it to
		// the format's precision with an unbounded exponent range reaches
		// the smallest normal, which only a carry out of an all-ones
		// significand one binade below can do.
		carries := e == 0 && sig>>shift == 1<<f.precision()-1 &&
			roundUp(rm, neg, true, sig&low, half)
		tiny = !carries
		sig = shiftRightJam(sig, uint(1-e))
		e = 1 // the encoding's exponent field is 0 unless rounding carries
	}
	q := sig >> shift
	rem := sig & low
	if rem != 0 {
		fl |= NX
		if tiny {
			fl |= UF
		}
	}
	if roundUp(rm, neg, q&1 != 0, rem, half) {
		q++
	}
	// q holds the hidden bit: adding it to (e-1) in the exponent field
	// gives e, and a carry out of the significand bumps the exponent.
	v := uint64(e-1)<<f.fracBits + q
	if v>>f.fracBits >= f.expMax() {
		return f.overflow(neg, rm)
	}
	return f.sign(neg) | v, fl
}

// overflow is the result of a value too large for the format.
func (f Format) overflow(neg bool, rm RoundingMode) (uint64, Flags) {
	toInf := rm == RNE || rm == RMM || (rm == RUP && !neg) || (rm == RDN && neg)
	if toInf {
		return f.inf(neg), OF | NX
	}
	return f.maxFinite(neg), OF | NX
}

// shiftRightJam shifts x right by n, ORing every bit shifted out into
// bit 0 (the sticky bit).
func shiftRightJam(x uint64, n uint) uint64 {
	switch {
	case n == 0:
		return x
	case n >= 64:
		if x != 0 {
			return 1
		}
		return 0
	}
	v := x >> n
	if x<<(64-n) != 0 {
		v |= 1
	}
	return v
}

// normalize62 shifts a nonzero significand so its top bit is bit 62,
// adjusting the exponent, leaving room for the carry of an addition.
func normalize62(sig uint64, exp int) (uint64, int) {
	n := bits.LeadingZeros64(sig) - 1
	if n >= 0 {
		return sig << uint(n), exp - n
	}
	return shiftRightJam(sig, 1), exp + 1
}
