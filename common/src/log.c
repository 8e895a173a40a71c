/* log.c — in progress */
