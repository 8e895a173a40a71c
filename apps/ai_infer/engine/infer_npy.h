/* infer_npy.h — NumPy .npy tensors (bounded reader, simple writer). */
#ifndef INFER_NPY_H
#define INFER_NPY_H
#include "infer_engine.h"
/* want_f32: convert integer data to float32 too (model inputs). t->data is malloc'd. */
int infer_npy_read(const char *path, int want_f32, infer_tensor *t);
int infer_npy_write(const char *path, const infer_tensor *t);
#endif
