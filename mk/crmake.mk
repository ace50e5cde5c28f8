# crmake.mk: static rules read after every session Makefile that cr-plan
# writes, by a make running in the session directory (names are relative).
#
# Variables a user may set on the command line or in the environment:
#   CR_RUN_ONE    the cr-run-one program (default: the one beside cr-plan)
#   CR_LAUNCH     a prefix for each run, e.g. 'srun -n1 -c1' on Slurm
#   CR_RUN_FLAGS  extra cr-run-one options, e.g. '--timeout 30'
#   CR_WARM=0     run every mutant cold: no warm worker
#   CR_HOSTS      hosts to run on over ssh, e.g. 'localhost/2 build1/8'
#   CR_SHARD=K/M  run only shard K of M (of equal expected cost)
#   CR_DEADLINE   start no mutant once this long has passed since make
#                 started (seconds, or with s, m or h); the ones running
#                 finish. Mutants then start in a random order fixed by
#                 the plan, so that what ran is a fair sample.
#   CR_PROGRESS=0 no [done/total] before the verdict lines, no summaries
#   V=1           show each command instead of only its verdict line

.DEFAULT_GOAL := all
.SUFFIXES:
MAKEFLAGS += --no-builtin-rules

CR_LAUNCH ?=
CR_RUN_FLAGS ?=
CR_WARM ?= 1
V ?= 0
ifeq ($(V),1)
CR_Q :=
else
CR_Q := @
endif

CR_SHARD ?=
CR_DEADLINE ?=
CR_PROGRESS ?= 1

# This run's name (make's process ID and start), under which its mutants
# count themselves for the [done/total] of their verdict lines.
ifeq ($(filter 0 no off,$(CR_PROGRESS)),)
export CR_MAKE_RUN := $(shell echo "$$PPID.$$(date +%s.%N)")
export CR_MAKE_GOALS := $(words $(filter $(CR_RESULTS)/%.json,$(MAKECMDGOALS)))
export CR_MAKE_SHARD := $(CR_SHARD)
else
unexport CR_MAKE_RUN
endif

# The plan is older than a file it planned, a test file or a conftest.py,
# or one is gone: its mutants are of code, or its tests' coverage of tests,
# that are no longer there. cr-run-one names them, and no mutant runs. Not
# for the goals that only read or tidy the session.
ifneq ($(filter-out report stop clean,$(or $(MAKECMDGOALS),all)),)
ifneq ($(shell $(CR_RUN_ONE) --check-sources $(CR_SESSION) >&2 || echo stale),)
$(error crmake: run cr-plan again)
endif
endif

# A result file that cannot be read (cut short by a crash of the machine,
# edited) is moved to $(CR_SESSION)/corrupt/, with why, so that its mutant
# runs again; make would otherwise take it as up to date. Not with -n.
# (make's one-letter flags are the first word of MAKEFLAGS, if any.)
ifeq ($(findstring n,$(filter-out --%,-$(firstword $(MAKEFLAGS)))),)
ifneq ($(wildcard $(CR_RESULTS)),)
CR_CHECKED := $(shell $(CR_RUN_ONE) --check-results $(CR_SESSION) >&2)
endif
endif

# The targets to make: all of them, or those of the shard, in a random
# order under a deadline.
ifneq ($(CR_SHARD)$(CR_DEADLINE),)
CR_SELECTED := $(shell $(CR_RUN_ONE) --targets $(if $(CR_SHARD),--shard $(CR_SHARD)) $(if $(CR_DEADLINE),--shuffle) $(CR_SESSION))
ifneq ($(.SHELLSTATUS),0)
$(error crmake: cannot list the targets (CR_SHARD=$(CR_SHARD)))
endif
else
CR_SELECTED := $(CR_MUTANTS)
endif
ifneq ($(CR_DEADLINE),)
CR_DEADLINE_AT := $(shell $(CR_RUN_ONE) --deadline-at $(CR_DEADLINE))
ifneq ($(.SHELLSTATUS),0)
$(error crmake: CR_DEADLINE=$(CR_DEADLINE) is not a duration)
endif
endif

# The recipe of every mutant target: $* is the mutant ID, $@ its result file
# (relative: make runs in the session directory; CR_SESSION is the session's
# absolute path as a shell word).
# Under a launcher, a target succeeds only with a result newer than its
# stamp: one that lost the run and exited 0 (srun after a node failure) fails
# the target, so that make says so and the next make runs it again. Without
# one, cr-run-one's own status says whether it wrote the result, and make
# starts it directly, with no shell in between.
cr_run = $(CR_Q)$(cr_deadline)$(CR_LAUNCH) $(CR_RUN_ONE) $(if $(filter 0 no off,$(CR_WARM)),--cold )$(CR_RUN_FLAGS) -o $(CR_SESSION)/$@ $(CR_SESSION) $*$(if $(strip $(CR_LAUNCH)), && $(cr_check))
cr_check = { test -f $@ && ! test $< -nt $@; } || { echo "crmake: $*: no result was written$(if $(CR_LAUNCH), ($(firstword $(CR_LAUNCH)) ended without an error))" >&2; exit 1; }
cr_deadline = $(if $(CR_DEADLINE_AT),test "$$(date +%s)" -lt $(CR_DEADLINE_AT) || exit 0; )

.PHONY: all clean report stop
all: $(CR_SELECTED:%=$(CR_RESULTS)/%.json)
ifneq ($(CR_DEADLINE_AT),)
	$(CR_Q)test "$$(date +%s)" -lt $(CR_DEADLINE_AT) || echo "crmake: CR_DEADLINE=$(CR_DEADLINE) has passed: the mutants not started are left for the next make"
endif

$(CR_RESULTS):
	$(CR_Q)mkdir -p $@

# Print the report of what has run so far.
report:
	$(CR_Q)$(CR_REPORT) $(CR_SESSION)

# Stop the session's warm worker on this host (it also stops by itself
# when make has ended, or after a minute without work).
stop:
	$(CR_Q)$(CR_RUN_ONE) --stop-worker $(CR_SESSION)

# Forget every result, so the next make runs every mutant again.
clean:
	$(CR_Q)find $(CR_RESULTS) -name "*.json" -type f -delete 2>/dev/null || true
	$(CR_Q)rm -rf $(CR_SESSION)/progress

# A stamp is written by cr-plan for every mutant it plans; one missing means
# the session was changed by hand.
$(CR_STAMPS)/%:
	@echo "crmake: $@ is missing: run cr-plan again" >&2; exit 1
