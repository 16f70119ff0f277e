package softfp

import (
	"math"
	"math/bits"
)

// exactZero is the sign of an exact zero sum of operands with different
// signs (or an exact cancellation): +0, but -0 when rounding down.
func exactZero(f Format, rm RoundingMode) uint64 {
	return f.sign(rm == RDN)
}

// Add returns a+b.
func (f Format) Add(a, b uint64, rm RoundingMode) (uint64, Flags) {
	return f.add(f.unpack(a), f.unpack(b), rm)
}

// Sub returns a-b.
func (f Format) Sub(a, b uint64, rm RoundingMode) (uint64, Flags) {
	ub := f.unpack(b)
	if !ub.isNaN() {
		ub.neg = !ub.neg
	}
	return f.add(f.unpack(a), ub, rm)
}

func (f Format) add(ua, ub unpacked, rm RoundingMode) (uint64, Flags) {
	switch {
	case ua.isNaN() || ub.isNaN():
		return f.nanResult(ua, ub)
	case ua.class == inf && ub.class == inf && ua.neg != ub.neg:
		return f.CanonicalNaN(), NV
	case ua.class == inf:
		return f.inf(ua.neg), 0
	case ub.class == inf:
		return f.inf(ub.neg), 0
	case ua.class == zero && ub.class == zero:
		if ua.neg == ub.neg {
			return f.sign(ua.neg), 0
		}
		return exactZero(f, rm), 0
	case ua.class == zero:
		return f.pack(ub), 0
	case ub.class == zero:
		return f.pack(ua), 0
	}
	sa, ea := normalize62(ua.sig, ua.exp)
	sb, eb := normalize62(ub.sig, ub.exp)
	if ea < eb || (ea == eb && sa < sb) {
		sa, ea, sb, eb = sb, eb, sa, ea
		ua, ub = ub, ua
	}
	// |a| >= |b| now; line b up with a. Both had their low bits clear,
	// so a sticky bit from the shift stays below every rounding bit.
	sb = shiftRightJam(sb, uint(ea-eb))
	if ua.neg == ub.neg {
		return f.roundPack(ua.neg, ea, sa+sb, rm)
	}
	d := sa - sb
	if d == 0 {
		return exactZero(f, rm), 0
	}
	return f.roundPack(ua.neg, ea, d, rm)
}

// pack re-encodes a finite or zero unpacked value that came from this
// format (exact: no rounding).
func (f Format) pack(u unpacked) uint64 {
	if u.class == zero {
		return f.sign(u.neg)
	}
	v, _ := f.roundPack(u.neg, u.exp, u.sig, RNE)
	return v
}

// Mul returns a*b.
func (f Format) Mul(a, b uint64, rm RoundingMode) (uint64, Flags) {
	ua, ub := f.unpack(a), f.unpack(b)
	neg := ua.neg != ub.neg
	switch {
	case ua.isNaN() || ub.isNaN():
		return f.nanResult(ua, ub)
	case ua.class == inf || ub.class == inf:
		if ua.class == zero || ub.class == zero {
			return f.CanonicalNaN(), NV
		}
		return f.inf(neg), 0
	case ua.class == zero || ub.class == zero:
		return f.sign(neg), 0
	}
	hi, lo := bits.Mul64(ua.sig, ub.sig)
	sig, exp := narrow(hi, lo, ua.exp+ub.exp)
	return f.roundPack(neg, exp, sig, rm)
}

// narrow turns the 128-bit significand hi:lo (times 2^exp) into 64 bits
// with a sticky bit, exactly when it fits.
func narrow(hi, lo uint64, exp int) (uint64, int) {
	if hi == 0 {
		return lo, exp
	}
	n := uint(bits.LeadingZeros64(hi))
	sig := hi<<n | lo>>(64-n)
	if lo<<n != 0 {
		sig |= 1
	}
	return sig, exp + 64 - int(n)
}

