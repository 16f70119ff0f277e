package tests

import "testing"

// Boot to the first prompt on QEMU (3 harts), the reference the emulator
// is compared against.
func BenchmarkXv6QEMUBoot(b *testing.B) {
	build := xv6Build(b)
	for b.Loop() {
		bootXv6QEMU(b, build, 3).stop()
	}
}

// The stress soak (memory, fork, exec, pipe, file) on QEMU, 3 harts.
func BenchmarkXv6QEMUStress(b *testing.B) {
	build := xv6Build(b)
	guest := bootXv6QEMU(b, build, 3)
	for b.Loop() {
		lines := guest.run("stress")
		if len(lines) == 0 || lines[len(lines)-1] != "stress: all OK" {
			b.Fatalf("stress failed: %q", lines)
		}
	}
}
