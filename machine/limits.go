package machine

// DecodeCacheBytes is the size of the harts' decoded-instruction cache, a
// bounded cache that grows with the code pages the guest has run (for
// --stats: a soak run's RSS growth is judged without it). Call it after Run.
func (m *Machine) DecodeCacheBytes() int { return m.sys.DecodeCacheBytes() }
