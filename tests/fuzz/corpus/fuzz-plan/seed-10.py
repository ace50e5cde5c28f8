"""retry: a retry schedule for a job queue, whose tests mostly wait."""


def backoff(attempt):
    return 2 ** attempt


def give_up(attempt, limit):
    return attempt >= limit


def slot(job, slots):
    return job % slots
