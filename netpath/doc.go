// Package netpath holds only tests: the whole guest network path without a
// CPU. A Go "driver" programs the E1000 through the PCI host exactly as
// xv6 does, the NIC talks to usernet over plain frame functions, host
// sockets on 127.0.0.1 answer, and a pcap of the link is read by tshark.
package netpath
