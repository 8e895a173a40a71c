/* t330: files made by whpc_file_open/commit follow the umask in force when they are created,
 * not one cached at start-up (output.c reads it from /proc/self/status instead of the racy
 * umask(0)/umask(mask); the race itself, a window of two system calls, is not testable). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "whpc.h"

static int failures = 0;
static mode_t mode_of_new_file(const char *path) {
  whpc_file wf;
  struct stat st;
  if (whpc_file_open(&wf, path) != WHPC_OK) {
    fprintf(stderr, "FAIL: whpc_file_open %s: %s\n", path, whpc_err_message());
    failures++;
    return 0;
  }
  fputs("x\n", wf.fp);
  if (whpc_file_commit(&wf) != WHPC_OK || stat(path, &st) != 0) {
    fprintf(stderr, "FAIL: commit %s\n", path);
    failures++;
    return 0;
  }
  return st.st_mode & 0777;
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "t330-out";
  char p[4096];
  mkdir(dir, 0755);
  static const mode_t masks[] = {027, 002, 077, 022};
  for (int m = 0; m < 4; m++) {
    umask(masks[m]);
    snprintf(p, sizeof p, "%s/file.%d", dir, m);
    unlink(p);
    mode_t got = mode_of_new_file(p), want = 0666 & ~masks[m];
    if (got != want) {
      fprintf(stderr, "FAIL: umask %03o: %s has mode %03o, expected %03o\n", (unsigned)masks[m], p, (unsigned)got,
              (unsigned)want);
      failures++;
    }
  }
  printf("%s\n", failures ? "FAILED" : "ok: modes follow the umask in force at creation");
  return failures ? 1 : 0;
}
