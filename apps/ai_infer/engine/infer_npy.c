/* infer_npy.c — bounded reader/writer for NumPy .npy (version 1-3, C order).
 * Reads <f4, <f8 (to float32), <i8, <i4 (to int64 or, with want_f32, to float32), |u1, <u2.
 * The header is at most 64 KiB and the data length must match the shape exactly. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "infer_internal.h"
#include "infer_npy.h"

static int parse_header(const char *h, const char *path, char *descr, size_t dl, int *ndim, int64_t *dim) {
  const char *d = strstr(h, "'descr'");
  INFER_CHECK(d, INFER_EINPUT, "%s: .npy header has no 'descr'", path);
  d = strchr(d + 7, '\'');
  INFER_CHECK(d, INFER_EINPUT, "%s: .npy header: malformed descr", path);
  const char *e = strchr(d + 1, '\'');
  INFER_CHECK(e && (size_t)(e - d - 1) < dl, INFER_EINPUT, "%s: .npy header: malformed descr", path);
  memcpy(descr, d + 1, (size_t)(e - d - 1));
  descr[e - d - 1] = 0;
  const char *fo = strstr(h, "'fortran_order'");
  INFER_CHECK(fo && strstr(fo, "False") && (size_t)(strstr(fo, "False") - fo) < 24, INFER_EUNSUPPORTED,
              "%s: Fortran-ordered .npy arrays are unsupported", path);
  const char *s = strstr(h, "'shape'");
  INFER_CHECK(s, INFER_EINPUT, "%s: .npy header has no 'shape'", path);
  s = strchr(s, '(');
  const char *se = s ? strchr(s, ')') : NULL;
  INFER_CHECK(s && se, INFER_EINPUT, "%s: .npy header: malformed shape", path);
  *ndim = 0;
  for (const char *q = s + 1; q < se;) {
    while (q < se && (isspace((unsigned char)*q) || *q == ',')) ++q;
    if (q >= se) break;
    INFER_CHECK(isdigit((unsigned char)*q), INFER_EINPUT, "%s: .npy header: malformed shape", path);
    INFER_CHECK(*ndim < INFER_MAXDIM, INFER_EUNSUPPORTED, "%s: more than %d dimensions", path, INFER_MAXDIM);
    char *end;
    errno = 0;
    long long v = strtoll(q, &end, 10);
    INFER_CHECK(!errno && v >= 0 && v < (1LL << 40), INFER_EINPUT, "%s: .npy dimension out of range", path);
    dim[(*ndim)++] = v;
    q = end;
  }
  int64_t numel = 1; /* bounded product: no overflow before the length check */
  for (int k = 0; k < *ndim; ++k) {
    INFER_CHECK(dim[k] == 0 || numel <= ((int64_t)1 << 40) / dim[k], INFER_EINPUT, "%s: .npy shape too large", path);
    numel *= dim[k];
  }
  return INFER_OK;
}

