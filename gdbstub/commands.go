package gdbstub

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
)

// Error replies. GDB shows only that something failed; the numbers are
// errno values by convention.
const (
	errBadArgs  = "E16" // EINVAL-ish: a packet we cannot parse
	errFault    = "E14" // EFAULT: memory not accessible
	errNoThread = "E03" // ESRCH: no such hart
	errNoRoom   = "E1C" // ENOSPC: breakpoint or watchpoint table full
	errNoReg    = "E0e" // a register we do not have
)

// command answers one packet.
func (s *session) command(p string) {
	if p == "" {
		s.send("")
		return
	}
	switch p[0] {
	case '?':
		s.send(s.stopReply)
	case 'g':
		s.send(s.readAllRegs())
	case 'G':
		s.send(s.writeAllRegs(p[1:]))
	case 'p':
		s.send(s.readReg(p[1:]))
	case 'P':
		s.send(s.writeReg(p[1:]))
	case 'm':
		s.send(s.readMem(p[1:]))
	case 'M':
		s.send(s.writeMem(p[1:], true))
	case 'X':
		s.send(s.writeMem(p[1:], false))
	case 'c', 'C':
		s.resume(-1, resumeAddr(p))
	case 's', 'S':
		s.resume(s.stepHart(), resumeAddr(p))
	case 'H':
		s.send(s.selectThread(p[1:]))
	case 'T':
		if _, ok := s.parseThread(p[1:]); ok {
			s.send("OK")
		} else {
			s.send(errNoThread)
		}
	case 'Z', 'z':
		s.send(s.breakpoint(p[0] == 'Z', p[1:]))
	case 'D':
		s.do(s.target.Detach)
		s.send("OK")
		s.ended = true
	case 'k':
		s.do(s.target.Kill)
		s.ended = true
	case 'q', 'Q':
		if p == "QStartNoAckMode" {
			// This reply is still acknowledged; acks stop after it.
			s.send("OK")
			s.noAck, s.last = true, nil
			return
		}
		s.send(s.query(p))
	case 'v':
		s.verbose(p)
	default:
		s.send("")
	}
}

// query answers the q and Q packets.
func (s *session) query(p string) string {
	name, args, _ := strings.Cut(p, ":")
	if n, rest, ok := strings.Cut(p, ","); ok && !strings.Contains(n, ":") {
		name, args = n, rest
	}
	switch name {
	case "qSupported":
		return fmt.Sprintf("PacketSize=%x;qXfer:features:read+;QStartNoAckMode+;vContSupported+", maxPacket)
	case "qXfer":
		return s.readFeatures(args)
	case "qC":
		return fmt.Sprintf("QC%02x", s.gHart+1)
	case "qfThreadInfo":
		ids := make([]string, s.harts)
		for i := range ids {
			ids[i] = fmt.Sprintf("%02x", i+1)
		}
		return "m" + strings.Join(ids, ",")
	case "qsThreadInfo":
		return "l"
	case "qThreadExtraInfo":
		return s.threadExtraInfo(args)
	case "qAttached":
		return "1" // the machine existed before gdb came
	case "qSymbol":
		return "OK" // no symbols wanted
	case "qRcmd":
		return s.monitorCommand(args)
	}
	return "" // qOffsets and everything else: not supported, a no-op
}

// readFeatures serves qXfer:features:read:ANNEX:OFFSET,LENGTH.
func (s *session) readFeatures(args string) string {
	parts := strings.SplitN(args, ":", 4)
	if len(parts) != 4 || parts[0] != "features" || parts[1] != "read" {
		return ""
	}
	if parts[2] != "target.xml" {
		return "E00"
	}
	off, length, ok := parseAddrLen(parts[3])
	if !ok {
		return errBadArgs
	}
	doc := targetXML
	if off >= uint64(len(doc)) {
		return "l"
	}
	end := min(off+length, uint64(len(doc)))
	if end == uint64(len(doc)) {
		return "l" + doc[off:end]
	}
	return "m" + doc[off:end]
}

