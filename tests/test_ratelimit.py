"""core.ratelimit: sliding-window counts in the cache, with explicit clocks (no waiting, no wall clock)."""

from minsheng.core.ratelimit import Rate, exceeded, hit, used

HOUR = Rate(count=3, seconds=3600)
START = 1_700_000_000 - 1_700_000_000 % 3600  # the first second of a window


def test_counts_up_to_the_limit_per_identity():
    for n in range(3):
        assert not exceeded("t", "10.0.0.1", HOUR, now=START + n)
        hit("t", "10.0.0.1", HOUR, now=START + n)
    assert exceeded("t", "10.0.0.1", HOUR, now=START + 10)
    assert not exceeded("t", "10.0.0.2", HOUR, now=START + 10)
    assert not exceeded("other-scope", "10.0.0.1", HOUR, now=START + 10)


def test_the_previous_window_fades_out_instead_of_resetting():
    for n in range(3):
        hit("t", "a", HOUR, now=START + 3000 + n)
    # Just past the turn of the hour the three hits still count (a burst cannot pass twice the limit).
    assert used("t", "a", HOUR, now=START + 3600 + 60) == 3
    # Half an hour in, half of them: ceil(3 * 0.5) = 2.
    assert used("t", "a", HOUR, now=START + 3600 + 1800) == 2
    assert not exceeded("t", "a", HOUR, now=START + 3600 + 1800)
    # Two windows later nothing is left.
    assert used("t", "a", HOUR, now=START + 7200 + 1) == 0


def test_an_empty_identity_is_never_counted_nor_limited():
    for _ in range(5):
        hit("t", "", HOUR, now=START)
    assert not exceeded("t", "", HOUR, now=START)