int infer_npy_read(const char *path, int want_f32, infer_tensor *t) {
  memset(t, 0, sizeof *t);
  FILE *f = fopen(path, "rb");
  INFER_CHECK(f, INFER_EIO, "%s: cannot open: %s", path, strerror(errno));
  struct stat st;
  unsigned char mg[12];
  char *hdr = NULL;
  void *raw = NULL;
  int rc = INFER_OK;
  if (fstat(fileno(f), &st) || fread(mg, 1, 10, f) != 10 || memcmp(mg, "\x93NUMPY", 6)) {
    rc = infer_raise(INFER_EINPUT, "%s: not a .npy file (bad magic or too short)", path);
    goto done;
  }
  size_t hl, pre = 10;
  if (mg[6] == 1) hl = mg[8] | (size_t)mg[9] << 8;
  else {
    if (fread(mg + 10, 1, 2, f) != 2) { rc = infer_raise(INFER_EINPUT, "%s: truncated .npy header", path); goto done; }
    hl = mg[8] | (size_t)mg[9] << 8 | (size_t)mg[10] << 16 | (size_t)mg[11] << 24;
    pre = 12;
  }
  if (hl > 65536 || pre + hl > (size_t)st.st_size) {
    rc = infer_raise(INFER_EINPUT, "%s: .npy header length %zu invalid for a %lld-byte file", path, hl,
                     (long long)st.st_size);
    goto done;
  }
  hdr = calloc(hl + 1, 1);
  if (!hdr || fread(hdr, 1, hl, f) != hl) { rc = infer_raise(INFER_EINPUT, "%s: truncated .npy header", path); goto done; }
  char descr[16];
  if ((rc = parse_header(hdr, path, descr, sizeof descr, &t->ndim, t->dim))) goto done;
  size_t esz;
  int kind; /* 0 f4, 1 f8, 2 i8, 3 i4, 4 u1, 5 u2 */
  if (!strcmp(descr, "<f4")) { kind = 0; esz = 4; }
  else if (!strcmp(descr, "<f8")) { kind = 1; esz = 8; }
  else if (!strcmp(descr, "<i8")) { kind = 2; esz = 8; }
  else if (!strcmp(descr, "<i4")) { kind = 3; esz = 4; }
  else if (!strcmp(descr, "|u1")) { kind = 4; esz = 1; }
  else if (!strcmp(descr, "<u2")) { kind = 5; esz = 2; }
  else { rc = infer_raise(INFER_EUNSUPPORTED, "%s: .npy dtype %s unsupported (<f4 <f8 <i8 <i4 |u1 <u2)", path, descr); goto done; }
  int64_t numel = infer_tensor_numel(t);
  size_t have = (size_t)st.st_size - pre - hl;
  if (numel < 0 || (size_t)numel > have / esz || (size_t)numel * esz != have) {
    rc = infer_raise(INFER_EINPUT, "%s: shape needs %lld bytes of %s data, file has %zu", path,
                     (long long)(numel * (int64_t)esz), descr, have);
    goto done;
  }
  raw = malloc(have + 1);
  if (!raw || fread(raw, 1, have, f) != have) { rc = infer_raise(INFER_EIO, "%s: short read", path); goto done; }
  int to_f32 = want_f32 || kind == 0 || kind == 1 || kind == 4 || kind == 5;
  t->dtype = to_f32 ? INFER_F32 : INFER_I64;
  t->data = malloc((size_t)numel * (to_f32 ? 4 : 8) + 1);
  if (!t->data) { rc = infer_raise(INFER_EMEM, "%s: out of memory", path); goto done; }
  for (int64_t q = 0; q < numel; ++q) {
    const unsigned char *b = (const unsigned char *)raw + q * (int64_t)esz;
    double v;
    int64_t iv = 0;
    switch (kind) {
    case 0: { float x; memcpy(&x, b, 4); v = x; break; }
    case 1: memcpy(&v, b, 8); break;
    case 2: memcpy(&iv, b, 8); v = (double)iv; break;
    case 3: { int32_t x; memcpy(&x, b, 4); iv = x; v = x; break; }
    case 4: v = b[0]; break;
    default: { uint16_t x; memcpy(&x, b, 2); v = x; break; }
    }
    if (to_f32) ((float *)t->data)[q] = (float)v;
    else ((int64_t *)t->data)[q] = iv;
  }
done:
  free(hdr);
  free(raw);
  fclose(f);
  if (rc) { free(t->data); t->data = NULL; }
  return rc;
}

int infer_npy_write(const char *path, const infer_tensor *t) {
  char hdr[256], shp[160] = "";
  size_t l = 0;
  for (int k = 0; k < t->ndim; ++k)
    l += (size_t)snprintf(shp + l, sizeof shp - l, "%lld,%s", (long long)t->dim[k], t->ndim > 1 && k < t->ndim - 1 ? " " : "");
  int n = snprintf(hdr, sizeof hdr, "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }",
                   t->dtype == INFER_F32 ? "<f4" : "<i8", shp);
  int total = ((10 + n + 1 + 63) / 64) * 64;
  FILE *f = fopen(path, "wb");
  INFER_CHECK(f, INFER_EIO, "%s: cannot create: %s", path, strerror(errno));
  unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)((total - 10) & 255),
                           (unsigned char)((total - 10) >> 8)};
  fwrite(pre, 1, 10, f);
  fwrite(hdr, 1, (size_t)n, f);
  for (int k = 10 + n; k < total - 1; ++k) fputc(' ', f);
  fputc('\n', f);
  size_t nb = (size_t)infer_tensor_numel(t) * (t->dtype == INFER_F32 ? 4 : 8);
  size_t w = fwrite(t->data, 1, nb, f);
  int bad = fclose(f) != 0 || w != nb;
  INFER_CHECK(!bad, INFER_EIO, "%s: write failed", path);
  return INFER_OK;
}