// Div returns a/b.
func (f Format) Div(a, b uint64, rm RoundingMode) (uint64, Flags) {
	ua, ub := f.unpack(a), f.unpack(b)
	neg := ua.neg != ub.neg
	switch {
	case ua.isNaN() || ub.isNaN():
		return f.nanResult(ua, ub)
	case ua.class == inf && ub.class == inf, ua.class == zero && ub.class == zero:
		return f.CanonicalNaN(), NV
	case ua.class == inf:
		return f.inf(neg), 0
	case ub.class == inf:
		return f.sign(neg), 0
	case ub.class == zero:
		return f.inf(neg), DZ
	case ua.class == zero:
		return f.sign(neg), 0
	}
	na, nb := uint(bits.LeadingZeros64(ua.sig)), uint(bits.LeadingZeros64(ub.sig))
	sa, sb := ua.sig<<na, ub.sig<<nb
	ea, eb := ua.exp-int(na), ub.exp-int(nb)
	// sa/sb is in [1/2, 2): divide sa*2^64 (or sa*2^63 when sa >= sb, so
	// the quotient fits) by sb, for a 64-bit quotient.
	var q, r uint64
	exp := ea - eb - 64
	if sa >= sb {
		q, r = bits.Div64(sa>>1, sa<<63, sb)
		exp++
	} else {
		q, r = bits.Div64(sa, 0, sb)
	}
	if r != 0 {
		q |= 1
	}
	return f.roundPack(neg, exp, q, rm)
}

// Sqrt returns the square root of a.
func (f Format) Sqrt(a uint64, rm RoundingMode) (uint64, Flags) {
	u := f.unpack(a)
	switch {
	case u.isNaN():
		return f.nanResult(u)
	case u.class == zero:
		return f.sign(u.neg), 0
	case u.neg:
		return f.CanonicalNaN(), NV
	case u.class == inf:
		return f.inf(false), 0
	}
	// sqrt(sig*2^exp) = sqrt(sig*2^k) * 2^((exp-k)/2): choose k to make
	// exp-k even and sig*2^k about 2^112, whose root has 56 bits (two
	// more than binary64 keeps), and jam in whether the root was exact.
	k := 112 - bits.Len64(u.sig)
	if (u.exp-k)&1 != 0 {
		k++
	}
	hi, lo := shl128(0, u.sig, uint(k))
	r, exact := isqrt128(hi, lo)
	if !exact {
		r |= 1
	}
	return f.roundPack(false, (u.exp-k)/2, r, rm)
}

// isqrt128 is floor(sqrt(hi:lo)) for values below 2^114, and whether it
// is exact.
func isqrt128(hi, lo uint64) (uint64, bool) {
	r := uint64(math.Sqrt(float64(hi)*0x1p64 + float64(lo)))
	// The float estimate is within a few units: step to the exact floor.
	for {
		sh, sl := bits.Mul64(r, r)
		if cmp128(sh, sl, hi, lo) <= 0 {
			break
		}
		r--
	}
	for {
		sh, sl := bits.Mul64(r+1, r+1)
		if cmp128(sh, sl, hi, lo) > 0 {
			break
		}
		r++
	}
	sh, sl := bits.Mul64(r, r)
	return r, sh == hi && sl == lo
}

