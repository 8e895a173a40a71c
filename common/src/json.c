/* json.c — build and print the JSON tree of report.json. Non-finite numbers print as null. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"

whpc_json *whpc_json_new(whpc_json_kind kind) {
  whpc_json *j = calloc(1, sizeof *j);
  if (j) j->kind = kind;
  return j;
}

void whpc_json_free(whpc_json *j) {
  while (j) {
    whpc_json *next = j->next;
    whpc_json_free(j->first);
    free(j->key);
    free(j->string);
    free(j);
    j = next;
  }
}

whpc_json *whpc_json_copy(const whpc_json *j) {
  whpc_json *c = whpc_json_new(j->kind);
  if (!c) return NULL;
  c->key = j->key ? strdup(j->key) : NULL;
  c->string = j->string ? strdup(j->string) : NULL;
  c->number = j->number;
  c->boolean = j->boolean;
  for (const whpc_json *k = j->first; k; k = k->next) {
    whpc_json *kc = whpc_json_copy(k);
    if (!kc) break;
    if (c->last) c->last->next = kc;
    else c->first = kc;
    c->last = kc;
  }
  return c;
}

static void clear_value(whpc_json *j, whpc_json_kind kind) {
  whpc_json_free(j->first);
  j->first = j->last = NULL;
  free(j->string);
  j->string = NULL;
  j->kind = kind;
}

whpc_json *whpc_json_add(whpc_json *obj, const char *key, whpc_json_kind kind) {
  whpc_json *c = whpc_json_new(kind);
  if (!c) return NULL;
  c->key = key ? strdup(key) : NULL;
  if (obj->last) obj->last->next = c;
  else obj->first = c;
  obj->last = c;
  return c;
}

whpc_json *whpc_json_append(whpc_json *arr, whpc_json_kind kind) { return whpc_json_add(arr, NULL, kind); }

whpc_json *whpc_json_path(whpc_json *obj, const char *path, whpc_json_kind leaf_kind) {
  char part[256];
  const char *p = path;
  while (obj) {
    const char *dot = strchr(p, '.');
    size_t n = dot ? (size_t)(dot - p) : strlen(p);
    if (n >= sizeof part) n = sizeof part - 1;
    memcpy(part, p, n);
    part[n] = '\0';
    whpc_json *c = obj->first;
    while (c && !(c->key && strcmp(c->key, part) == 0)) c = c->next;
    whpc_json_kind want = dot ? WHPC_JSON_OBJECT : leaf_kind;
    if (!c) c = whpc_json_add(obj, part, want);
    else if (c->kind != want) clear_value(c, want);
    if (!dot) return c;
    obj = c;
    p = dot + 1;
  }
  return NULL;
}

void whpc_json_set_number(whpc_json *obj, const char *path, double v) {
  whpc_json *j = whpc_json_path(obj, path, WHPC_JSON_NUMBER);
  if (j) j->number = v;
}

void whpc_json_set_string(whpc_json *obj, const char *path, const char *s) {
  whpc_json *j = whpc_json_path(obj, path, WHPC_JSON_STRING);
  if (!j) return;
  free(j->string);
  j->string = strdup(s ? s : "");
}

void whpc_json_set_bool(whpc_json *obj, const char *path, int b) {
  whpc_json *j = whpc_json_path(obj, path, WHPC_JSON_BOOL);
  if (j) j->boolean = b != 0;
}

void whpc_json_write_string(FILE *f, const char *s) {
  fputc('"', f);
  for (const unsigned char *c = (const unsigned char *)(s ? s : ""); *c; c++) {
    switch (*c) {
    case '"': fputs("\\\"", f); break;
    case '\\': fputs("\\\\", f); break;
    case '\n': fputs("\\n", f); break;
    case '\r': fputs("\\r", f); break;
    case '\t': fputs("\\t", f); break;
    default:
      if (*c < 0x20) fprintf(f, "\\u%04x", *c);
      else fputc(*c, f);
    }
  }
  fputc('"', f);
}

static void write_node(FILE *f, const whpc_json *j, int indent, int depth) {
  switch (j->kind) {
  case WHPC_JSON_NUMBER:
    if (isfinite(j->number)) fprintf(f, "%.17g", j->number);
    else fputs("null", f);
    return;
  case WHPC_JSON_STRING: whpc_json_write_string(f, j->string); return;
  case WHPC_JSON_BOOL: fputs(j->boolean ? "true" : "false", f); return;
  case WHPC_JSON_NULL: fputs("null", f); return;
  case WHPC_JSON_OBJECT:
  case WHPC_JSON_ARRAY: break;
  }
  const int obj = j->kind == WHPC_JSON_OBJECT;
  fputc(obj ? '{' : '[', f);
  if (!j->first) {
    fputc(obj ? '}' : ']', f);
    return;
  }
  for (const whpc_json *c = j->first; c; c = c->next) {
    fprintf(f, "\n%*s", indent * (depth + 1), "");
    if (obj) {
      whpc_json_write_string(f, c->key);
      fputs(": ", f);
    }
    write_node(f, c, indent, depth + 1);
    if (c->next) fputc(',', f);
  }
  fprintf(f, "\n%*s%c", indent * depth, "", obj ? '}' : ']');
}

void whpc_json_write(FILE *f, const whpc_json *j, int indent) { write_node(f, j, indent, 0); }
