/* cgroup.h: a control group per run, for its memory and process limits. */
#ifndef CR_CGROUP_H
#define CR_CGROUP_H

#include <sys/types.h>

#include <stdint.h>

enum cg_controller {
	CG_MEMORY,
	CG_PIDS,
	CG_N,
};

/*
 * One run's group in each controller's hierarchy, below the group of the
 * process that made it: cgroup v1 (a hierarchy per controller, as on
 * hybrid systems), or v2 where the controller is already enabled for the
 * groups below ours (a delegated subtree). A controller that cannot be
 * used (no hierarchy, no permission, not delegated) has no directory.
 */
struct cgroup {
	char	*dir[CG_N];	/* the group's directory, or NULL */
	int	 v2[CG_N];	/* whether that hierarchy is cgroup v2 */
};

/*
 * Make the groups, named name (NULL: crmake-PID, of the calling process; a
 * name of another's is crmake-PID-N, of the process that makes it), with a
 * memory limit in bytes (no swap beyond it where that can be said) and a
 * limit on processes; 0 leaves a controller out. Groups of such names left
 * by processes that are gone are removed first. Never fails: what cannot be
 * made is left out.
 */
void cgroup_make(struct cgroup *, const char *name, uint64_t memory,
    uint64_t procs);
/*
 * The groups named crmake-MAKER-N that process pid is in, read from the
 * kernel; how many. Where it is in no such group, no directory.
 */
int cgroup_of(pid_t pid, pid_t maker, struct cgroup *);
/*
 * Remove the groups below ours of such names whose process is gone (one
 * killed before it could remove them), and with mine those of the calling
 * process.
 */
void cgroup_sweep(int mine);
/*
 * Whether the groups are those that cgroup_make would make for these limits:
 * a group in each controller with a limit, of that limit, and none in the
 * others.
 */
int cgroup_limited(const struct cgroup *, uint64_t memory, uint64_t procs);
/* Free what the groups' handle holds and leave the groups as they are. */
void cgroup_forget(struct cgroup *);
/* Move the calling process into every group; -1 if one move failed. Safe after fork. */
int cgroup_enter_self(const struct cgroup *);
/* Open every group's cgroup.procs for writing into fds (room for CG_N); how many. */
int cgroup_open_procs(const struct cgroup *, int *fds);
/* Whether the memory limit made the kernel end a process of the group. */
int cgroup_oom(const struct cgroup *);
/* The group that holds the run's processes and nothing else (pids, else memory); NULL if none. */
const char *cgroup_tree(const struct cgroup *);
/* Whether a fork failed in the group for the process limit. */
int cgroup_procs_hit(const struct cgroup *);
/* Kill every process in the groups, remove them and free what they hold. */
void cgroup_remove(struct cgroup *);
/*
 * Kill every process in the groups, without waiting for them to end, and
 * free the handle: the groups are left to the process that made them, which
 * removes them once they are empty (cgroup_try_remove).
 */
void cgroup_leave(struct cgroup *);
/*
 * Remove the groups that are empty; 0 if none is left, else -1, with the
 * handle keeping those that are not (yet) empty.
 */
int cgroup_try_remove(struct cgroup *);

#endif
