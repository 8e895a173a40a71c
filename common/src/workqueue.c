/* workqueue.c — in progress */
