package class

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tarEntry is one entry of a test tarball.
type tarEntry struct {
	name, body, link string
	dir              bool
}

func writeTar(t *testing.T, path string, gz bool, entries ...tarEntry) {
	t.Helper()
	var b bytes.Buffer
	var w = &b
	tw := tar.NewWriter(w)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: 0o644, Size: int64(len(e.body)), Typeflag: tar.TypeReg}
		switch {
		case e.dir:
			h.Typeflag, h.Size, h.Mode = tar.TypeDir, 0, 0o755
		case e.link != "":
			h.Typeflag, h.Linkname, h.Size = tar.TypeSymlink, e.link, 0
		}
		require.NoError(t, tw.WriteHeader(h))
		tw.Write([]byte(e.body))
	}
	require.NoError(t, tw.Close())
	data := b.Bytes()
	if gz {
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		zw.Write(data)
		zw.Close()
		data = z.Bytes()
	}
	require.NoError(t, os.WriteFile(path, data, 0o644))
}

func isBad(err error) bool {
	var b errBadSubmission
	return errors.As(err, &b)
}

func TestUnpackTarKeepsToTheTree(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name    string
		entries []tarEntry
		bad     string // the error, "" if it unpacks
	}{
		{"a tree", []tarEntry{{name: "lab/", dir: true}, {name: "lab/Makefile", body: "all:\n"}}, ""},
		{"dot-dot", []tarEntry{{name: "lab/../../evil", body: "x"}}, "outside its tree"},
		{"absolute", []tarEntry{{name: "/etc/evil", body: "x"}}, "outside its tree"},
		{"too big", []tarEntry{{name: "big", body: string(make([]byte, 3000))}}, "more than"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			file := filepath.Join(dir, c.name+".tar.gz")
			writeTar(t, file, true, c.entries...)
			dst := filepath.Join(dir, c.name)
			err := unpackTar(file, dst, unpackLimits{Bytes: 2048, Files: 100}, nil)
			if c.bad == "" {
				require.NoError(t, err)
				assert.FileExists(t, filepath.Join(dst, "lab", "Makefile"))
				return
			}
			require.Error(t, err)
			assert.True(t, isBad(err), "%v is the submission's fault", err)
			assert.Contains(t, err.Error(), c.bad)
			assert.NoFileExists(t, filepath.Join(dir, "evil"))
		})
	}
}

func TestUnpackLinks(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "s.tar")
	writeTar(t, file, false,
		tarEntry{name: "Makefile", body: "all:\n"},
		tarEntry{name: "inside", link: "Makefile"},
		tarEntry{name: "sub/up", link: "../Makefile"},
		tarEntry{name: "escape", link: "../../etc/passwd"},
		tarEntry{name: "abs", link: "/etc/passwd"},
		// A link, then a file of the same name: the file must not be
		// written through the link.
		tarEntry{name: "through", link: "/tmp/rvemu-class-test-through"},
		tarEntry{name: "through", body: "mine"},
	)
	var log bytes.Buffer
	dst := filepath.Join(dir, "out")
	require.NoError(t, unpackTar(file, dst, unpackLimits{}, &log))
	target, err := os.Readlink(filepath.Join(dst, "inside"))
	require.NoError(t, err)
	assert.Equal(t, "Makefile", target)
	_, err = os.Readlink(filepath.Join(dst, "sub", "up"))
	assert.NoError(t, err)
	for _, gone := range []string{"escape", "abs"} {
		_, err := os.Lstat(filepath.Join(dst, gone))
		assert.True(t, os.IsNotExist(err), gone)
	}
	assert.Contains(t, log.String(), "left out escape")
	b, err := os.ReadFile(filepath.Join(dst, "through"))
	require.NoError(t, err)
	assert.Equal(t, "mine", string(b))
	assert.NoFileExists(t, "/tmp/rvemu-class-test-through")
}

func TestUnpackZip(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "s.zip")
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create("xv6-labs/Makefile")
	w.Write([]byte("all:\n"))
	w, _ = zw.Create("../evil")
	w.Write([]byte("x"))
	zw.Close()
	require.NoError(t, os.WriteFile(file, b.Bytes(), 0o644))
	err := unpackZip(file, filepath.Join(dir, "out"), unpackLimits{}, nil)
	require.Error(t, err)
	assert.True(t, isBad(err))
	assert.NoFileExists(t, filepath.Join(dir, "evil"))
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
}

