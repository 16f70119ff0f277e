//go:build !amd64

package machine

// DefaultJIT is the engine when neither Config.JIT nor RVEMU_JIT says:
// elsewhere the interpreter. arm64's translator has run only under
// qemu-user so far (docs/CPU.md), so it is asked for with --jit=on; other
// hosts have none.
const DefaultJIT = "off"
