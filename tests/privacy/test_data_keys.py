"""Which DATA_KEY may start against which database: the same key starts, another key is refused with the reason,
and a rotation accepts "NEW,OLD" (and only that) until it has finished."""

from __future__ import annotations

from bot.privacy.data_keys import admit

OLD, NEW, OTHER = "0ld0ld0ld0ld0ld0", "9e99e99e99e99e99", "07e407e407e407e4"


def test_the_first_start_records_the_key_unless_it_cannot_read_what_is_stored() -> None:
    assert admit((OLD,), None, None).record == (OLD, None)
    assert admit((NEW, OLD), None, None).record == (NEW, OLD)  # an upgrade that arrives mid-rotation
    refused = admit((OTHER,), None, None, stored_data_readable=False)
    assert not refused.allowed and "cannot read" in refused.problem and refused.record is None


def test_the_recorded_key_starts_and_another_key_is_refused_naming_both_fingerprints() -> None:
    assert admit((OLD,), OLD, None).allowed and admit((OLD,), OLD, None).record is None
    refused = admit((OTHER,), OLD, None)
    assert not refused.allowed and OLD in refused.problem and OTHER in refused.problem and "\n" not in refused.problem


def test_a_rotation_starts_with_new_comma_old_and_then_needs_both_keys_until_it_has_finished() -> None:
    begins = admit((NEW, OLD), OLD, None)
    assert begins.allowed and begins.record == (NEW, OLD)
    assert admit((NEW, OLD), NEW, OLD).allowed  # during: both keys
    assert "rotation is under way" in admit((NEW,), NEW, OLD).problem  # the new key alone cannot read old rows
    assert "moving to another key" in admit((OLD,), NEW, OLD).problem  # the old key alone cannot read new rows
    assert "has not finished" in admit((OTHER, NEW), NEW, OLD).problem  # no second rotation on top of the first
    assert admit((NEW,), NEW, None).allowed and admit((NEW, OLD), NEW, None).allowed  # after
    assert not admit((OLD,), NEW, None).allowed
