/* checkpoint.c — in progress */
