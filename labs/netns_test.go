//go:build linux

package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLinkNames(t *testing.T) {
	for _, c := range []struct {
		name, out string
		want      []string
	}{
		{"loopback alone", "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN\\    link/loopback 00:00:00:00:00:00\n", []string{"lo"}},
		{"host namespace", "1: lo: <LOOPBACK,UP> mtu 65536\n2: eth0@if7: <BROADCAST,MULTICAST,UP> mtu 1500\n", []string{"lo", "eth0"}},
		{"nothing", "", nil},
	} {
		t.Run(c.name, func(t *testing.T) { assert.Equal(t, c.want, linkNames(c.out)) })
	}
}
