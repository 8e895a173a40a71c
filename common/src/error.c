/* error.c — in progress */