// monitorCommand serves qRcmd,HEX: gdb's "monitor CMD". The output goes
// back in O packets (gdb prints them as they come), then OK. A target
// without commands answers empty: gdb says it does not support them.
func (s *session) monitorCommand(args string) string {
	cmd, ok := s.target.(Commander)
	if !ok {
		return ""
	}
	line, err := hex.DecodeString(args)
	if err != nil {
		return errBadArgs
	}
	var out string
	hart := s.gHart
	s.do(func() { out = cmd.Command(hart, string(line)) })
	for len(out) > 0 {
		n := min(len(out), maxPacket/2-1)
		s.send("O" + hex.EncodeToString([]byte(out[:n])))
		out = out[n:]
	}
	return "OK"
}

func (s *session) threadExtraInfo(args string) string {
	h, ok := s.parseThread(args)
	if !ok || h < 0 {
		return errNoThread
	}
	var priv uint64
	s.do(func() { priv, _ = s.target.ReadRegister(h, RegPriv) })
	mode := map[uint64]string{0: "U", 1: "S", 3: "M"}[priv]
	return hex.EncodeToString(fmt.Appendf(nil, "hart %d (%s-mode)", h, mode))
}

// verbose handles the v packets.
func (s *session) verbose(p string) {
	switch {
	case p == "vCont?":
		s.send("vCont;c;C;s;S")
	case strings.HasPrefix(p, "vCont;"):
		s.vCont(p[len("vCont;"):])
	case strings.HasPrefix(p, "vKill"):
		s.do(s.target.Kill)
		s.send("OK")
		s.ended = true
	default:
		s.send("") // vMustReplyEmpty and all we do not know
	}
}

// vCont applies actions; all-stop, so one step action wins over continue
// actions (the stepped hart runs one instruction, the rest stay halted).
// Continue actions that name threads resume those harts only, as QEMU
// does: the others stay halted (gdb finishes a step over a watchpoint so,
// with vCont;c:N); one without a thread resumes every hart.
func (s *session) vCont(actions string) {
	step, all := -2, false
	var cont []int
	for _, a := range strings.Split(actions, ";") {
		act, tid, hasTid := strings.Cut(a, ":")
		if act == "" {
			s.send(errBadArgs)
			return
		}
		hart := s.gHart
		if hasTid {
			h, ok := s.parseThread(tid)
			if !ok {
				s.send(errNoThread)
				return
			}
			if h >= 0 {
				hart = h
			}
		}
		switch act[0] {
		case 's', 'S':
			if step == -2 {
				step = hart
			}
		case 'c', 'C':
			if !hasTid || tid == "-1" {
				all = true
			} else {
				cont = append(cont, hart)
			}
		default:
			s.send(errBadArgs)
			return
		}
	}
	switch {
	case step >= 0:
		s.resume(step, "")
	case all:
		s.resume(-1, "")
	case len(cont) > 0:
		s.running = true
		s.do(func() { s.target.ContinueHarts(cont) })
	default:
		s.send(errBadArgs)
	}
}

// stepHart is the hart s steps: the Hc thread, else the Hg one.
func (s *session) stepHart() int {
	if s.cHart >= 0 {
		return s.cHart
	}
	return s.gHart
}

// resumeAddr is the optional address of c/s (after the signal for C/S).
func resumeAddr(p string) string {
	a := p[1:]
	if p[0] == 'C' || p[0] == 'S' {
		_, a, _ = strings.Cut(a, ";")
	}
	return a
}

// resume continues all harts (hart -1) or steps one; the reply comes when
// the machine reports the stop.
func (s *session) resume(hart int, addr string) {
	if addr != "" {
		pc, err := strconv.ParseUint(addr, 16, 64)
		if err != nil {
			s.send(errBadArgs)
			return
		}
		h := hart
		if h < 0 {
			h = s.stepHart()
		}
		s.do(func() { s.target.WriteRegister(h, RegPC, pc) })
	}
	s.running = true
	if hart < 0 {
		s.do(s.target.Continue)
	} else {
		s.do(func() { s.target.Step(hart) })
	}
}

