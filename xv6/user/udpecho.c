// udpecho: send every datagram back to where it came from, for the UDP
// round-trip benchmark (`make bench`).
//
//   udpecho [GUESTPORT [HOSTPORT]]
//
// Our sockets are bound by connect() to one (remote address, local port,
// remote port) triple, so the host client must send from a known port:
// HOSTPORT on the host (10.0.2.2 as the guest sees it) to GUESTPORT here,
// which the emulator forwards from a host port (hostfwd). Defaults: guest
// port 2000 (the lab's forwarded port) and host port 25500.
// Prints "udpecho: ready" once the socket exists, then echoes until killed.
#include "user.h"

#define HOST_IP ((10u << 24) | (0 << 16) | (2 << 8) | 2)  // 10.0.2.2

int
main(int argc, char *argv[])
{
  int guest_port = argc > 1 ? atoi(argv[1]) : 2000;
  int host_port = argc > 2 ? atoi(argv[2]) : 25500;
  if(argc > 3 || guest_port <= 0 || guest_port > 65535 || host_port <= 0 || host_port > 65535) {
    fprintf(2, "usage: udpecho [GUESTPORT [HOSTPORT]]\n");
    exit(1);
  }
  int fd = connect(HOST_IP, guest_port, host_port);
  if(fd < 0) {
    fprintf(2, "udpecho: connect() failed\n");
    exit(1);
  }
  printf("udpecho: ready on port %d for 10.0.2.2:%d\n", guest_port, host_port);

  static char buf[2048];
  for(;;) {
    int n = read(fd, buf, sizeof(buf));
    if(n < 0) {
      fprintf(2, "udpecho: recv() failed\n");
      exit(1);
    }
    if(write(fd, buf, n) != n) {
      fprintf(2, "udpecho: send() failed\n");
      exit(1);
    }
  }
}
