package class

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeTools makes a folder of executables with these names, to be PATH.
func fakeTools(t *testing.T, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, n := range names {
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), []byte("#!/bin/sh\n"), 0o755))
	}
	return dir
}

func TestBuildCacheSetUp(t *testing.T) {
	bin := t.TempDir()
	for _, tc := range []struct {
		name, want string
		tools      []string
		on         bool
		wrapped    []string
		note, err  string
	}{
		{name: "off", want: BuildCacheOff, tools: []string{"ccache", "riscv64-unknown-elf-gcc"}, note: "off (--build-cache off)"},
		{name: "default without ccache", tools: []string{"riscv64-unknown-elf-gcc"}, note: "off (no ccache on PATH)"},
		{name: "a folder without ccache", want: "somewhere", tools: []string{"riscv64-unknown-elf-gcc"}, err: "no ccache on PATH"},
		{name: "no cross compiler", tools: []string{"ccache"}, note: "off (no RISC-V cross compiler on PATH to cache)"},
		{name: "default", tools: []string{"ccache", "riscv64-unknown-elf-gcc", "gcc"}, on: true,
			wrapped: []string{"riscv64-unknown-elf-gcc"}},
		{name: "two cross compilers", want: "given", tools: []string{"ccache", "riscv64-unknown-elf-gcc", "riscv64-linux-gnu-gcc"},
			on: true, wrapped: []string{"riscv64-unknown-elf-gcc", "riscv64-linux-gnu-gcc"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := fakeTools(t, tc.tools...)
			t.Setenv("PATH", path)
			t.Setenv("XDG_CACHE_HOME", filepath.Join(t.TempDir(), "home-cache"))
			want := tc.want
			if want == "given" {
				want = filepath.Join(t.TempDir(), "class-cache")
			}
			c, note, err := setUpBuildCache(want, bin)
			if tc.err != "" {
				assert.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			if !tc.on {
				assert.Nil(t, c)
				assert.Equal(t, tc.note, note)
				return
			}
			require.NotNil(t, c)
			if tc.want == "" {
				assert.Equal(t, filepath.Join(os.Getenv("XDG_CACHE_HOME"), "rvemu", "class-ccache"), c.Dir)
			} else {
				assert.Equal(t, want, c.Dir)
			}
			assert.DirExists(t, c.Dir)
			entries, err := os.ReadDir(c.PathIn)
			require.NoError(t, err)
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
				target, err := os.Readlink(filepath.Join(c.PathIn, e.Name()))
				require.NoError(t, err)
				assert.Equal(t, filepath.Join(path, "ccache"), target, "%s runs ccache", e.Name())
			}
			assert.ElementsMatch(t, tc.wrapped, names)
			assert.Contains(t, note, "ccache in "+c.Dir)
		})
	}
}

// The grade's environment names the cache and drops the caller's ccache
// settings (a base_dir or sloppiness could hand back objects the compiler
// would not have built in this tree).
func TestBuildCacheEnv(t *testing.T) {
	env := []string{"PATH=/bin", "CCACHE_BASEDIR=/home", "HOME=/h", "CCACHE_NOHASHDIR=1"}
	c := &buildCache{Dir: "/cache"}
	assert.Equal(t, []string{"PATH=/bin", "HOME=/h", "CCACHE_DIR=/cache", "CCACHE_HASHDIR=1", "CCACHE_SLOPPINESS="}, c.env(env))
	assert.Equal(t, []string{"PATH=/bin", "CCACHE_BASEDIR=/home", "HOME=/h", "CCACHE_NOHASHDIR=1"}, env, "the caller's slice is left alone")
}
