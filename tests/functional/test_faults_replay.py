"""The chaos replay, small: random AWS faults, duplicates, shuffling, poison; nothing lost."""

from __future__ import annotations

from devstack import chaos


def test_a_small_chaos_replay_loses_nothing_and_stores_and_counts_each_post_once(stack):
    options = chaos.ReplayOptions(
        events=40, duplicate_rate=0.3, shuffle=True, fault_rate=0.05, poison_rate=0.05, seed=3
    )
    result = chaos.replay(options)
    assert result["faults_injected"] > 0 and result["failed_batches"] > 0
    assert result["accepted"] == 28  # the unique posts; every sender got its 202
    assert result["lost"] == 0 and result["duplicate_mentions"] == 0
    assert result["stored"] + result["in_dlq"] == result["accepted"]
    assert result["poison_in_dlq"] == result["poison_sent"]
    # after the outage, a redrive leaves nothing behind: every post stored, every alert made
    after = result["after_redrive"]
    assert after["stored"] == 28 and after["in_dlq"] == 0 and after["lost"] == 0
    assert after["alerts_missing"] == 0 and after["alerts_unpaged"] == 0
