// Command mkfs builds an rvfs file system image (see xv6/kernel/fs.h) whose
// root directory holds the given files, each under its base name.
//
//	mkfs -o fs.img [-blocks N] [-inodes N] file...
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	out := flag.String("o", "fs.img", "image file to write")
	blocks := flag.Uint("blocks", 4096, "image size in 1 KiB blocks")
	inodes := flag.Uint("inodes", 200, "number of inodes")
	flag.Parse()
	if err := build(*out, uint32(*blocks), uint32(*inodes), flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "mkfs:", err)
		os.Exit(1)
	}
}

func build(out string, blocks, inodes uint32, files []string) error {
	img, err := newImage(blocks, inodes)
	if err != nil {
		return err
	}
	for _, f := range files {
		content, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		if err := img.addFile(filepath.Base(f), content); err != nil {
			return err
		}
	}
	return os.WriteFile(out, img.finish(), 0o644)
}
