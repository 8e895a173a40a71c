/* decomp.c — in progress */
