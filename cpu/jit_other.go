//go:build !amd64 && !arm64

package cpu

import (
	"errors"

	"github.com/rvemu/rvemu/jit"
)

// No back end for this host architecture: JITAvailable is false and the
// engine is never created.
const jitBackend = false

const jitShareCode = false

type jitGen struct{}

var errNoBackend = errors.New("jit: no back end for this architecture")

func (g *jitGen) slowStub(mem *jit.Memory) (uintptr, error) { return 0, errNoBackend }

func (g *jitGen) compile(e *jitEngine, p *blockPlan) (uintptr, int, error) {
	return 0, 0, errNoBackend
}
