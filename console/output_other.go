//go:build !linux && !darwin && !dragonfly && !freebsd && !netbsd && !openbsd

package console

// keepOutputProcessing: nothing to do. Raw mode on Windows changes only
// the console's input; its output still starts a new line at a newline.
func keepOutputProcessing(fd int) {}