// MulAdd returns a*b+c with a single rounding (fmadd). The other fused
// forms negate operands first: fmsub a*b-c, fnmsub -(a*b)+c and fnmadd
// -(a*b)-c, by flipping the sign bits of a and/or c.
func (f Format) MulAdd(a, b, c uint64, rm RoundingMode) (uint64, Flags) {
	ua, ub, uc := f.unpack(a), f.unpack(b), f.unpack(c)
	prodNeg := ua.neg != ub.neg
	infTimesZero := (ua.class == inf && ub.class == zero) || (ua.class == zero && ub.class == inf)
	switch {
	case ua.isNaN() || ub.isNaN() || uc.isNaN():
		v, fl := f.nanResult(ua, ub, uc)
		if infTimesZero {
			fl |= NV // even when the addend is a quiet NaN
		}
		return v, fl
	case infTimesZero:
		return f.CanonicalNaN(), NV
	case ua.class == inf || ub.class == inf:
		if uc.class == inf && uc.neg != prodNeg {
			return f.CanonicalNaN(), NV
		}
		return f.inf(prodNeg), 0
	case uc.class == inf:
		return f.inf(uc.neg), 0
	case ua.class == zero || ub.class == zero:
		if uc.class != zero {
			return f.pack(uc), 0
		}
		if prodNeg == uc.neg {
			return f.sign(prodNeg), 0
		}
		return exactZero(f, rm), 0
	}
	// The exact product, 128 bits.
	ph, pl := bits.Mul64(ua.sig, ub.sig)
	pexp := ua.exp + ub.exp
	if uc.class == zero {
		sig, exp := narrow(ph, pl, pexp)
		return f.roundPack(prodNeg, exp, sig, rm)
	}
	// Both with their top bit at bit 125 of 128: room for the carry, and
	// every significant bit of either sits well above bit 0, so a sticky
	// bit from aligning them stays below every rounding bit.
	n := uint(125 - len128(ph, pl))
	ph, pl = shl128(ph, pl, n)
	pexp -= int(n)
	m := uint(125 - bits.Len64(uc.sig))
	ch, cl := shl128(0, uc.sig, m)
	cexp := uc.exp - int(m)

	// Order by magnitude: x is the larger.
	xh, xl, xexp, xneg := ph, pl, pexp, prodNeg
	yh, yl, yexp, yneg := ch, cl, cexp, uc.neg
	if xexp < yexp || (xexp == yexp && cmp128(xh, xl, yh, yl) < 0) {
		xh, xl, xexp, xneg, yh, yl, yexp, yneg = yh, yl, yexp, yneg, xh, xl, xexp, xneg
	}
	yh, yl = shrJam128(yh, yl, uint(xexp-yexp))
	var sh, sl uint64
	if xneg == yneg {
		var carry uint64
		sl, carry = bits.Add64(xl, yl, 0)
		sh, _ = bits.Add64(xh, yh, carry)
	} else {
		var borrow uint64
		sl, borrow = bits.Sub64(xl, yl, 0)
		sh, _ = bits.Sub64(xh, yh, borrow)
		if sh == 0 && sl == 0 {
			return exactZero(f, rm), 0
		}
	}
	sig, exp := narrow(sh, sl, xexp)
	return f.roundPack(xneg, exp, sig, rm)
}

// 128-bit helpers on hi:lo pairs.

func len128(hi, lo uint64) int {
	if hi != 0 {
		return 64 + bits.Len64(hi)
	}
	return bits.Len64(lo)
}

func cmp128(ah, al, bh, bl uint64) int {
	switch {
	case ah != bh:
		if ah < bh {
			return -1
		}
		return 1
	case al < bl:
		return -1
	case al > bl:
		return 1
	}
	return 0
}

func shl128(hi, lo uint64, n uint) (uint64, uint64) {
	switch {
	case n == 0:
		return hi, lo
	case n >= 64:
		return lo << (n - 64), 0
	}
	return hi<<n | lo>>(64-n), lo << n
}

// shrJam128 shifts right by n with every bit shifted out ORed into bit 0.
func shrJam128(hi, lo uint64, n uint) (uint64, uint64) {
	switch {
	case n == 0:
		return hi, lo
	case n >= 128:
		if hi|lo != 0 {
			return 0, 1
		}
		return 0, 0
	case n >= 64:
		sticky := lo != 0 || hi<<(128-n) != 0 // n == 64: hi<<64 is 0 in Go
		v := hi >> (n - 64)
		if sticky {
			v |= 1
		}
		return 0, v
	}
	sticky := lo<<(64-n) != 0
	nl := lo>>n | hi<<(64-n)
	if sticky {
		nl |= 1
	}
	return hi >> n, nl
}
