package xv6lab

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeTree writes the files labs looks at; it is not a buildable xv6.
func fakeTree(t *testing.T, dir, lab string, files map[string]string) string {
	t.Helper()
	all := map[string]string{
		"Makefile":         "grade:\n",
		"grade-lab-" + lab: "#!/usr/bin/env python3\n",
		"conf/lab.mk":      "LAB=" + lab + "\n",
		"user/sh.c":        "void runcmd(struct cmd*) __attribute__((noreturn));\n",
	}
	for k, v := range files {
		all[k] = v
	}
	for name, body := range all {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	return dir
}

func TestDescribeTree(t *testing.T) {
	root := t.TempDir()
	cases := []struct {
		name     string
		lab      string
		files    map[string]string
		wantName string
		wantRole string
		oldCC    bool
	}{
		{"fetched 2024 tree", "cow", map[string]string{SourceFile: "github:someone/xv6-labs-2024 0123456789abcdef0123456789abcdef01234567\nrole: starter\n"},
			"someone/xv6-labs-2024@0123456789ab", "starter", false},
		{"2020 tree needs the old-compiler flags", "lazy", map[string]string{SourceFile: "github:a/b 89abcdef0123\n", "user/sh.c": "void runcmd(struct cmd*);\n"},
			"a/b@89abcdef0123", "", true},
		{"patched copy", "cow", map[string]string{SourceFile: "github:a/b 0123456789abcdef\n+ PMP patch: start.c writes pmpaddr0\nrole: solution\n"},
			"a/b@0123456789ab + PMP patch", "solution", false},
		{"no source named: the directory's own name", "util", nil, "util-plain", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := fakeTree(t, filepath.Join(root, c.lab+"-plain"), c.lab, c.files)
			// Not a git checkout, even if TMPDIR lies inside one.
			t.Setenv("GIT_CEILING_DIRECTORIES", filepath.Dir(root))
			tr, err := DescribeTree(dir)
			require.NoError(t, err)
			assert.Equal(t, c.lab, tr.Lab)
			assert.Equal(t, c.wantName, tr.Name)
			assert.Equal(t, c.wantRole, tr.Role)
			if c.oldCC {
				assert.Equal(t, OldCompilerArgs, tr.MakeArgs)
			} else {
				assert.Empty(t, tr.MakeArgs)
			}
		})
	}
}

func TestFindTreesExpandsADirectoryInCourseOrder(t *testing.T) {
	root := t.TempDir()
	for _, lab := range []string{"mmap", "cow", "util", "fs"} {
		fakeTree(t, filepath.Join(root, "set", lab), lab, nil)
	}
	require.NoError(t, os.MkdirAll(filepath.Join(root, "set", "notes"), 0o755))
	trees, err := FindTrees([]string{filepath.Join(root, "set")})
	require.NoError(t, err)
	var labs []string
	for _, tr := range trees {
		labs = append(labs, tr.Lab)
	}
	assert.Equal(t, []string{"util", "cow", "fs", "mmap"}, labs)

	_, err = FindTrees([]string{filepath.Join(root, "set", "notes")})
	assert.ErrorContains(t, err, "not an xv6 lab tree")
}
