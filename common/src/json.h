/* json.h — a small JSON tree for report.json (internal to libwhpc, not installed). */
#ifndef WHPC_JSON_H
#define WHPC_JSON_H
#include <stdio.h>

typedef enum { WHPC_JSON_OBJECT, WHPC_JSON_ARRAY, WHPC_JSON_NUMBER, WHPC_JSON_STRING, WHPC_JSON_BOOL,
               WHPC_JSON_NULL } whpc_json_kind;

typedef struct whpc_json {
  whpc_json_kind kind;
  char *key;              /* member name inside an object */
  double number;
  char *string;
  int boolean;
  struct whpc_json *first, *last, *next; /* children (object/array) and sibling */
} whpc_json;

whpc_json *whpc_json_new(whpc_json_kind kind);
void whpc_json_free(whpc_json *j);
/* Deep copy of one node (its siblings are not copied). */
whpc_json *whpc_json_copy(const whpc_json *j);
/* Object member by dotted path ("a.b.c"), created (as objects) when missing. */
whpc_json *whpc_json_path(whpc_json *obj, const char *path, whpc_json_kind leaf_kind);
void whpc_json_set_number(whpc_json *obj, const char *path, double v);
void whpc_json_set_string(whpc_json *obj, const char *path, const char *s);
void whpc_json_set_bool(whpc_json *obj, const char *path, int b);
/* Append a new element of kind to an array and return it. */
whpc_json *whpc_json_append(whpc_json *arr, whpc_json_kind kind);
/* Append a member (no path lookup, duplicates allowed: caller's business). */
whpc_json *whpc_json_add(whpc_json *obj, const char *key, whpc_json_kind kind);
void whpc_json_write(FILE *f, const whpc_json *j, int indent);
/* Write s as a JSON string literal (quoted, escaped). */
void whpc_json_write_string(FILE *f, const char *s);
#endif
