// ls [path...]: one line per entry: name, type, inode number, size.
#include "user.h"
#include "fs.h"

static void show(const char *name, struct stat *st) {
  printf("%s %d %d %d\n", name, st->type, st->ino, (int)st->size);
}

static void list(const char *path) {
  int fd = open(path, O_RDONLY);
  struct stat st;
  if (fd < 0) {
    fprintf(2, "ls: cannot open %s\n", path);
    return;
  }
  if (fstat(fd, &st) < 0) {
    fprintf(2, "ls: cannot stat %s\n", path);
    close(fd);
    return;
  }
  if (st.type != T_DIR) {
    show(path, &st);
    close(fd);
    return;
  }
  char full[128];
  struct dirent de;
  while (read(fd, &de, sizeof(de)) == sizeof(de)) {
    if (de.inum == 0)
      continue;
    if (strlen(path) + 1 + DIRSIZ + 1 > sizeof(full)) {
      fprintf(2, "ls: path too long\n");
      break;
    }
    strcpy(full, path);
    char *p = full + strlen(full);
    *p++ = '/';
    memmove(p, de.name, DIRSIZ);
    p[DIRSIZ] = 0;
    if (stat(full, &st) < 0) {
      fprintf(2, "ls: cannot stat %s\n", full);
      continue;
    }
    show(de.name, &st);
  }
  close(fd);
}

int main(int argc, char **argv) {
  if (argc < 2)
    list(".");
  for (int i = 1; i < argc; i++)
    list(argv[i]);
  return 0;
}
