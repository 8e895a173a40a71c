/* ncio.c — in progress */
