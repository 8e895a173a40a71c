/* signal.c — in progress */
