package softfp

// An independent reference: exact (or 4000-bit) values from math/big,
// rounded by searching the format's ordered bit patterns for the
// representable neighbours of the exact result, so nothing here shares
// code with the rounding under test.

import (
	"fmt"
	"math/big"
	"math/rand"
	"testing"

	"github.com/stretchr/testify/require"
)

const refPrec = 4000 // exact for any sum or fused product of binary64 values

var allModes = []RoundingMode{RNE, RTZ, RDN, RUP, RMM}

func (rm RoundingMode) String() string {
	return [...]string{"rne", "rtz", "rdn", "rup", "rmm", "rm5", "rm6", "dyn"}[rm&7]
}

func (f Format) String() string {
	if f == F32 {
		return "f32"
	}
	return "f64"
}

func bigMode(rm RoundingMode) big.RoundingMode {
	return [...]big.RoundingMode{big.ToNearestEven, big.ToZero, big.ToNegativeInf, big.ToPositiveInf, big.ToNearestAway}[rm]
}

// value is the exact value of a finite bit pattern.
func value(f Format, v uint64) *big.Float {
	u := f.unpack(v)
	x := new(big.Float).SetPrec(refPrec)
	if u.class == zero {
		if u.neg {
			x.Neg(x)
		}
		return x
	}
	x.SetUint64(u.sig)
	x.SetMantExp(x, u.exp)
	if u.neg {
		x.Neg(x)
	}
	return x
}

