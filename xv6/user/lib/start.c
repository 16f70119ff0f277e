// Program entry: exec() puts argc in a0 and argv in a1.
#include "user.h"

int main(int argc, char **argv);

__attribute__((section(".text.start"))) void _start(int argc, char **argv) {
  exit(main(argc, argv));
}
