import os
import threading
import time

import store


# Runs first: nothing a test did before, here or in another mutant's run, is seen.
def test_a_cache_starts_empty():
    assert store.cache == {}


# Changes the module's state, which the next test reads.
def test_b_put_and_get():
    assert store.put("a", 1) == 1
    assert store.get("a") == 1
    assert store.get("b", 7) == 7


def test_c_limit():
    assert store.get("a") == 1
    store.cache.clear()
    for key in "xyz":
        store.put(key, 0)
    try:
        store.put("w", 0)
    except OverflowError:
        pass
    else:
        raise AssertionError("no overflow")


# Writes into the project tree, and requires that no other run did.
def test_d_writes_into_tree():
    assert not os.path.exists("written.txt")
    assert store.save("written.txt", "hello") == 5
    with open("written.txt") as f:
        assert f.read() == "hello"


# Leaves a thread running when it ends.
def test_e_leaves_a_thread():
    results = []
    store.spin_up(results)
    assert results == [45]
    threading.Thread(target=time.sleep, args=(3600,), daemon=True).start()
