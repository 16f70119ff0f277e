//go:build isa

package cpu

// riscv-tests acceptance: go test -tags isa ./cpu -run ISA
// with RISCV_TESTS_DIR pointing at the built ELF files (rv64ui-p-add ...).

import (
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/bus"
)

// isaSuites are the test families that must all pass, in -p and -v forms.
var isaSuites = []string{"rv64ui", "rv64um", "rv64ua", "rv64uc", "rv64uf", "rv64ud", "rv64mi", "rv64si"}

const isaMaxInstructions = 50_000_000

// isaExpectedFailures are tests that cannot pass on this hart by design,
// with the failure they must show (so a change in behaviour is noticed).
// None today: rv64mi-p-pmpaddr, the last one, passes since the hart has
// PMP entries (mmu/pmp.go).
var isaExpectedFailures = map[string]string{}

func TestISA(t *testing.T) {
	dir := os.Getenv("RISCV_TESTS_DIR")
	if dir == "" {
		dir = "/work/ext/riscv-tests/isa"
	}
	var files []string
	for _, s := range isaSuites {
		for _, env := range []string{"p", "v"} {
			m, err := filepath.Glob(filepath.Join(dir, s+"-"+env+"-*"))
			require.NoError(t, err)
			for _, f := range m {
				if !strings.HasSuffix(f, ".dump") {
					files = append(files, f)
				}
			}
		}
	}
	require.NotEmpty(t, files, "no riscv-tests ELF files in %s (set RISCV_TESTS_DIR)", dir)
	sort.Strings(files)
	passed := 0
	type count struct{ passed, total int }
	bySuite := map[string]*count{} // "rv64uf-v" -> passed/total
	var suites []string
	for _, f := range files {
		name := filepath.Base(f)
		suite := name[:strings.Index(name, "-")+2]
		if bySuite[suite] == nil {
			bySuite[suite] = &count{}
			suites = append(suites, suite)
		}
		bySuite[suite].total++
		var err error
		t.Run(name, func(t *testing.T) {
			_, err = runISATest(f)
			if want, known := isaExpectedFailures[name]; known {
				require.Error(t, err, "expected failure now passes: update isaExpectedFailures")
				require.Contains(t, err.Error(), want)
				return
			}
			require.NoError(t, err)
		})
		if err == nil {
			passed++
			bySuite[suite].passed++
		}
	}
	for _, s := range suites {
		t.Logf("%-9s %3d/%d passed", s, bySuite[s].passed, bySuite[s].total)
	}
	t.Logf("riscv-tests: %d/%d passed (%d expected failures)", passed, len(files), len(isaExpectedFailures))
}

// runISATest loads one riscv-tests ELF and runs it until it reports
// through the HTIF tohost word.
func runISATest(path string) (instret uint64, err error) {
	return runHTIF(path, isaMaxInstructions)
}

// runHTIF loads an ELF that reports through HTIF tohost and runs it on one
// hart for at most limit instructions.
func runHTIF(path string, limit int) (instret uint64, err error) {
	f, err := elf.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	b := bus.New(0x80000000, 16<<20)
	for _, p := range f.Progs {
		if p.Type != elf.PT_LOAD || p.Filesz == 0 {
			continue
		}
		if !b.InRAM(p.Paddr, p.Memsz) {
			return 0, fmt.Errorf("segment at %#x outside RAM", p.Paddr)
		}
		if _, err := p.ReadAt(b.RAM[p.Paddr-b.RAMBase:p.Paddr-b.RAMBase+p.Filesz], 0); err != nil {
			return 0, err
		}
	}
	syms, err := f.Symbols()
	if err != nil {
		return 0, err
	}
	var tohost, fromhost uint64
	for _, s := range syms {
		switch s.Name {
		case "tohost":
			tohost = s.Value
		case "fromhost":
			fromhost = s.Value
		}
	}
	if tohost == 0 {
		return 0, fmt.Errorf("no tohost symbol")
	}
	var now uint64
	sys := NewSystem(b, func() uint64 { return now })
	if err := sys.EnableJIT(testJIT); err != nil {
		return 0, err
	}
	if sys.codeCache.jit != nil {
		sys.codeCache.jit.hot = 0 // everything runs translated
	}
	h := sys.NewHart(0)
	h.PC = f.Entry
	start, cpu0 := time.Now(), cpuTime()
	defer func() {
		lastWall, lastCPU = time.Since(start), cpuTime()-cpu0
	}()
	for total := 0; total < limit; {
		n := h.Run(10000)
		total += n + 1
		now += uint64(n)/100 + 1
		v := binary.LittleEndian.Uint64(b.RAM[tohost-b.RAMBase:])
		if v == 0 {
			continue
		}
		if v&1 == 1 {
			if v == 1 {
				return h.Instret, nil
			}
			return h.Instret, fmt.Errorf("test %d failed (pc %#x, mcause %#x, mepc %#x, scause %#x, sepc %#x)",
				v>>1, h.PC, h.csr.mcause, h.csr.mepc, h.csr.scause, h.csr.sepc)
		}
		// A syscall block (printing from the -v environment): acknowledge it.
		binary.LittleEndian.PutUint64(b.RAM[tohost-b.RAMBase:], 0)
		if fromhost != 0 {
			binary.LittleEndian.PutUint64(b.RAM[fromhost-b.RAMBase:], 1)
		}
	}
	return h.Instret, fmt.Errorf("no result after %d instructions (pc %#x)", limit, h.PC)
}

// lastWall and lastCPU time the run loop of the last runHTIF (not loading).
var lastWall, lastCPU time.Duration
