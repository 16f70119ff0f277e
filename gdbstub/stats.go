package gdbstub

import (
	"fmt"
	"sync/atomic"
)

// Stats counts what the stub's limits turned away, so a misbehaving client
// shows up in rvemu's --stats instead of only in a dropped connection.
type Stats struct {
	Connections  uint64 // debugger connections served
	TooLong      uint64 // connections ended for a packet over PacketSize
	BadChecksums uint64 // packets answered with '-'
	TableFull    uint64 // Z packets refused with E1C (break/watchpoint table full)
}

func (s Stats) String() string {
	return fmt.Sprintf("gdb: %d connections, %d ended for a packet over %d bytes, %d bad checksums, %d break/watchpoints refused (table full)",
		s.Connections, s.TooLong, maxPacket, s.BadChecksums, s.TableFull)
}

// counters is Stats as sessions update it, from their goroutines.
type counters struct {
	connections, tooLong, badChecksums, tableFull atomic.Uint64
}

// add counts one event; a session built without a server (tests) has no
// counters, so c may be nil.
func (c *counters) add(field func(*counters) *atomic.Uint64) {
	if c != nil {
		field(c).Add(1)
	}
}

func (c *counters) snapshot() Stats {
	return Stats{Connections: c.connections.Load(), TooLong: c.tooLong.Load(),
		BadChecksums: c.badChecksums.Load(), TableFull: c.tableFull.Load()}
}

// Stats returns the counters of every connection so far.
func (s *Server) Stats() Stats { return s.count.snapshot() }
