// File system calls: argument checking, then file.c / fs.c do the work.
#include "defs.h"
#include "stat.h"
#include "fcntl.h"

// Install f in the current process's descriptor table.
int fdalloc(struct file *f) {
  struct proc *p = myproc();
  for (int fd = 0; fd < NOFILE; fd++) {
    if (p->ofile[fd] == 0) {
      p->ofile[fd] = f;
      return fd;
    }
  }
  return -1;
}

// The open file for descriptor argument n, or 0.
static struct file *argfile(int n, int *pfd) {
  int fd;
  argint(n, &fd);
  if (fd < 0 || fd >= NOFILE)
    return 0;
  if (pfd)
    *pfd = fd;
  return myproc()->ofile[fd];
}

uint64 sys_dup(void) {
  struct file *f = argfile(0, 0);
  int fd;
  if (f == 0 || (fd = fdalloc(f)) < 0)
    return -1;
  filedup(f);
  return fd;
}

uint64 sys_read(void) {
  struct file *f = argfile(0, 0);
  uint64 addr;
  int n;
  argaddr(1, &addr);
  argint(2, &n);
  if (f == 0 || n < 0)
    return -1;
  return fileread(f, addr, n);
}

uint64 sys_write(void) {
  struct file *f = argfile(0, 0);
  uint64 addr;
  int n;
  argaddr(1, &addr);
  argint(2, &n);
  if (f == 0 || n < 0)
    return -1;
  return filewrite(f, addr, n);
}

uint64 sys_close(void) {
  int fd;
  struct file *f = argfile(0, &fd);
  if (f == 0)
    return -1;
  myproc()->ofile[fd] = 0;
  fileclose(f);
  return 0;
}

uint64 sys_fstat(void) {
  struct file *f = argfile(0, 0);
  uint64 addr;
  argaddr(1, &addr);
  if (f == 0)
    return -1;
  return filestat(f, addr);
}

// link(old, new): a second name for a file.
uint64 sys_link(void) {
  char old[MAXPATH], new[MAXPATH], name[DIRSIZ];
  if (argstr(0, old, MAXPATH) < 0 || argstr(1, new, MAXPATH) < 0)
    return -1;
  struct inode *ip = namei(old);
  if (ip == 0)
    return -1;
  ilock(ip);
  if (ip->type == T_DIR) {
    iunlockput(ip);
    return -1;
  }
  ip->nlink++;
  iupdate(ip);
  iunlock(ip);

  struct inode *dp = nameiparent(new, name);
  if (dp) {
    ilock(dp);
    if (dp->dev == ip->dev && dirlink(dp, name, ip->inum) == 0) {
      iunlockput(dp);
      iput(ip);
      return 0;
    }
    iunlockput(dp);
  }
  ilock(ip);
  ip->nlink--;
  iupdate(ip);
  iunlockput(ip);
  return -1;
}

// Does directory dp hold anything besides "." and ".."?
static int dir_is_empty(struct inode *dp) {
  struct dirent de;
  for (uint off = 2 * sizeof(de); off < dp->size; off += sizeof(de)) {
    if (readi(dp, 0, (uint64)&de, off, sizeof(de)) != sizeof(de))
      panic("dir_is_empty");
    if (de.inum != 0)
      return 0;
  }
  return 1;
}

uint64 sys_unlink(void) {
  char path[MAXPATH], name[DIRSIZ];
  if (argstr(0, path, MAXPATH) < 0)
    return -1;
  struct inode *dp = nameiparent(path, name);
  if (dp == 0)
    return -1;
  ilock(dp);
  uint off;
  struct inode *ip = 0;
  if (namecmp(name, ".") == 0 || namecmp(name, "..") == 0 ||
      (ip = dirlookup(dp, name, &off)) == 0) {
    iunlockput(dp);
    return -1;
  }
  ilock(ip);
  if (ip->nlink < 1)
    panic("unlink: nlink < 1");
  if (ip->type == T_DIR && !dir_is_empty(ip)) {
    iunlockput(ip);
    iunlockput(dp);
    return -1;
  }
  struct dirent de;
  memset(&de, 0, sizeof(de));
  if (writei(dp, 0, (uint64)&de, off, sizeof(de)) != sizeof(de))
    panic("unlink: writei");
  if (ip->type == T_DIR) {
    dp->nlink--;  // the child's ".." no longer points here
    iupdate(dp);
  }
  iunlockput(dp);
  ip->nlink--;
  iupdate(ip);
  iunlockput(ip);
  return 0;
}