// parseThread reads a thread id: -1 (all) gives -1, 0 (any) the current
// hart, N hart N-1.
func (s *session) parseThread(tid string) (int, bool) {
	if tid == "-1" {
		return -1, true
	}
	n, err := strconv.ParseUint(tid, 16, 32)
	if err != nil || int(n) > s.harts {
		return 0, false
	}
	if n == 0 {
		return s.gHart, true
	}
	return int(n) - 1, true
}

func (s *session) selectThread(p string) string {
	if p == "" {
		return errBadArgs
	}
	h, ok := s.parseThread(p[1:])
	if !ok {
		return errNoThread
	}
	switch p[0] {
	case 'g':
		if h < 0 {
			h = 0 // registers of "all threads": the first one
		}
		s.gHart = h
	case 'c':
		s.cHart = h
	default:
		return errBadArgs
	}
	return "OK"
}

// registers ------------------------------------------------------------

func appendReg(dst []byte, v uint64) []byte { return appendRegN(dst, v, 8) }

// appendRegN encodes the low n bytes of v, little-endian, in hex.
func appendRegN(dst []byte, v uint64, n int) []byte {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], v)
	return hex.AppendEncode(dst, b[:n])
}

func parseRegValue(h string) (uint64, bool) { return parseRegValueN(h, 8) }

// parseRegValueN reads an n-byte little-endian value in hex.
func parseRegValueN(h string, n int) (uint64, bool) {
	b, err := hex.DecodeString(h)
	if err != nil || len(b) != n {
		return 0, false
	}
	var full [8]byte
	copy(full[:], b)
	return binary.LittleEndian.Uint64(full[:]), true
}

func (s *session) readAllRegs() string {
	out := make([]byte, 0, gRegs*16)
	s.do(func() {
		for r := Reg(0); r < gRegs; r++ {
			v, _ := s.target.ReadRegister(s.gHart, r)
			out = appendReg(out, v)
		}
	})
	return string(out)
}

func (s *session) writeAllRegs(h string) string {
	if len(h) < gRegs*16 {
		return errBadArgs
	}
	var vals [gRegs]uint64
	for i := range vals {
		v, ok := parseRegValue(h[i*16 : i*16+16])
		if !ok {
			return errBadArgs
		}
		vals[i] = v
	}
	s.do(func() {
		for r, v := range vals {
			s.target.WriteRegister(s.gHart, Reg(r), v)
		}
	})
	return "OK"
}

func (s *session) readReg(arg string) string {
	n, err := strconv.ParseUint(arg, 16, 16)
	if err != nil {
		return errBadArgs
	}
	r := Reg(n)
	size := regBytes(r)
	if size == 0 {
		return errNoReg
	}
	var v uint64
	var ok bool
	s.do(func() { v, ok = s.target.ReadRegister(s.gHart, r) })
	if !ok {
		return errNoReg
	}
	return string(appendRegN(nil, v, size))
}

func (s *session) writeReg(arg string) string {
	num, val, found := strings.Cut(arg, "=")
	n, err := strconv.ParseUint(num, 16, 16)
	if !found || err != nil {
		return errBadArgs
	}
	r := Reg(n)
	size := regBytes(r)
	if size == 0 {
		return errNoReg
	}
	v, vok := parseRegValueN(val, size)
	if !vok {
		return errBadArgs
	}
	ok := false
	s.do(func() { ok = s.target.WriteRegister(s.gHart, r, v) })
	if !ok {
		return errNoReg
	}
	return "OK"
}

// memory ---------------------------------------------------------------

