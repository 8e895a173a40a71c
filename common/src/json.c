/* json.c — in progress */
