package bus

// hugePage is the size of a transparent huge page on the hosts we care
// about (x86-64 and arm64 with 4 KiB base pages).
const hugePage = 2 << 20

// newRAM returns size zero bytes for guest RAM. Kernels touch all of RAM
// early (xv6 fills every free page at boot), and with 4 KiB host pages
// that is one host page fault per guest page: 32768 faults, about 0.35 s,
// for 128 MiB, most of a boot. Large RAM is therefore aligned to a huge
// page and the host is asked to back it with huge pages (512 times fewer
// faults). The memory stays an ordinary Go allocation, so the garbage
// collector frees it as before.
func newRAM(size uint64) []byte {
	if size < hugePage {
		return make([]byte, size)
	}
	buf := make([]byte, size+hugePage)
	skip := hugePageSkip(buf)
	ram := buf[skip : skip+size : skip+size]
	adviseHugePages(ram)
	return ram
}
