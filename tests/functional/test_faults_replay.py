"""The chaos replay, small: random AWS faults, duplicates, shuffling, poison; nothing lost,
and recovery needs nobody."""

from __future__ import annotations

from devstack import chaos


def test_a_small_chaos_replay_loses_nothing_and_recovers_by_itself(stack):
    options = chaos.ReplayOptions(
        events=40, duplicate_rate=0.3, shuffle=True, fault_rate=0.05, poison_rate=0.1, seed=3
    )
    result = chaos.replay(options)
    assert result["faults_injected"] > 0 and result["failed_batches"] > 0
    assert result["accepted"] == 28  # the unique posts; every sender got its 202
    assert result["lost"] == 0 and result["duplicate_mentions"] == 0
    # accepted = stored + in the DLQ + quarantined, before any recovery
    assert result["stored"] + result["in_dlq"] + result["quarantined"] == result["accepted"]
    assert result["poison_sent"] > 0
    # after the redrive schedule ran (nobody redrove anything): every post stored, every
    # alert made and paged, only the injected poison quarantined
    after = result["after_recovery"]
    assert after["stored"] == 28 and after["in_dlq"] == 0 and after["lost"] == 0
    assert after["alerts_missing"] == 0 and after["alerts_unpaged"] == 0
    # every alert is accounted for: paged (each once) or on the board by routing
    assert after["duplicate_alerts"] == 0
    assert after["pages"] + after["alerts_on_board"] == after["alerts"]
    assert after["duplicate_mentions"] == 0
    assert after["poison_quarantined"] == result["poison_sent"]
    assert after["quarantined_other"] == 0