// refRound rounds a nonzero x (exact when exact is true, else within
// 2^-4000 relative of a value no representable neighbour or midpoint can
// equal) to f, with the flags IEEE 754 and RISC-V require.
func refRound(f Format, x *big.Float, exact bool, rm RoundingMode) (uint64, Flags) {
	neg := x.Sign() < 0
	ax := new(big.Float).SetPrec(refPrec).Abs(x)
	var fl Flags
	if !exact {
		fl |= NX
	}
	limit := new(big.Float).SetPrec(refPrec).SetMantExp(big.NewFloat(1), int(f.expMax())-f.bias()) // 2^(emax+1)
	toInf := rm == RNE || rm == RMM || (rm == RUP && !neg) || (rm == RDN && neg)
	if ax.Cmp(limit) >= 0 {
		if toInf {
			return f.inf(neg), fl | OF | NX
		}
		return f.maxFinite(neg), fl | OF | NX
	}
	// The largest magnitude pattern not above ax.
	lo, hi := uint64(0), f.maxFinite(false)
	for lo < hi {
		mid := lo + (hi-lo+1)/2
		if value(f, mid).Cmp(ax) <= 0 {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	loV := value(f, lo)
	if loV.Cmp(ax) == 0 && exact {
		return f.sign(neg) | lo, 0
	}
	fl |= NX
	hiV := limit
	if lo != f.maxFinite(false) {
		hiV = value(f, lo+1)
	}
	pick := lo
	switch rm {
	case RUP:
		if !neg {
			pick = lo + 1
		}
	case RDN:
		if neg {
			pick = lo + 1
		}
	case RNE, RMM:
		mid := new(big.Float).SetPrec(refPrec).Add(loV, hiV)
		mid.SetMantExp(mid, -1)
		switch c := ax.Cmp(mid); {
		case c > 0, c == 0 && (rm == RMM || lo&1 == 1):
			pick = lo + 1
		}
	}
	if pick == f.inf(false) {
		fl |= OF
	}
	// Tininess after rounding: x rounded to the precision with an
	// unbounded exponent range.
	r := new(big.Float).SetPrec(f.precision()).SetMode(bigMode(rm)).Set(x)
	r.Abs(r)
	minNormal := new(big.Float).SetMantExp(big.NewFloat(1), 1-f.bias())
	if r.Cmp(minNormal) < 0 {
		fl |= UF
	}
	return f.sign(neg) | pick, fl
}

// randomValue makes finite operands that reach the corners: subnormals,
// the largest exponents, values near 1, all-ones and sparse fractions.
func randomValue(r *rand.Rand, f Format) uint64 {
	var e uint64
	switch r.Intn(6) {
	case 0:
		e = 0 // subnormal (or zero)
	case 1:
		e = uint64(r.Intn(4)) + 1
	case 2:
		e = f.expMax() - 1 - uint64(r.Intn(4))
	case 3:
		e = uint64(f.bias()) + uint64(r.Intn(9)) - 4
	default:
		e = uint64(r.Int63n(int64(f.expMax()-1))) + 1
	}
	var frac uint64
	switch r.Intn(4) {
	case 0:
		frac = f.fracMask()
	case 1:
		frac = uint64(1) << uint(r.Intn(int(f.fracBits)))
	case 2:
		frac = f.fracMask() >> uint(r.Intn(int(f.fracBits)))
	default:
		frac = r.Uint64() & f.fracMask()
	}
	return f.sign(r.Intn(2) == 0) | e<<f.fracBits | frac
}

func newBig() *big.Float { return new(big.Float).SetPrec(refPrec) }

// refOp computes an operation's exact value and its exactness; ok=false
// when the exact result is zero (sign rules: the table tests).
type refOp struct {
	name  string
	arity int
	run   func(f Format, rm RoundingMode, a, b, c uint64) (uint64, Flags)
	exact func(a, b, c *big.Float) (*big.Float, bool)
}

var refOps = []refOp{
	{"add", 2, func(f Format, rm RoundingMode, a, b, _ uint64) (uint64, Flags) { return f.Add(a, b, rm) },
		func(a, b, _ *big.Float) (*big.Float, bool) { return newBig().Add(a, b), true }},
	{"sub", 2, func(f Format, rm RoundingMode, a, b, _ uint64) (uint64, Flags) { return f.Sub(a, b, rm) },
		func(a, b, _ *big.Float) (*big.Float, bool) { return newBig().Sub(a, b), true }},
	{"mul", 2, func(f Format, rm RoundingMode, a, b, _ uint64) (uint64, Flags) { return f.Mul(a, b, rm) },
		func(a, b, _ *big.Float) (*big.Float, bool) { return newBig().Mul(a, b), true }},
	{"div", 2, func(f Format, rm RoundingMode, a, b, _ uint64) (uint64, Flags) { return f.Div(a, b, rm) },
		func(a, b, _ *big.Float) (*big.Float, bool) {
			q := newBig().Quo(a, b)
			return q, q.Acc() == big.Exact
		}},
	{"sqrt", 1, func(f Format, rm RoundingMode, a, _, _ uint64) (uint64, Flags) { return f.Sqrt(a&^f.signBit(), rm) },
		func(a, _, _ *big.Float) (*big.Float, bool) {
			s := newBig().Sqrt(newBig().Abs(a)) // Sqrt leaves Acc undefined
			return s, newBig().Mul(s, s).Cmp(newBig().Abs(a)) == 0
		}},
	{"fma", 3, func(f Format, rm RoundingMode, a, b, c uint64) (uint64, Flags) { return f.MulAdd(a, b, c, rm) },
		func(a, b, c *big.Float) (*big.Float, bool) {
			return newBig().Add(newBig().Mul(a, b), c), true
		}},
}

func TestArithmeticAgainstReference(t *testing.T) {
	n := 700
	if testing.Short() {
		n = 200
	}
	r := rand.New(rand.NewSource(1))
	for _, f := range []Format{F32, F64} {
		for _, op := range refOps {
			for i := 0; i < n; i++ {
				a, b, c := randomValue(r, f), randomValue(r, f), randomValue(r, f)
				if op.name == "fma" && r.Intn(3) == 0 {
					// An addend that nearly cancels the product.
					p, _ := f.Mul(a, b, RoundingMode(r.Intn(5)))
					c = p ^ f.signBit()
					if r.Intn(2) == 0 {
						c ^= uint64(r.Intn(4))
					}
					if f.unpack(c).class != finite {
						c = randomValue(r, f)
					}
				}
				if op.name == "sqrt" {
					a &^= f.signBit()
				}
				if f.unpack(a).class == zero || f.unpack(b).class == zero || f.unpack(c).class == zero {
					continue // zeros: the table tests
				}
				x, exact := op.exact(value(f, a), value(f, b), value(f, c))
				if x.Sign() == 0 {
					continue
				}
				for _, rm := range allModes {
					want, wantFl := refRound(f, x, exact, rm)
					got, gotFl := op.run(f, rm, a, b, c)
					require.Equal(t, fmt.Sprintf("%#x %v", want, wantFl), fmt.Sprintf("%#x %v", got, gotFl),
						"%v %s(%#x, %#x, %#x) %v", f, op.name, a, b, c, rm)
				}
			}
		}
	}
}

func (fl Flags) String() string {
	s := ""
	for i, n := range []string{"NX", "UF", "OF", "DZ", "NV"} {
		if fl&(1<<i) != 0 {
			s += n
		}
	}
	if s == "" {
		return "-"
	}
	return s
}

func TestConversionsAgainstReference(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	n := 700
	if testing.Short() {
		n = 300
	}
	for i := 0; i < n; i++ {
		// binary64 -> binary32 and back.
		d := randomValue(r, F64)
		if r.Intn(2) == 0 { // around binary32's range
			d = F64.sign(r.Intn(2) == 0) | uint64(1023-160+r.Intn(300))<<52 | r.Uint64()&F64.fracMask()
		}
		for _, rm := range allModes {
			want, wantFl := refRound(F32, value(F64, d), true, rm)
			got, gotFl := F32.Convert(F64, d, rm)
			require.Equal(t, fmt.Sprintf("%#x %v", want, wantFl), fmt.Sprintf("%#x %v", got, gotFl), "f32(%#x) %v", d, rm)
		}
		s := randomValue(r, F32)
		got, gotFl := F64.Convert(F32, s, RNE)
		require.Equal(t, value(F32, s).String(), value(F64, got).String())
		require.Zero(t, gotFl)

		// Integers to floats.
		v := r.Uint64() >> uint(r.Intn(64))
		if r.Intn(2) == 0 {
			v = -v
		}
		for _, f := range []Format{F32, F64} {
			for _, signed := range []bool{true, false} {
				x := new(big.Float).SetPrec(refPrec).SetUint64(v)
				if signed {
					x.SetInt64(int64(v))
				}
				for _, rm := range allModes {
					got, gotFl := f.FromInt(v, signed, rm)
					if v == 0 {
						require.Zero(t, got)
						continue
					}
					want, wantFl := refRound(f, x, true, rm)
					require.Equal(t, fmt.Sprintf("%#x %v", want, wantFl), fmt.Sprintf("%#x %v", got, gotFl),
						"%v from %#x signed %v %v", f, v, signed, rm)
				}
			}
		}
	}
}

// refToInt rounds the value of a to an integer by rm and saturates it
// as RISC-V's fcvt.{w,wu,l,lu} do.
func refToInt(f Format, a uint64, width uint, signed bool, rm RoundingMode) (uint64, Flags) {
	lo, hi := new(big.Int), new(big.Int).Lsh(big.NewInt(1), width)
	hi.Sub(hi, big.NewInt(1))
	if signed {
		lo.Lsh(big.NewInt(1), width-1).Neg(lo)
		hi.Rsh(hi, 1)
	}
	sat := func(v *big.Int) (uint64, Flags) {
		m := new(big.Int).Lsh(big.NewInt(1), width)
		m.Sub(m, big.NewInt(1))
		return new(big.Int).And(v, m).Uint64(), NV
	}
	u := f.unpack(a)
	switch u.class {
	case qnan, snan:
		return sat(hi)
	case inf:
		if u.neg {
			return sat(lo)
		}
		return sat(hi)
	}
	x := value(f, a)
	trunc, _ := x.Int(nil) // toward zero
	rest := newBig().Sub(x, newBig().SetInt(trunc))
	rounded := new(big.Int).Set(trunc)
	away := big.NewInt(1)
	if x.Sign() < 0 {
		away.Neg(away)
	}
	half := newBig().Abs(rest).Cmp(big.NewFloat(0.5))
	up := false // away from zero
	switch rm {
	case RNE:
		up = half > 0 || (half == 0 && trunc.Bit(0) == 1)
	case RMM:
		up = half >= 0
	case RDN:
		up = x.Sign() < 0 && rest.Sign() != 0
	case RUP:
		up = x.Sign() > 0 && rest.Sign() != 0
	}
	if up {
		rounded.Add(rounded, away)
	}
	if rounded.Cmp(lo) < 0 {
		return sat(lo)
	}
	if rounded.Cmp(hi) > 0 {
		return sat(hi)
	}
	var fl Flags
	if rest.Sign() != 0 {
		fl = NX
	}
	m := new(big.Int).Lsh(big.NewInt(1), width)
	m.Sub(m, big.NewInt(1))
	return new(big.Int).And(rounded, m).Uint64(), fl
}

func TestToIntAgainstReference(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	n := 700
	if testing.Short() {
		n = 300
	}
	for i := 0; i < n; i++ {
		for _, f := range []Format{F32, F64} {
			a := randomValue(r, f)
			if r.Intn(2) == 0 { // integer-sized values, halves included
				e := uint64(f.bias() - 2 + r.Intn(68))
				a = f.sign(r.Intn(2) == 0) | e<<f.fracBits | r.Uint64()&f.fracMask()>>uint(r.Intn(int(f.fracBits)))
			}
			for _, width := range []uint{32, 64} {
				for _, signed := range []bool{true, false} {
					for _, rm := range allModes {
						want, wantFl := refToInt(f, a, width, signed, rm)
						got, gotFl := f.ToInt(a, width, signed, rm)
						require.Equal(t, fmt.Sprintf("%#x %v", want, wantFl), fmt.Sprintf("%#x %v", got, gotFl),
							"%v %#x to int%d signed %v %v", f, a, width, signed, rm)
					}
				}
			}
		}
	}
}
