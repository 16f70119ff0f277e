#include "user.h"

static char buf[512];

static int copy(int fd) {
  int n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) {
    if (write(1, buf, n) != n) {
      fprintf(2, "cat: write error\n");
      return 1;
    }
  }
  if (n < 0) {
    fprintf(2, "cat: read error\n");
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2)
    return copy(0);
  for (int i = 1; i < argc; i++) {
    int fd = open(argv[i], O_RDONLY);
    if (fd < 0) {
      fprintf(2, "cat: cannot open %s\n", argv[i]);
      return 1;
    }
    int bad = copy(fd);
    close(fd);
    if (bad)
      return 1;
  }
  return 0;
}
