/* infer_onednn_stub.c — used when oneDNN is not found: the backend reports itself absent. */
#include "infer_internal.h"
int infer_have_onednn(void) { return 0; }
int infer_onednn_available(void) { return 0; }
int infer_onednn_prepare(struct infer_plan_s *p) {
  return infer_raise(INFER_EUNSUPPORTED, "engine.backend = onednn, but this build has no oneDNN");
}
void infer_onednn_free(struct infer_plan_s *p) {}
int infer_onednn_run(struct infer_plan_s *p, infer_node *n) { return infer_raise(INFER_EUNSUPPORTED, "no oneDNN"); }
int infer_onednn_plain_needed(const struct infer_plan_s *p, int vi) { return 1; }