// parseAddrLen reads "ADDR,LENGTH" in hex.
func parseAddrLen(p string) (addr, length uint64, ok bool) {
	a, l, found := strings.Cut(p, ",")
	if !found {
		return 0, 0, false
	}
	addr, err1 := strconv.ParseUint(a, 16, 64)
	length, err2 := strconv.ParseUint(l, 16, 64)
	return addr, length, err1 == nil && err2 == nil
}

func (s *session) readMem(arg string) string {
	addr, length, ok := parseAddrLen(arg)
	if !ok {
		return errBadArgs
	}
	length = min(length, maxPacket/2) // gdb asks again for the rest
	buf := make([]byte, length)
	var err error
	s.do(func() { err = s.target.ReadMemory(s.gHart, addr, buf) })
	if err != nil {
		return errFault
	}
	return hex.EncodeToString(buf)
}

// writeMem handles M (hex data) and X (binary data, already unescaped).
func (s *session) writeMem(arg string, hexData bool) string {
	head, data, found := strings.Cut(arg, ":")
	addr, length, ok := parseAddrLen(head)
	if !found || !ok {
		return errBadArgs
	}
	var buf []byte
	if hexData {
		b, err := hex.DecodeString(data)
		if err != nil {
			return errBadArgs
		}
		buf = b
	} else {
		buf = []byte(data)
	}
	if uint64(len(buf)) != length {
		return errBadArgs
	}
	if length == 0 {
		return "OK" // gdb probes X support this way
	}
	var err error
	s.do(func() { err = s.target.WriteMemory(s.gHart, addr, buf) })
	if err != nil {
		return errFault
	}
	return "OK"
}

// breakpoints and watchpoints -----------------------------------------

// The debugger's tables are bounded: the board checks every watchpoint on
// every data access while any is set, and a debugger has no business
// setting thousands. Past the bound Z answers ENOSPC and nothing changes.
const (
	maxBreakpoints = 4096 // distinct addresses
	maxWatchpoints = 64   // insertions in force
)

// breakpoint handles Z/z TYPE,ADDR,KIND.
func (s *session) breakpoint(insert bool, arg string) string {
	typ, rest, found := strings.Cut(arg, ",")
	if !found {
		return errBadArgs
	}
	addrLen, _, _ := strings.Cut(rest, ";") // conditions are not supported
	addr, kind, ok := parseAddrLen(addrLen)
	if !ok {
		return errBadArgs
	}
	switch typ {
	case "0", "1": // software and hardware breakpoints: both a pc check
		n := s.breakpoints[addr]
		switch {
		case insert:
			if n == 0 && len(s.breakpoints) >= maxBreakpoints {
				return s.refuseFull()
			}
			s.breakpoints[addr] = n + 1
			if n == 0 {
				s.do(func() { s.target.SetBreakpoint(addr, true) })
			}
		case n > 0:
			if n == 1 {
				delete(s.breakpoints, addr)
				s.do(func() { s.target.SetBreakpoint(addr, false) })
			} else {
				s.breakpoints[addr] = n - 1
			}
		}
		return "OK"
	case "2", "3", "4":
		if kind == 0 {
			return errBadArgs
		}
		w := Watchpoint{Kind: WatchKind(typ[0] - '2'), Addr: addr, Len: kind}
		n := s.watchpoints[w]
		switch {
		case insert && s.watchCount >= maxWatchpoints:
			return s.refuseFull()
		case insert:
			s.watchpoints[w] = n + 1
			s.watchCount++
		case n == 0:
			return "OK" // not set: nothing to remove
		case n == 1:
			delete(s.watchpoints, w)
			s.watchCount--
		default:
			s.watchpoints[w] = n - 1
			s.watchCount--
		}
		s.do(func() { s.target.SetWatchpoint(w, insert) })
		return "OK"
	}
	return "" // unknown type: not supported
}

// refuseFull answers a Z packet the tables have no room for, counted.
func (s *session) refuseFull() string {
	s.count.add(func(c *counters) *atomic.Uint64 { return &c.tableFull })
	return errNoRoom
}
