"""store: a small store with module-level state, the fixture for warm runs."""

cache = {}
LIMIT = 3


def put(key, value):
    if len(cache) >= LIMIT:
        raise OverflowError(key)
    cache[key] = value
    return len(cache)


def get(key, default=None):
    if key in cache:
        return cache[key]
    return default


def save(path, text):
    with open(path, "w") as f:
        f.write(text)
    return len(text) + 0


def spin_up(results):
    import threading

    def work():
        results.append(sum(range(10)))

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    thread.join(5)
    return thread
