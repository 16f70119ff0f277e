package class

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// The class's compiles share a compiler cache (ccache): most of a lab's
// files are the same in every submission, and each grade starts with the
// lab's own `make clean` and a full build. ccache gives back an object only
// for the same compiler, flags, preprocessed source and, as the labs
// compile with -g, the same working directory (gcc writes it into the
// debug information); so under namespaces every grade builds in its tree
// mounted at one path (buildAtDir), and what the cache gives is
// byte-for-byte what the compiler builds there.

// BuildCacheOff turns the cache off (--build-cache off).
const BuildCacheOff = "off"

// cachedCompilers are the C compilers the lab Makefiles call for the
// kernel and user programs (TOOLPREFIX + gcc). The host's gcc builds only
// mkfs, compiling and linking at once, which ccache does not cache.
var cachedCompilers = []string{"riscv64-unknown-elf-gcc", "riscv64-linux-gnu-gcc", "riscv64-elf-gcc"}

// buildCache is the cache the grades use.
type buildCache struct {
	Dir    string // ccache's folder (CCACHE_DIR)
	PathIn string // first in PATH: each cached compiler's name -> ccache
}

// defaultBuildCacheDir is ~/.cache/rvemu/class-ccache (the OS's user
// cache folder): one cache for every class and lab the teacher grades.
func defaultBuildCacheDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "rvemu", "class-ccache"), nil
}

// setUpBuildCache reads --build-cache ("" default: on when ccache is
// installed; "off"; or ccache's folder, which then requires ccache) and
// makes the compilers' folder under binDir. nil, with a note saying why,
// when there is no cache.
func setUpBuildCache(want, binDir string) (*buildCache, string, error) {
	if want == BuildCacheOff {
		return nil, "off (--build-cache off)", nil
	}
	ccache, err := exec.LookPath("ccache")
	if err != nil {
		if want != "" {
			return nil, "", fmt.Errorf("--build-cache %s: no ccache on PATH (install it: apt-get install ccache), or --build-cache off", want)
		}
		return nil, "off (no ccache on PATH)", nil
	}
	dir := want
	if dir == "" {
		if dir, err = defaultBuildCacheDir(); err != nil {
			return nil, "", fmt.Errorf("the build cache's folder: %w (--build-cache DIR or off)", err)
		}
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return nil, "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, "", fmt.Errorf("--build-cache: %w", err)
	}
	c := &buildCache{Dir: dir, PathIn: filepath.Join(binDir, "cc")}
	os.RemoveAll(c.PathIn)
	if err := os.MkdirAll(c.PathIn, 0o755); err != nil {
		return nil, "", err
	}
	var wrapped []string
	for _, name := range cachedCompilers {
		if _, err := exec.LookPath(name); err != nil {
			continue
		}
		// ccache called by a compiler's name runs the next one of that
		// name on PATH (ccache's "masquerade" use).
		if err := os.Symlink(ccache, filepath.Join(c.PathIn, name)); err != nil {
			return nil, "", err
		}
		wrapped = append(wrapped, name)
	}
	if len(wrapped) == 0 {
		return nil, "off (no RISC-V cross compiler on PATH to cache)", nil
	}
	return c, fmt.Sprintf("ccache in %s (%s)", dir, strings.Join(wrapped, ", ")), nil
}

// env is the grade's environment with the cache's settings: the folder,
// the working directory hashed and no sloppiness (ccache's defaults, set
// in case the cache's own configuration says otherwise). The caller's CCACHE_* settings
// are left out: some (base_dir, hash_dir, sloppiness) would let the cache
// hand back objects the compiler would not have built here.
func (c *buildCache) env(env []string) []string {
	out := env[:0:0]
	for _, e := range env {
		if !strings.HasPrefix(e, "CCACHE_") {
			out = append(out, e)
		}
	}
	return append(out, "CCACHE_DIR="+c.Dir, "CCACHE_HASHDIR=1", "CCACHE_SLOPPINESS=")
}

// buildAtName is the folder, in the OS's temporary folder, at which each
// grade under namespaces sees its own tree (mounted there in its own mount
// namespace; the host's folder stays empty): every student's build runs
// at the same path, so the debug information and the cache's key are the
// same for the same source.
const buildAtName = "rvemu-class-build"

// buildAtDir makes (or finds) the empty folder the trees are mounted at.
// "" and why when it cannot be used: the grades then build where their
// trees are, and the cache serves only regrades of the same student.
func buildAtDir() (string, error) {
	dir := filepath.Join(os.TempDir(), buildAtName)
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return "", err
	}
	info, err := os.Lstat(dir)
	if err != nil {
		return "", err
	}
	if !info.IsDir() {
		return "", fmt.Errorf("%s is not a folder", dir)
	}
	return dir, nil
}
