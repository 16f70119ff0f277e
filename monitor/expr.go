package monitor

import (
	"errors"
	"strconv"
	"strings"

	"github.com/rvemu/rvemu/regname"
)

// Expressions, as QEMU's monitor reads addresses and values: numbers in C
// notation (0x1f, 017, 31), 'c' characters, $registers of the current CPU
// ($pc, $a0, $x10, $satp, $fa0), unary + - ~, binary + - * / % & | ^ and
// parentheses. & | ^ bind tighter than * / %, which bind tighter than + -.

// exprParser reads one expression from the front of s.
type exprParser struct {
	s   string
	pos int
	m   *Monitor
}

var (
	errExprEnd     = usagef("unexpected end of expression")
	errExprParen   = usagef("')' expected")
	errExprReg     = usagef("unknown register")
	errExprDivZero = usagef("division by zero")
	errExprTooBig  = usagef("number too large")
)

// expr reads an expression at the front of s and returns its value and
// the rest of s.
func (m *Monitor) expr(s string) (uint64, string, error) {
	p := &exprParser{s: s, m: m}
	v, err := p.sum()
	return v, p.s[p.pos:], err
}

// wholeExpr reads an expression that must be all there is.
func (m *Monitor) wholeExpr(c *call, s string) (uint64, error) {
	v, rest, err := m.expr(s)
	if err != nil {
		return 0, err
	}
	if strings.TrimSpace(rest) != "" {
		return 0, usagef("%s: extraneous characters at the end of line", c.names)
	}
	return v, nil
}

func (p *exprParser) skip() {
	for p.pos < len(p.s) && (p.s[p.pos] == ' ' || p.s[p.pos] == '\t') {
		p.pos++
	}
}

func (p *exprParser) peek() byte {
	p.skip()
	if p.pos >= len(p.s) {
		return 0
	}
	return p.s[p.pos]
}

func (p *exprParser) sum() (uint64, error) {
	v, err := p.product()
	for err == nil {
		op := p.peek()
		if op != '+' && op != '-' {
			break
		}
		p.pos++
		var w uint64
		if w, err = p.product(); op == '+' {
			v += w
		} else {
			v -= w
		}
	}
	return v, err
}

func (p *exprParser) product() (uint64, error) {
	v, err := p.logic()
	for err == nil {
		op := p.peek()
		if op != '*' && op != '/' && op != '%' {
			break
		}
		p.pos++
		var w uint64
		if w, err = p.logic(); err != nil {
			break
		}
		switch {
		case op == '*':
			v *= w
		case w == 0:
			return 0, errExprDivZero
		case op == '/':
			v = uint64(int64(v) / int64(w))
		default:
			v = uint64(int64(v) % int64(w))
		}
	}
	return v, err
}

func (p *exprParser) logic() (uint64, error) {
	v, err := p.unary()
	for err == nil {
		op := p.peek()
		if op != '&' && op != '|' && op != '^' {
			break
		}
		p.pos++
		var w uint64
		w, err = p.unary()
		switch op {
		case '&':
			v &= w
		case '|':
			v |= w
		default:
			v ^= w
		}
	}
	return v, err
}

func (p *exprParser) unary() (uint64, error) {
	c := p.peek()
	switch {
	case c == 0:
		return 0, errExprEnd
	case c == '+' || c == '-' || c == '~':
		p.pos++
		v, err := p.unary()
		switch c {
		case '-':
			v = -v
		case '~':
			v = ^v
		}
		return v, err
	case c == '(':
		p.pos++
		v, err := p.sum()
		if err != nil {
			return 0, err
		}
		if p.peek() != ')' {
			return 0, errExprParen
		}
		p.pos++
		return v, nil
	case c == '\'':
		if p.pos+2 >= len(p.s) || p.s[p.pos+2] != '\'' {
			return 0, errExprEnd
		}
		v := uint64(p.s[p.pos+1])
		p.pos += 3
		return v, nil
	case c == '$':
		p.pos++
		start := p.pos
		for p.pos < len(p.s) && isWordChar(p.s[p.pos]) {
			p.pos++
		}
		return p.m.register(p.s[start:p.pos])
	case c >= '0' && c <= '9':
		return p.number()
	}
	return 0, usagef("invalid char '%c' in expression", c)
}

func isWordChar(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// number reads a C integer constant the way strtoull with base 0 does: it
// stops at the first character that cannot continue it.
func (p *exprParser) number() (uint64, error) {
	s, base := p.s[p.pos:], 10
	n := 0
	switch {
	case len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && isDigit(s[2], 16):
		base, n = 16, 2
	case s[0] == '0':
		base = 8
	}
	end := n
	for end < len(s) && isDigit(s[end], base) {
		end++
	}
	v, err := strconv.ParseUint(s[n:end], base, 64)
	if errors.Is(err, strconv.ErrRange) {
		return 0, errExprTooBig
	}
	p.pos += end
	return v, nil
}

func isDigit(c byte, base int) bool {
	switch {
	case c >= '0' && c <= '9':
		return int(c-'0') < base
	case base == 16 && (c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'):
		return true
	}
	return false
}

// register reads $name of the current CPU.
func (m *Monitor) register(name string) (uint64, error) {
	h := m.b.Hart(m.cpu)
	kind, n := regname.Lookup(name)
	switch kind {
	case 'p':
		return h.PC, nil
	case 'x':
		return h.X[n], nil
	case 'f':
		if h.FPU {
			return h.F[n], nil
		}
	case 'c':
		if n > regname.Fcsr || h.FPU {
			return m.b.CSR(m.cpu, n), nil
		}
	}
	return 0, errExprReg
}
