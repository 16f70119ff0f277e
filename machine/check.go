package machine

import (
	"fmt"
	"io"
	"strings"

	"github.com/rvemu/rvemu/cpu"
	"github.com/rvemu/rvemu/e1000"
	"github.com/rvemu/rvemu/trace"
)

// Check is a set of driver checkers ("--check e1000").
type Check uint32

// Checkers. Add new ones here and in ParseCheck.
const (
	CheckE1000 Check = 1 << iota // the E1000 driver checker (package e1000, check.go)
)

// ParseCheck reads the --check flag: "e1000", or "none" / "" for no check.
func ParseCheck(s string) (Check, error) {
	var c Check
	for _, name := range strings.Split(s, ",") {
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "", "none":
		case "e1000":
			c |= CheckE1000
		default:
			return 0, fmt.Errorf("check %q: want e1000 or none", name)
		}
	}
	return c, nil
}

// e1000Check connects the NIC's driver checker to the board: the hart
// making the register access names the guest code (kernel symbols when
// the ELF has them), mtime is guest time, warnings go to CheckOut.
func (m *Machine) e1000Check() e1000.CheckConfig {
	if !m.cfg.Check.has(CheckE1000) {
		return e1000.CheckConfig{}
	}
	out := m.cfg.CheckOut
	return e1000.CheckConfig{
		Warn:  func(w e1000.Warning) { io.WriteString(out, w.String()) },
		Where: m.accessWhere,
		Now:   m.clock.now,
	}
}

func (c Check) has(c2 Check) bool { return c&c2 == c2 && c2 != 0 }

// accessWhere names the instruction of the hart now running (the one that
// made the device access): its pc is still the access's while the device
// acts.
func (m *Machine) accessWhere() string {
	h := m.cur
	if h == nil {
		return ""
	}
	s := fmt.Sprintf("hart %d pc %#x", h.ID, h.PC)
	if sym := trace.CodeName(m.syms, h.PC, h.Priv); sym != "" {
		s += " <" + sym + ">"
	}
	return s
}

// setCurrent records the hart about to run, for accessWhere.
func (m *Machine) setCurrent(h *cpu.Hart) { m.cur = h }

// pollChecks runs the time-based driver checks once per board turn.
func (m *Machine) pollChecks() {
	if m.cfg.Check != 0 && m.net != nil {
		m.net.nic.PollChecks()
	}
}
