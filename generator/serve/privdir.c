/* privdir: where klar serve's private folder goes. An update puts every
 * changed page in place by rename(2), and on ext4 a file renamed over
 * another is written to disk at once (auto_da_alloc): a layout edit of the
 * 10,000-page benchmark site, 10,063 such renames, took 6.9 s on this
 * machine's disk (/tmp) against well under 2 s in memory, and its time grew
 * edit after edit as the disk fell behind. So the folder goes to a file
 * system in memory (tmpfs) when one is at hand: the user's runtime folder,
 * then /dev/shm; else the usual temporary folder. */
#include "serve_int.h"
#include <linux/magic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

/* True when dir is a folder this process may make files in. */
static bool usable(const char *dir) {
  struct stat st;
  return dir && *dir && stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && access(dir, W_OK | X_OK) == 0;
}

static bool in_memory(const char *dir) {
  struct statfs fs;
  return statfs(dir, &fs) == 0 && (fs.f_type == TMPFS_MAGIC || fs.f_type == RAMFS_MAGIC);
}

const char *serve_pick_base(const char *const *dirs, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (usable(dirs[i]) && in_memory(dirs[i])) return dirs[i];
  for (size_t i = 0; i < n; i++)
    if (usable(dirs[i])) return dirs[i];
  return NULL;
}

const char *serve_private_base(void) {
  const char *dirs[] = {getenv("XDG_RUNTIME_DIR"), "/dev/shm", getenv("TMPDIR"), "/tmp"};
  const char *base = serve_pick_base(dirs, sizeof dirs / sizeof *dirs);
  return base ? base : "/tmp";
}
