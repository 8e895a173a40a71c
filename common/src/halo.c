/* halo.c — in progress */
