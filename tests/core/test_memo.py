from __future__ import annotations

from fanshelf.core.memo import Memo


def test_a_weighed_memo_keeps_what_fits_its_weight_and_drops_the_least_recently_used_first() -> None:
    memo: Memo[bytes] = Memo(10, name="tests.weighed", weigh=len)
    memo.put("a", b"1234")
    memo.put("b", b"1234")
    assert memo.get("a") == b"1234"  # "b" is now the least recently used
    memo.put("c", b"123")
    assert (memo.get("a"), memo.get("b"), memo.get("c")) == (b"1234", None, b"123")
    memo.put("a", b"12345678")  # replacing an entry counts its new weight only
    assert (memo.get("a"), memo.get("c")) == (b"12345678", None)
    memo.put("huge", b"x" * 11)
    assert memo.get("huge") is None, "too heavy to keep"
    assert memo.get("a") == b"12345678", "and nothing pushed out"
    memo.clear()
    memo.put("d", b"1234567890")
    assert memo.get("d") == b"1234567890"