// Make a new inode at path; returns it locked. An existing regular file or
// device is returned (locked) when opening with O_CREATE.
static struct inode *create(char *path, short type, short major, short minor) {
  char name[DIRSIZ];
  struct inode *dp = nameiparent(path, name);
  if (dp == 0)
    return 0;
  ilock(dp);
  struct inode *ip = dirlookup(dp, name, 0);
  if (ip) {
    iunlockput(dp);
    ilock(ip);
    if (type == T_FILE && (ip->type == T_FILE || ip->type == T_DEVICE))
      return ip;
    iunlockput(ip);
    return 0;
  }
  if ((ip = ialloc(dp->dev, type)) == 0) {
    iunlockput(dp);
    return 0;
  }
  ilock(ip);
  ip->major = major;
  ip->minor = minor;
  ip->nlink = 1;
  iupdate(ip);
  if (type == T_DIR) {
    if (dirlink(ip, ".", ip->inum) < 0 || dirlink(ip, "..", dp->inum) < 0)
      goto fail;
  }
  if (dirlink(dp, name, ip->inum) < 0)
    goto fail;
  if (type == T_DIR) {
    dp->nlink++;  // for the new ".."
    iupdate(dp);
  }
  iunlockput(dp);
  return ip;
fail:
  ip->nlink = 0;  // iput frees it
  iupdate(ip);
  iunlockput(ip);
  iunlockput(dp);
  return 0;
}

uint64 sys_open(void) {
  char path[MAXPATH];
  int omode;
  argint(1, &omode);
  if (argstr(0, path, MAXPATH) < 0)
    return -1;
  struct inode *ip;
  if (omode & O_CREATE) {
    if ((ip = create(path, T_FILE, 0, 0)) == 0)
      return -1;
  } else {
    if ((ip = namei(path)) == 0)
      return -1;
    ilock(ip);
    if (ip->type == T_DIR && omode != O_RDONLY) {
      iunlockput(ip);
      return -1;
    }
  }
  if (ip->type == T_DEVICE && ip->major >= NDEV) {
    iunlockput(ip);
    return -1;
  }
  struct file *f = filealloc();
  int fd;
  if (f == 0 || (fd = fdalloc(f)) < 0) {
    if (f)
      fileclose(f);
    iunlockput(ip);
    return -1;
  }
  if (ip->type == T_DEVICE) {
    f->type = FD_DEVICE;
    f->major = ip->major;
  } else {
    f->type = FD_INODE;
    f->off = 0;
  }
  f->ip = ip;
  f->readable = !(omode & O_WRONLY);
  f->writable = (omode & O_WRONLY) || (omode & O_RDWR);
  if ((omode & O_TRUNC) && ip->type == T_FILE)
    itrunc(ip);
  iunlock(ip);
  return fd;
}

uint64 sys_mkdir(void) {
  char path[MAXPATH];
  struct inode *ip;
  if (argstr(0, path, MAXPATH) < 0 || (ip = create(path, T_DIR, 0, 0)) == 0)
    return -1;
  iunlockput(ip);
  return 0;
}

uint64 sys_mknod(void) {
  char path[MAXPATH];
  int major, minor;
  argint(1, &major);
  argint(2, &minor);
  struct inode *ip;
  if (argstr(0, path, MAXPATH) < 0 || (ip = create(path, T_DEVICE, major, minor)) == 0)
    return -1;
  iunlockput(ip);
  return 0;
}

uint64 sys_chdir(void) {
  char path[MAXPATH];
  struct proc *p = myproc();
  struct inode *ip;
  if (argstr(0, path, MAXPATH) < 0 || (ip = namei(path)) == 0)
    return -1;
  ilock(ip);
  if (ip->type != T_DIR) {
    iunlockput(ip);
    return -1;
  }
  iunlock(ip);
  iput(p->cwd);
  p->cwd = ip;
  return 0;
}

// exec(path, argv): argv is a user array of string pointers ending in 0.
uint64 sys_exec(void) {
  char path[MAXPATH];
  char *argv[MAXARG + 1];
  uint64 uargv;
  argaddr(1, &uargv);
  if (argstr(0, path, MAXPATH) < 0)
    return -1;
  int argc = 0, ret = -1;
  for (;; argc++) {
    uint64 uarg;
    if (argc == MAXARG || fetchaddr(uargv + 8 * argc, &uarg) < 0)
      goto out;
    if (uarg == 0)
      break;
    if ((argv[argc] = kalloc()) == 0)
      goto out;
    if (fetchstr(uarg, argv[argc], PGSIZE) < 0) {
      argc++;
      goto out;
    }
  }
  argv[argc] = 0;
  ret = exec(path, argv);
out:
  for (int i = 0; i < argc; i++)
    kfree(argv[i]);
  return ret;
}

uint64 sys_pipe(void) {
  uint64 fdarray;  // user int[2]
  argaddr(0, &fdarray);
  struct file *rf, *wf;
  if (pipealloc(&rf, &wf) < 0)
    return -1;
  struct proc *p = myproc();
  int fds[2] = {-1, -1};
  if ((fds[0] = fdalloc(rf)) < 0 || (fds[1] = fdalloc(wf)) < 0 ||
      copyout(p->pagetable, fdarray, (char *)fds, sizeof(fds)) < 0) {
    if (fds[0] >= 0)
      p->ofile[fds[0]] = 0;
    if (fds[1] >= 0)
      p->ofile[fds[1]] = 0;
    fileclose(rf);
    fileclose(wf);
    return -1;
  }
  return 0;
}
