package virtio

import "log"

// logOnce reports each kind of guest error once: a buggy or hostile driver
// can repeat the same mistake millions of times, and the host log must stay
// readable.
type logOnce struct {
	seen   map[string]bool
	printf func(format string, args ...any)
}

func (l *logOnce) report(cause string, format string, args ...any) {
	if l.seen[cause] {
		return
	}
	if l.seen == nil {
		l.seen = make(map[string]bool)
	}
	l.seen[cause] = true
	p := l.printf
	if p == nil {
		p = log.Printf
	}
	p("virtio-blk: "+format, args...)
}
