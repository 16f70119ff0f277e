package mmu

import "math"

// Physical memory protection: 16 entries (as QEMU's virt harts have),
// 4-byte granularity (G = 0), OFF/TOR/NA4/NAPOT address matching, and the
// lock bit. One rule departs from the privileged spec on purpose: while no
// entry is enabled (every A field OFF), S and U accesses are not checked
// at all, instead of all failing. Kernels of the 2019 and 2020 xv6 labs
// never program PMP and must still run in S-mode; a kernel that enables
// one entry gets the spec's rules from then on. (QEMU 7.2 refuses an mret
// to S or U in that state, which is why those kernels need an older QEMU.)

// PMPEntries is the number of PMP entries: pmpcfg0 and pmpcfg2 hold
// their configuration bytes, pmpaddr0-15 their addresses.
const PMPEntries = 16

// pmpcfg byte fields.
const (
	PMPR     = 1 << 0
	PMPW     = 1 << 1
	PMPX     = 1 << 2
	PMPL     = 1 << 7
	pmpA     = 3 << 3
	pmpOff   = 0 << 3
	pmpTOR   = 1 << 3
	pmpNA4   = 2 << 3
	pmpNAPOT = 3 << 3

	pmpCfgWritable = PMPR | PMPW | PMPX | pmpA | PMPL // bits 6:5 read zero
	pmpAddrMask    = 1<<54 - 1                        // pmpaddr holds address bits 55:2
)

// PMP is one hart's PMP registers and the address ranges they decode to.
// The zero value has every entry OFF.
type PMP struct {
	cfg  [PMPEntries]uint8
	addr [PMPEntries]uint64

	// Decoded, for checks: the enabled entries in priority order, each
	// matching the bytes [lo, hi); and openTop: every access below it is
	// allowed whatever its kind and privilege (the first entry starts at 0
	// with R, W and X, as kernels that open all memory to S program it;
	// all of memory while no entry is enabled).
	on      []pmpRange
	openTop uint64
}

type pmpRange struct {
	lo, hi uint64
	cfg    uint8
}

// Active reports whether any entry is enabled; until one is, nothing is
// checked (see the package comment for why S and U are let through).
func (p *PMP) Active() bool { return p != nil && len(p.on) > 0 }

// OpenBelow reports whether every access below physical address end is
// allowed, whatever its kind and privilege.
func (p *PMP) OpenBelow(end uint64) bool { return !p.Active() || end <= p.openTop }

// ReadCfg returns pmpcfgN for N = 0 or 2 (RV64 has no odd pmpcfg).
func (p *PMP) ReadCfg(n int) uint64 {
	var v uint64
	for i := 0; i < 8; i++ {
		v |= uint64(p.cfg[n*4+i]) << (8 * i)
	}
	return v
}

// WriteCfg writes pmpcfgN (N = 0 or 2). Locked entries keep their byte;
// a byte asking for W without R (reserved) leaves its entry unchanged.
func (p *PMP) WriteCfg(n int, v uint64) {
	for i := 0; i < 8; i++ {
		e := n*4 + i
		b := uint8(v>>(8*i)) & pmpCfgWritable
		if p.cfg[e]&PMPL != 0 || b&(PMPR|PMPW) == PMPW {
			continue
		}
		p.cfg[e] = b
	}
	p.decode()
}

// ReadAddr returns pmpaddrN (N < PMPEntries). With G = 0 it reads back as
// written, for every address-matching mode.
func (p *PMP) ReadAddr(n int) uint64 { return p.addr[n] }

// WriteAddr writes pmpaddrN, unless entry N is locked, or entry N+1 is a
// locked TOR entry (whose bottom it is).
func (p *PMP) WriteAddr(n int, v uint64) {
	if p.cfg[n]&PMPL != 0 {
		return
	}
	if n+1 < PMPEntries && p.cfg[n+1]&(PMPL|pmpA) == PMPL|pmpTOR {
		return
	}
	p.addr[n] = v & pmpAddrMask
	p.decode()
}

