package class

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Kind is the form of a submission in the folder.
type Kind string

const (
	KindTree    Kind = "tree"    // a directory holding the student's lab tree
	KindTarball Kind = "tarball" // .tar, .tar.gz, .tgz, .tar.bz2
	KindZip     Kind = "zip"     // .zip (what the course's `make zipball` writes)
	KindPatch   Kind = "patch"   // .patch, .diff: applied to the grader tree
	KindUnknown Kind = "unknown"
)

// Submission is one student's entry in the submissions folder.
type Submission struct {
	Student string // the entry's name without its extension
	Path    string
	Kind    Kind
}

// Name is the entry's name in the folder.
func (s Submission) Name() string { return filepath.Base(s.Path) }

var kindBySuffix = []struct {
	suffix string
	kind   Kind
}{
	{".tar.gz", KindTarball}, {".tgz", KindTarball}, {".tar.bz2", KindTarball}, {".tar", KindTarball},
	{".zip", KindZip}, {".patch", KindPatch}, {".diff", KindPatch},
}

// Discover lists the submissions in dir, one per entry (hidden entries
// left out), in student order. Two entries naming one student are an
// error.
func Discover(dir string) ([]Submission, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var subs []Submission
	byStudent := map[string]string{}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		s := Submission{Student: name, Path: filepath.Join(dir, name), Kind: KindUnknown}
		info, err := os.Stat(s.Path) // follows a link to a tree
		switch {
		case err != nil:
		case info.IsDir():
			s.Kind = KindTree
		default:
			s.Student = strings.TrimSuffix(name, filepath.Ext(name))
			for _, k := range kindBySuffix {
				if strings.HasSuffix(strings.ToLower(name), k.suffix) {
					s.Kind, s.Student = k.kind, name[:len(name)-len(k.suffix)]
					break
				}
			}
		}
		if other, dup := byStudent[s.Student]; dup {
			return nil, fmt.Errorf("%s and %s are both %s's: keep one", other, name, s.Student)
		}
		byStudent[s.Student] = name
		subs = append(subs, s)
	}
	sort.Slice(subs, func(i, j int) bool { return subs[i].Student < subs[j].Student })
	return subs, nil
}

// errBadSubmission marks a failure that is the submission's, not ours.
type errBadSubmission struct{ why string }

func (e errBadSubmission) Error() string { return e.why }

func badf(format string, args ...any) error {
	return errBadSubmission{fmt.Sprintf(format, args...)}
}

// treeLimits bound what a submission may unpack to.
var treeLimits = unpackLimits{Bytes: 1 << 30, Files: 50000}

// prepare makes the submission's lab tree in work (which must not exist):
// the student's tree (a tarball or zip unpacked, a patch applied to a copy
// of the grader tree), with the grader's files laid over it. Notes about
// what was left out go to log.
func prepare(ctx context.Context, s Submission, grader string, graderFiles []string, work string, log io.Writer) error {
	switch s.Kind {
	case KindTree:
		if err := copyTree(s.Path, work, treeLimits, log); err != nil {
			return err
		}
	case KindTarball:
		if err := unpackTar(s.Path, work, treeLimits, log); err != nil {
			return err
		}
	case KindZip:
		if err := unpackZip(s.Path, work, treeLimits, log); err != nil {
			return err
		}
	case KindPatch:
		if err := copyTree(grader, work, unpackLimits{}, log); err != nil {
			return fmt.Errorf("copying the grader tree: %w", err)
		}
		if err := applyPatch(ctx, s.Path, work, log); err != nil {
			return err
		}
	default:
		return badf("%s is not a lab tree, a tarball (.tar, .tar.gz, .tgz, .tar.bz2), a .zip or a patch (.patch, .diff)", s.Name())
	}
	root, err := treeRoot(work)
	if err != nil {
		return err
	}
	if root != work {
		// The tree sits one directory down (xv6-labs-2024/...): lift it.
		if err := liftTree(root, work); err != nil {
			return err
		}
	}
	return overlay(grader, work, graderFiles, log)
}

// treeRoot finds the lab tree in dir: dir itself when it has a Makefile,
// else its only subdirectory that has one.
func treeRoot(dir string) (string, error) {
	if _, err := os.Stat(filepath.Join(dir, "Makefile")); err == nil {
		return dir, nil
	}
	entries, _ := os.ReadDir(dir)
	var dirs []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") && e.Name() != "__MACOSX" {
			dirs = append(dirs, e.Name())
		}
	}
	if len(dirs) == 1 {
		if _, err := os.Stat(filepath.Join(dir, dirs[0], "Makefile")); err == nil {
			return filepath.Join(dir, dirs[0]), nil
		}
	}
	return "", badf("no Makefile at the top of the submission (nor in its only directory): not an xv6 lab tree")
}

func liftTree(root, work string) error {
	tmp := work + ".lift"
	if err := os.Rename(root, tmp); err != nil {
		return err
	}
	if err := os.RemoveAll(work); err != nil {
		return err
	}
	return os.Rename(tmp, work)
}

// overlay copies the grader's files (globs relative to the grader tree)
// over the student's, so each student is graded by the same script.
func overlay(grader, work string, globs []string, log io.Writer) error {
	for _, g := range globs {
		matches, err := filepath.Glob(filepath.Join(grader, g))
		if err != nil {
			return fmt.Errorf("--grader-files %q: %w", g, err)
		}
		for _, m := range matches {
			rel, _ := filepath.Rel(grader, m)
			info, err := os.Stat(m)
			if err != nil || !info.Mode().IsRegular() {
				continue
			}
			dst := filepath.Join(work, rel)
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			os.Remove(dst) // a student's symlink or read-only file in the way
			if err := copyFile(m, dst, info.Mode().Perm()); err != nil {
				return err
			}
		}
	}
	return nil
}

// applyPatch applies a student's patch (git diff / diff -u, paths a/ b/)
// to the grader tree's copy in work.
func applyPatch(ctx context.Context, patch, work string, log io.Writer) error {
	abs, err := filepath.Abs(patch)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", "apply", "--whitespace=nowarn", abs)
	cmd.Dir = work
	// Outside any repository (none is looked for above work), git apply
	// patches the files in place, and refuses paths that leave the tree.
	cmd.Env = append(os.Environ(), "GIT_CEILING_DIRECTORIES="+filepath.Dir(work))
	out, err := cmd.CombinedOutput()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return badf("the patch does not apply to the grader tree: %s", firstLine(string(out)))
		}
		return fmt.Errorf("git apply: %w", err)
	}
	return nil
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(l)
}

// copyTree copies the lab tree src into dst: directories and regular
// files (.git left out), and symbolic links only when relative and inside
// the tree. Limits apply unless zero.
func copyTree(src, dst string, l unpackLimits, log io.Writer) error {
	src, err := filepath.EvalSymlinks(src) // the folder may link to the tree
	if err != nil {
		return err
	}
	u := newUnpacker(dst, l, log)
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if rel == "." {
			return os.MkdirAll(dst, 0o755)
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return u.dir(rel)
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(path)
			if err != nil {
				return err
			}
			return u.symlink(rel, target)
		case info.Mode().IsRegular():
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			return u.file(rel, info.Mode().Perm(), f)
		default:
			u.skip(rel, "not a regular file")
			return nil
		}
	})
}

func copyFile(src, dst string, perm fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
