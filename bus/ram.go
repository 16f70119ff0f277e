package bus

import "runtime/debug"

// hugePage is the size of a transparent huge page on the hosts we care
// about (x86-64 and arm64 with 4 KiB base pages).
const hugePage = 2 << 20

// freshRAMMin is the RAM size from which newRAM first hands freed memory
// back to the host.
const freshRAMMin = 64 << 20

// newRAM returns size zero bytes for guest RAM. Kernels touch all of RAM
// early (xv6 fills every free page at boot), and with 4 KiB host pages
// that is one host page fault per guest page: 32768 faults, about 0.35 s,
// for 128 MiB, most of a boot. Large RAM is therefore aligned to a huge
// page and the host is asked to back it with huge pages (512 times fewer
// faults). The memory stays an ordinary Go allocation, so the garbage
// collector frees it as before.
//
// The memory is committed as the guest touches it: a fresh allocation that
// size is new address space, which the host fills with zeros on first
// touch, so a 3 GiB board running xv6 holds ~130 MiB. That holds only for
// fresh memory: Go clears a reused span by writing every byte, so a second
// large board in one process (grade's reboot, tests) would touch all of its
// RAM first (3 GiB: half a minute of page faults, all of it resident).
// Returning the freed memory to the host beforehand makes the allocation
// fresh again, at the price of one collection. (It is not airtight: in a
// test making 1 GiB boards in turn, the second one was still cleared in 8
// runs of 40, against 18 of 20 without it.)
func newRAM(size uint64) []byte {
	if size < hugePage {
		return make([]byte, size)
	}
	if size >= freshRAMMin {
		debug.FreeOSMemory()
	}
	buf := make([]byte, size+hugePage)
	skip := hugePageSkip(buf)
	ram := buf[skip : skip+size : skip+size]
	adviseHugePages(ram)
	return ram
}
