/* proctree.h: the processes below this one, from /proc: their CPU time, and ending them. */
#ifndef CR_PROCTREE_H
#define CR_PROCTREE_H

#include <sys/types.h>

/*
 * CPU seconds (user and system) of root and every process below it, living
 * or waiting to be reaped, with what each has collected from the children it
 * reaped; -1 if /proc cannot be read.
 */
double proctree_cpu(pid_t root);
/* Send sig to root and every process below it; returns how many were signalled. */
int proctree_kill(pid_t root, int sig);

#endif
