package class

import (
	"archive/tar"
	"archive/zip"
	"compress/bzip2"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// A submission is the student's: unpacking it must not write outside its
// work tree nor fill the disk. Entries are placed by their cleaned relative
// names (absolute names and ".." refused), symbolic links kept only when
// relative and inside the tree, devices and the like left out, and the
// total size and file count bounded.

type unpackLimits struct {
	Bytes int64 // 0: no limit
	Files int
}

type unpacker struct {
	root    string
	l       unpackLimits
	log     io.Writer
	bytes   int64
	files   int
	skipped int
}

func newUnpacker(root string, l unpackLimits, log io.Writer) *unpacker {
	return &unpacker{root: root, l: l, log: log}
}

// place turns an entry's name into a path under root.
func (u *unpacker) place(name string) (string, error) {
	name = strings.ReplaceAll(name, "\\", "/")
	clean := path.Clean("/" + name)[1:]
	if clean == "" {
		return u.root, nil
	}
	if strings.HasPrefix(name, "/") || strings.Contains("/"+name+"/", "/../") {
		return "", badf("the submission names a path outside its tree: %q", name)
	}
	return filepath.Join(u.root, filepath.FromSlash(clean)), nil
}

func (u *unpacker) count() error {
	u.files++
	if u.l.Files > 0 && u.files > u.l.Files {
		return badf("the submission holds more than %d files", u.l.Files)
	}
	return nil
}

func (u *unpacker) dir(name string) error {
	p, err := u.place(name)
	if err != nil {
		return err
	}
	if err := u.count(); err != nil {
		return err
	}
	return os.MkdirAll(p, 0o755)
}

func (u *unpacker) file(name string, perm fs.FileMode, r io.Reader) error {
	p, err := u.place(name)
	if err != nil {
		return err
	}
	if err := u.count(); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	os.Remove(p) // a link of the same name must not be written through
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|os.O_EXCL, perm&0o755|0o600)
	if err != nil {
		return err
	}
	var src io.Reader = r
	if u.l.Bytes > 0 {
		src = io.LimitReader(r, u.l.Bytes-u.bytes+1)
	}
	n, err := io.Copy(f, src)
	u.bytes += n
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if u.l.Bytes > 0 && u.bytes > u.l.Bytes {
		return badf("the submission unpacks to more than %d MiB", u.l.Bytes>>20)
	}
	return nil
}

func (u *unpacker) symlink(name, target string) error {
	p, err := u.place(name)
	if err != nil {
		return err
	}
	t := filepath.ToSlash(target)
	inside := !strings.HasPrefix(t, "/") &&
		!strings.HasPrefix(path.Clean(path.Join(path.Dir(filepath.ToSlash(mustRel(u.root, p))), t)), "../")
	if !inside {
		u.skip(name, "a link to "+target+", outside the tree")
		return nil
	}
	if err := u.count(); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	os.Remove(p)
	return os.Symlink(target, p)
}

func (u *unpacker) skip(name, why string) {
	u.skipped++
	if u.skipped <= 20 && u.log != nil {
		fmt.Fprintf(u.log, "left out %s: %s\n", name, why)
	}
}

func mustRel(base, p string) string {
	r, err := filepath.Rel(base, p)
	if err != nil {
		return p
	}
	return r
}

// unpackTar unpacks a tar file, gzip- or bzip2-compressed or not.
func unpackTar(file, dst string, l unpackLimits, log io.Writer) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = f
	var magic [3]byte
	if _, err := io.ReadFull(f, magic[:]); err == nil {
		f.Seek(0, io.SeekStart)
		switch {
		case magic[0] == 0x1f && magic[1] == 0x8b:
			gz, err := gzip.NewReader(f)
			if err != nil {
				return badf("%s: not a gzip file: %v", filepath.Base(file), err)
			}
			defer gz.Close()
			r = gz
		case string(magic[:]) == "BZh":
			r = bzip2.NewReader(f)
		}
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	u := newUnpacker(dst, l, log)
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return badf("%s: a broken tar file: %v", filepath.Base(file), err)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			err = u.dir(h.Name)
		case tar.TypeReg:
			err = u.file(h.Name, fs.FileMode(h.Mode).Perm(), tr)
		case tar.TypeSymlink:
			err = u.symlink(h.Name, h.Linkname)
		case tar.TypeXGlobalHeader:
		default:
			u.skip(h.Name, "not a file, directory or link")
		}
		if err != nil {
			return err
		}
	}
}

// unpackZip unpacks a zip file.
func unpackZip(file, dst string, l unpackLimits, log io.Writer) error {
	z, err := zip.OpenReader(file)
	if err != nil {
		return badf("%s: not a zip file: %v", filepath.Base(file), err)
	}
	defer z.Close()
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	u := newUnpacker(dst, l, log)
	for _, zf := range z.File {
		mode := zf.Mode()
		switch {
		case mode.IsDir():
			err = u.dir(zf.Name)
		case mode&fs.ModeSymlink != 0:
			var target []byte
			rc, err2 := zf.Open()
			if err2 != nil {
				return badf("%s: %v", zf.Name, err2)
			}
			target, err = io.ReadAll(io.LimitReader(rc, 4096))
			rc.Close()
			if err == nil {
				err = u.symlink(zf.Name, string(target))
			}
		case mode.IsRegular():
			rc, err2 := zf.Open()
			if err2 != nil {
				return badf("%s: %v", zf.Name, err2)
			}
			err = u.file(zf.Name, mode.Perm(), rc)
			rc.Close()
		default:
			u.skip(zf.Name, "not a file, directory or link")
		}
		if err != nil {
			var bad errBadSubmission
			if errors.As(err, &bad) {
				return err
			}
			return badf("%s: %v", zf.Name, err)
		}
	}
	return nil
}