// decode rebuilds the list of enabled entries and their byte ranges.
func (p *PMP) decode() {
	defer p.findOpenTop()
	p.on = p.on[:0]
	for i := 0; i < PMPEntries; i++ {
		c := p.cfg[i]
		var lo, hi uint64
		switch c & pmpA {
		case pmpOff:
			continue
		case pmpTOR:
			if i > 0 {
				lo = p.addr[i-1] << 2
			}
			hi = p.addr[i] << 2
		case pmpNA4:
			lo = p.addr[i] << 2
			hi = lo + 4
		case pmpNAPOT:
			// Trailing ones in pmpaddr give the size: k ones, 2^(k+3) bytes.
			a := p.addr[i]
			k := uint(0)
			for k < 54 && a>>k&1 == 1 {
				k++
			}
			size := uint64(1) << (k + 3)
			lo = (a &^ (1<<k - 1)) << 2 &^ (size - 1)
			hi = lo + size
		}
		p.on = append(p.on, pmpRange{lo: lo, hi: hi, cfg: c})
	}
}

func (p *PMP) findOpenTop() {
	switch {
	case len(p.on) == 0:
		p.openTop = math.MaxUint64
	case p.on[0].lo == 0 && p.on[0].cfg&(PMPR|PMPW|PMPX) == PMPR|PMPW|PMPX:
		p.openTop = p.on[0].hi
	default:
		p.openTop = 0
	}
}

// permits reports the decision of entry r for an access by priv.
func (r *pmpRange) permits(acc Access, priv uint8) bool {
	if priv == PrivM && r.cfg&PMPL == 0 {
		return true
	}
	switch acc {
	case Fetch:
		return r.cfg&PMPX != 0
	case Load:
		return r.cfg&PMPR != 0
	}
	return r.cfg&PMPW != 0
}

// Check reports whether an access of size bytes at physical address pa,
// made with privilege priv, is allowed. The lowest-numbered entry that
// matches any of its bytes decides, and must match all of them.
func (p *PMP) Check(pa uint64, size int, acc Access, priv uint8) bool {
	if pa+uint64(size) <= p.openTop {
		return true
	}
	return p.check(pa, size, acc, priv)
}

func (p *PMP) check(pa uint64, size int, acc Access, priv uint8) bool {
	if !p.Active() {
		return true
	}
	end := pa + uint64(size)
	for i := range p.on {
		r := &p.on[i]
		if pa >= r.hi || end <= r.lo {
			continue
		}
		return pa >= r.lo && end <= r.hi && r.permits(acc, priv)
	}
	return priv == PrivM // no entry matches
}

// PageAllowed reports whether every access of this kind and privilege to
// the 4 KiB page at pa is allowed, so that a TLB may hold the page: false
// when some byte is refused, or when entries split the page (then each
// access is checked on its own).
func (p *PMP) PageAllowed(pa uint64, acc Access, priv uint8) bool {
	if pa|(pageSize-1) < p.openTop {
		return true
	}
	return p.pageAllowed(pa, acc, priv)
}

func (p *PMP) pageAllowed(pa uint64, acc Access, priv uint8) bool {
	lo := pa &^ (pageSize - 1)
	hi := lo + pageSize
	if !p.Active() {
		return true
	}
	for i := range p.on {
		r := &p.on[i]
		if lo >= r.hi || hi <= r.lo {
			continue
		}
		return lo >= r.lo && hi <= r.hi && r.permits(acc, priv)
	}
	return priv == PrivM
}

// pteAllowed checks a page-table read of the walker, an S-mode load, that
// openTop does not settle. Out of line: the walk's loop stays small.
//
//go:noinline
func (p *PMP) pteAllowed(pa uint64) bool { return p.Check(pa, 8, Load, PrivS) }
