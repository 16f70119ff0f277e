package main

import (
	"github.com/urfave/cli/v2"

	"github.com/rvemu/rvemu/gdbstub"
	"github.com/rvemu/rvemu/machine"
)

// gdbFlags are boot's debugger flags (QEMU: -gdb tcp::PORT, -s, -S).
var gdbFlags = []cli.Flag{
	&cli.StringFlag{Name: "gdb", Usage: "serve the GDB remote protocol on `[HOST]:PORT` (host defaults to 127.0.0.1)"},
	&cli.BoolFlag{Name: "gdb-wait", Usage: "start with the harts halted until gdb continues them (needs --gdb)"},
}

// gdbConfig copies the debugger flags into cfg.
func gdbConfig(c *cli.Context, cfg *machine.Config) error {
	cfg.GDBWait = c.Bool("gdb-wait")
	addr := c.String("gdb")
	if addr == "" {
		if cfg.GDBWait {
			return usageError("--gdb-wait needs --gdb [HOST]:PORT")
		}
		return nil
	}
	if _, err := gdbstub.ListenAddress(addr); err != nil {
		return usageError("--gdb: %v", err)
	}
	cfg.GDBListen = addr
	return nil
}
