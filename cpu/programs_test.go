//go:build isa && isabench

package cpu

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBenchmarkPrograms runs integer benchmark ELFs (riscv-tests
// benchmarks built for rv64imac, from $RISCV_BENCH_DIR) to completion and
// logs MIPS. go test -tags isa,isabench ./cpu -run BenchmarkPrograms -v
func TestBenchmarkPrograms(t *testing.T) {
	dir := os.Getenv("RISCV_BENCH_DIR")
	require.NotEmpty(t, dir, "set RISCV_BENCH_DIR to a directory of *.riscv benchmark ELFs")
	files, err := filepath.Glob(filepath.Join(dir, "*.riscv"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		n, err := runHTIF(f, 1<<40)
		wall, cpu := lastWall, lastCPU
		require.NoError(t, err, f)
		t.Logf("%-12s %11d instructions  %6.0f MIPS wall  %6.0f MIPS cpu", filepath.Base(f), n,
			float64(n)/wall.Seconds()/1e6, float64(n)/cpu.Seconds()/1e6)
	}
}
