/* ctx.c — in progress */
