//go:build linux

// Command soak runs our xv6's nettests and stress many times in ONE rvemu
// process while a second host process sends UDP load to the guest through
// a hostfwd port on loopback, then reports failures, RSS at start and end,
// goroutines, and the frames sent, received and dropped. `make soak` runs
// it (not part of `make test`); SOAK_NETTESTS and SOAK_STRESS set the
// counts. It exits 1 when a check fails.
//
// Network safety: the lab server and the load are on 127.0.0.1; rvemu runs
// with its default loopback egress, so the guest's 8.8.8.8 DNS query is
// answered inside and nothing leaves the machine.
package main

import (
	"flag"
	"fmt"
	"net/netip"
	"os"
	"time"
)

type config struct {
	rvemu, xv6         string
	nettests, stress   int
	harts              int
	load               loadConfig
	out                string
	perRun, bootWithin time.Duration
}

func main() {
	var c config
	loadTo := flag.String("load-to", "", "internal: be the load process, sending to this 127.x.x.x:PORT")
	flag.StringVar(&c.rvemu, "rvemu", "bin/rvemu", "rvemu binary")
	flag.StringVar(&c.xv6, "xv6", "xv6", "our xv6 source tree (built here with the soak's ports)")
	flag.IntVar(&c.nettests, "nettests", 200, "nettests runs")
	flag.IntVar(&c.stress, "stress", 20, "stress runs")
	flag.IntVar(&c.harts, "smp", 3, "harts")
	flag.IntVar(&c.load.Count, "load-count", 200000, "datagrams the load process sends at most")
	flag.IntVar(&c.load.Burst, "load-burst", 40, "datagrams per burst (more than the 16-slot ring: the backlog fills)")
	flag.DurationVar(&c.load.Every, "load-every", 250*time.Millisecond, "time between bursts")
	flag.StringVar(&c.out, "out", "", "also write the report to `FILE`")
	flag.DurationVar(&c.perRun, "per-run", 60*time.Second, "longest one nettests or stress run may take")
	flag.Parse()
	c.bootWithin = 2 * time.Minute

	if *loadTo != "" {
		to, err := netip.ParseAddrPort(*loadTo)
		if err != nil {
			fmt.Fprintf(os.Stderr, "load: %v\n", err)
			os.Exit(2)
		}
		c.load.To = to
		os.Exit(runLoad(c.load))
	}
	if _, err := os.Stat(c.rvemu); err != nil {
		fmt.Fprintf(os.Stderr, "soak: %s not found: run `make build` first\n", c.rvemu)
		os.Exit(2)
	}
	r, err := soak(c)
	if err != nil {
		fmt.Fprintf(os.Stderr, "soak: %v\n", err)
		os.Exit(1)
	}
	text := r.render()
	fmt.Print(text)
	if c.out != "" {
		if err := os.WriteFile(c.out, []byte(text), 0o644); err != nil {
			fmt.Fprintf(os.Stderr, "soak: %v\n", err)
			os.Exit(1)
		}
	}
	if !r.passed() {
		os.Exit(1)
	}
}
