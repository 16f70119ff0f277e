package grade

import "fmt"

// Ports are the host UDP ports a lab uses. The lab Makefiles derive them
// from the user id so that students sharing a machine do not collide:
// server uid%5000+25099, forwards uid%5000+25999 (-> guest 2000) and, from
// 2024, uid%5000+30999 (-> guest 2001).
type Ports struct {
	Server  uint16
	Forward []uint16
}

// PortsForUID computes the lab's ports for a user id.
func PortsForUID(uid int) Ports {
	base := uid % 5000
	return Ports{
		Server:  uint16(base + 25099),
		Forward: []uint16{uint16(base + 25999), uint16(base + 30999)},
	}
}

func (p Ports) String() string {
	return fmt.Sprintf("server %d, forwards %v", p.Server, p.Forward)
}
