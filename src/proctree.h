/* proctree.h: the processes below one, from /proc or their control group: their CPU time, and ending them. */
#ifndef CR_PROCTREE_H
#define CR_PROCTREE_H

#include <sys/types.h>

#include <stddef.h>

/*
 * CPU seconds (user and system) of root and every process below it, living
 * or waiting to be reaped, with what each has collected from the children it
 * reaped; -1 if /proc cannot be read.
 */
double proctree_cpu(pid_t root);
/*
 * Stop, then kill, every process below root, and root itself if self; the
 * tree is stopped first so that nothing forks away while it is killed.
 * Returns how many processes were killed.
 */
int proctree_kill(pid_t root, int self);
/*
 * proctree_kill, and the tree's CPU seconds as proctree_cpu counts them, in
 * *cpu, read as the tree is stopped (-1 if /proc cannot be read): one pass
 * over the process table fewer than the two calls.
 */
int proctree_end(pid_t root, int self, double *cpu);
/*
 * proctree_end for a tree that is the whole of a control group: the
 * processes listed in the group's directory (cgroup.procs), which holds
 * root, are the tree, and the process table is not read. A group that
 * cannot be read, or does not hold root, is not used.
 */
int proctree_end_group(pid_t root, int self, const char *group, double *cpu);

/*
 * Whether process pid is gone: it does not exist, or it is a zombie not reaped
 * yet. 0 for a pid that is not one, and when it cannot be told.
 */
int proctree_gone(long pid);

/*
 * The CPU time of a tree, read often: the tree is looked for at most every
 * rescan seconds (in its control group if it has one, else by the kernel's
 * lists of children, else in the whole process table), and only its known
 * processes are read in between (what a process reaps is in its own count).
 */
struct proctree_watch {
	pid_t		 root;
	const char	*group;		/* the tree's control group, or NULL (see proctree_end_group) */
	pid_t		*pids;
	size_t		 n;
	double		 last;		/* when the tree was looked for */
	double		 rescan;
};

/* Start watching the tree below root. */
void proctree_watch_init(struct proctree_watch *, pid_t root, double rescan);
/* The tree's CPU seconds now, or -1. */
double proctree_watch_cpu(struct proctree_watch *);
/* Free what a watch holds. */
void proctree_watch_free(struct proctree_watch *);

#endif