func TestDiscover(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"alice/Makefile": "", "bob.tar.gz": "", "carol.TGZ": "", "dave.zip": "", "erin.patch": "",
		"frank.diff": "", "gina.txt": "", ".hidden": "", "hana.tar": "", "ivan.tar.bz2": "",
	})
	subs, err := Discover(dir)
	require.NoError(t, err)
	got := map[string]Kind{}
	for _, s := range subs {
		got[s.Student] = s.Kind
	}
	assert.Equal(t, map[string]Kind{"alice": KindTree, "bob": KindTarball, "carol": KindTarball, "dave": KindZip,
		"erin": KindPatch, "frank": KindPatch, "gina": KindUnknown, "hana": KindTarball, "ivan": KindTarball}, got)
	assert.Equal(t, "alice", subs[0].Student)

	writeFiles(t, dir, map[string]string{"alice.zip": ""})
	_, err = Discover(dir)
	assert.ErrorContains(t, err, "both alice's")
}

func TestPrepare(t *testing.T) {
	dir := t.TempDir()
	grader := filepath.Join(dir, "grader")
	writeFiles(t, grader, map[string]string{
		"Makefile": "grade:\n", "grade-lab-util": "the teacher's", "gradelib.py": "the teacher's",
		"user/sleep.c": "int main(){}\n", "conf/lab.mk": "LAB=util\n",
	})
	var log bytes.Buffer
	t.Run("a tree gets the grader's files", func(t *testing.T) {
		student := filepath.Join(dir, "alice")
		writeFiles(t, student, map[string]string{"Makefile": "grade:\n", "grade-lab-util": "always OK", "user/sleep.c": "mine\n"})
		work := filepath.Join(dir, "work-alice")
		require.NoError(t, prepare(context.Background(), Submission{Student: "alice", Path: student, Kind: KindTree},
			grader, DefaultGraderFiles, work, &log))
		for name, want := range map[string]string{"grade-lab-util": "the teacher's", "gradelib.py": "the teacher's",
			"user/sleep.c": "mine\n", "conf/lab.mk": "LAB=util\n"} {
			b, err := os.ReadFile(filepath.Join(work, name))
			require.NoError(t, err)
			assert.Equal(t, want, string(b), name)
		}
	})
	t.Run("a tarball one directory down is lifted", func(t *testing.T) {
		file := filepath.Join(dir, "bob.tar.gz")
		writeTar(t, file, true, tarEntry{name: "xv6-labs-2024/Makefile", body: "grade:\n"}, tarEntry{name: "xv6-labs-2024/user/sleep.c", body: "bob\n"})
		work := filepath.Join(dir, "work-bob")
		require.NoError(t, prepare(context.Background(), Submission{Student: "bob", Path: file, Kind: KindTarball},
			grader, DefaultGraderFiles, work, &log))
		assert.FileExists(t, filepath.Join(work, "Makefile"))
		assert.FileExists(t, filepath.Join(work, "grade-lab-util"))
	})
	t.Run("a patch applies to the grader tree", func(t *testing.T) {
		patch := filepath.Join(dir, "carol.patch")
		require.NoError(t, os.WriteFile(patch, []byte("diff --git a/user/sleep.c b/user/sleep.c\n--- a/user/sleep.c\n+++ b/user/sleep.c\n@@ -1 +1 @@\n-int main(){}\n+int main(){ return 0; }\n"), 0o644))
		work := filepath.Join(dir, "work-carol")
		require.NoError(t, prepare(context.Background(), Submission{Student: "carol", Path: patch, Kind: KindPatch},
			grader, DefaultGraderFiles, work, &log))
		b, err := os.ReadFile(filepath.Join(work, "user/sleep.c"))
		require.NoError(t, err)
		assert.Equal(t, "int main(){ return 0; }\n", string(b))
		b, _ = os.ReadFile(filepath.Join(grader, "user/sleep.c"))
		assert.Equal(t, "int main(){}\n", string(b), "the grader tree is untouched")
	})
	t.Run("no Makefile is a bad submission", func(t *testing.T) {
		student := filepath.Join(dir, "dave")
		writeFiles(t, student, map[string]string{"notes.txt": "todo"})
		err := prepare(context.Background(), Submission{Student: "dave", Path: student, Kind: KindTree},
			grader, DefaultGraderFiles, filepath.Join(dir, "work-dave"), &log)
		assert.True(t, isBad(err))
		assert.ErrorContains(t, err, "no Makefile")
	})
}
