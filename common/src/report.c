/* report.c — in progress */
