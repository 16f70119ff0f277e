package softfp

// Eq is a == b, a quiet comparison: NaNs compare unequal and only
// signalling ones raise NV (feq).
func (f Format) Eq(a, b uint64) (bool, Flags) {
	ua, ub := f.unpack(a), f.unpack(b)
	if ua.isNaN() || ub.isNaN() {
		_, fl := f.nanResult(ua, ub)
		return false, fl
	}
	if ua.class == zero && ub.class == zero {
		return true, 0
	}
	return a&f.mask() == b&f.mask(), 0
}

// Lt is a < b, a signalling comparison: any NaN raises NV (flt).
func (f Format) Lt(a, b uint64) (bool, Flags) {
	ua, ub := f.unpack(a), f.unpack(b)
	if ua.isNaN() || ub.isNaN() {
		return false, NV
	}
	if ua.class == zero && ub.class == zero {
		return false, 0
	}
	return f.totalLess(a, b), 0
}

// Le is a <= b, a signalling comparison (fle).
func (f Format) Le(a, b uint64) (bool, Flags) {
	ua, ub := f.unpack(a), f.unpack(b)
	if ua.isNaN() || ub.isNaN() {
		return false, NV
	}
	if ua.class == zero && ub.class == zero {
		return true, 0
	}
	return a&f.mask() == b&f.mask() || f.totalLess(a, b), 0
}

// totalLess orders non-NaN values with -0 below +0.
func (f Format) totalLess(a, b uint64) bool {
	a, b = a&f.mask(), b&f.mask()
	an, bn := a&f.signBit() != 0, b&f.signBit() != 0
	switch {
	case an != bn:
		return an
	case an:
		return a > b // both negative: the larger magnitude is smaller
	}
	return a < b
}

// Min is RISC-V's fmin (IEEE 754-2019 minimumNumber): a NaN operand
// loses to a number, two NaNs give the canonical NaN, -0 is below +0,
// and signalling NaNs raise NV.
func (f Format) Min(a, b uint64) (uint64, Flags) { return f.minMax(a, b, true) }

// Max is RISC-V's fmax (maximumNumber).
func (f Format) Max(a, b uint64) (uint64, Flags) { return f.minMax(a, b, false) }

func (f Format) minMax(a, b uint64, min bool) (uint64, Flags) {
	ua, ub := f.unpack(a), f.unpack(b)
	var fl Flags
	if ua.class == snan || ub.class == snan {
		fl = NV
	}
	switch {
	case ua.isNaN() && ub.isNaN():
		return f.CanonicalNaN(), fl
	case ua.isNaN():
		return b & f.mask(), fl
	case ub.isNaN():
		return a & f.mask(), fl
	}
	if f.totalLess(a, b) == min {
		return a & f.mask(), fl
	}
	return b & f.mask(), fl
}

// Class is RISC-V's fclass mask: one bit of -inf, -normal, -subnormal,
// -0, +0, +subnormal, +normal, +inf, signalling NaN, quiet NaN (bits 0-9).
func (f Format) Class(a uint64) uint64 {
	u := f.unpack(a)
	var bit uint
	switch u.class {
	case inf:
		bit = 0
	case finite:
		bit = 1
		if a>>f.fracBits&f.expMax() == 0 {
			bit = 2
		}
	case zero:
		bit = 3
	case snan:
		return 1 << 8
	case qnan:
		return 1 << 9
	}
	if u.neg {
		return 1 << bit
	}
	return 1 << (7 - bit)
}

// IsNaN reports whether a is a NaN of format f.
func (f Format) IsNaN(a uint64) bool { return f.unpack(a).isNaN() }
