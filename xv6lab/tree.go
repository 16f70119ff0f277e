package xv6lab

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// Tree is one xv6 lab checkout as `make grade` sees it.
type Tree struct {
	Dir  string `json:"-"`    // local path: never printed in the table
	Name string `json:"tree"` // public name: "owner/repo@commit" (LABSOURCE or git), else the directory's name
	Lab  string `json:"lab"`  // LAB from conf/lab.mk (util, cow, ...)
	Role string `json:"role,omitempty"`
	// MakeArgs are added to `make grade`: the 2019-2021 trees need gcc 12
	// told not to stop at user/sh.c's runcmd (-Werror=infinite-recursion),
	// their sources unchanged.
	MakeArgs []string `json:"make_args,omitempty"`
}

// SourceFile names a tree fetched from a public repository: its first line
// is "github:OWNER/REPO COMMIT", an optional line "role: starter|solution"
// says what the tree is, and a line "+ WHAT: why" names a change made to
// the sources (the name then ends in "+ WHAT"). The fetch script writes it
// beside the sources.
const SourceFile = "LABSOURCE"

// OldCompilerArgs build a tree whose user/sh.c predates the course's fix
// for gcc 12's infinite-recursion error (no noreturn on runcmd).
var OldCompilerArgs = []string{"CC=riscv64-unknown-elf-gcc -Wno-infinite-recursion", "TOOLPREFIX=riscv64-unknown-elf-"}

// FindTrees expands each argument: a lab tree itself (it has a
// grade-lab-* script), or a directory whose subdirectories are lab trees.
func FindTrees(args []string) ([]Tree, error) {
	var trees []Tree
	for _, a := range args {
		if IsTree(a) {
			t, err := DescribeTree(a)
			if err != nil {
				return nil, err
			}
			trees = append(trees, t)
			continue
		}
		entries, err := os.ReadDir(a)
		if err != nil {
			return nil, fmt.Errorf("%s: not an xv6 lab tree (no grade-lab-* script) nor a directory of them", a)
		}
		n := 0
		for _, e := range entries {
			sub := filepath.Join(a, e.Name())
			if e.IsDir() && IsTree(sub) {
				t, err := DescribeTree(sub)
				if err != nil {
					return nil, err
				}
				trees = append(trees, t)
				n++
			}
		}
		SortByLab(trees[len(trees)-n:])
		if n == 0 {
			return nil, fmt.Errorf("%s: not an xv6 lab tree (no grade-lab-* script) nor a directory of them", a)
		}
	}
	return trees, nil
}

func IsTree(dir string) bool {
	m, _ := filepath.Glob(filepath.Join(dir, "grade-lab-*"))
	_, err := os.Stat(filepath.Join(dir, "Makefile"))
	return len(m) > 0 && err == nil
}

func DescribeTree(dir string) (Tree, error) {
	t := Tree{Dir: dir}
	t.Lab = LabOf(dir)
	if t.Lab == "" {
		return t, fmt.Errorf("%s: no LAB= in conf/lab.mk and no single grade-lab-* script", dir)
	}
	t.Name, t.Role = sourceOf(dir)
	if needsOldCompilerArgs(dir) {
		t.MakeArgs = OldCompilerArgs
	}
	return t, nil
}

// LabOf reads LAB from conf/lab.mk, else the only grade-lab-* script.
func LabOf(dir string) string {
	if b, err := os.ReadFile(filepath.Join(dir, "conf", "lab.mk")); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			k, v, ok := strings.Cut(sc.Text(), "=")
			if ok && strings.TrimSpace(k) == "LAB" {
				return strings.TrimSpace(v)
			}
		}
	}
	m, _ := filepath.Glob(filepath.Join(dir, "grade-lab-*"))
	if len(m) == 1 {
		return strings.TrimPrefix(filepath.Base(m[0]), "grade-lab-")
	}
	return ""
}

// sourceOf names the tree publicly: LABSOURCE, else the git remote and
// commit, else the directory's own name (never the path leading to it).
func sourceOf(dir string) (name, role string) {
	if b, err := os.ReadFile(filepath.Join(dir, SourceFile)); err == nil {
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		f := strings.Fields(lines[0])
		if len(f) >= 2 {
			name = strings.TrimPrefix(f[0], "github:") + "@" + shortCommit(f[1])
		}
		for _, l := range lines[1:] {
			if r, ok := strings.CutPrefix(l, "role:"); ok {
				role = strings.TrimSpace(r)
			}
			if p, ok := strings.CutPrefix(l, "+ "); ok && name != "" {
				what, _, _ := strings.Cut(p, ":")
				name += " + " + strings.TrimSpace(what)
			}
		}
		if name != "" {
			return name, role
		}
	}
	if out, err := exec.Command("git", "-C", dir, "rev-parse", "HEAD").Output(); err == nil {
		remote, _ := exec.Command("git", "-C", dir, "remote", "get-url", "origin").Output()
		r := strings.TrimSuffix(strings.TrimSpace(string(remote)), ".git")
		if i := strings.Index(r, "github.com"); i >= 0 {
			r = strings.Trim(r[i+len("github.com"):], ":/")
		}
		if r == "" || strings.Contains(r, "/work/") || strings.HasPrefix(r, "/") {
			r = filepath.Base(dir)
		}
		return r + "@" + shortCommit(strings.TrimSpace(string(out))), ""
	}
	return filepath.Base(dir), ""
}

func shortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}

// needsOldCompilerArgs: the tree's shell has runcmd without noreturn.
func needsOldCompilerArgs(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, "user", "sh.c"))
	return err == nil && !bytes.Contains(b, []byte("noreturn"))
}

// SortByLab puts a directory's lab trees in course order.
func SortByLab(ts []Tree) {
	sort.SliceStable(ts, func(i, j int) bool { return LabOrder(ts[i].Lab) < LabOrder(ts[j].Lab) })
}

var CourseOrder = []string{"util", "syscall", "pgtbl", "traps", "lazy", "cow", "thread", "net", "lock", "fs", "mmap"}

func LabOrder(lab string) int {
	for i, l := range CourseOrder {
		if l == lab {
			return i
		}
	}
	return len(CourseOrder)
}
