/* timer.c — in progress */
