package machine

import (
	"fmt"
	"io"

	"github.com/rvemu/rvemu/bus"
)

// mmioTracer logs every register access of one device ("--trace mmio").
type mmioTracer struct {
	name string
	base uint64
	dev  bus.Device
	log  io.Writer
}

func (t *mmioTracer) Read(offset uint64, size int) uint64 {
	v := t.dev.Read(offset, size)
	fmt.Fprintf(t.log, "mmio: read  %-8s 0x%08x/%d -> %#x\n", t.name, t.base+offset, size, v)
	return v
}

func (t *mmioTracer) Write(offset uint64, size int, value uint64) {
	fmt.Fprintf(t.log, "mmio: write %-8s 0x%08x/%d <- %#x\n", t.name, t.base+offset, size, value)
	t.dev.Write(offset, size, value)
}
