"""Watch configuration: parsing, the X query, local term matching."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.errors import ConfigError
from chalicelib.sources import meta
from chalicelib.sources.watch import X_QUERY_LIMIT, Place, Watch, Watched, watch_or_none

DOC = {
    "terms": ["ING", "ING Bank"],
    "handles": ["ingnl"],
    "hashtags": ["ingstoring"],
    "exclude": ["ING Diba"],
    "languages": ["nl", "EN"],
    "subreddits": ["thenetherlands", {"name": "ING", "all": True}],
    "feeds": ["https://example.nl/rss", {"url": "https://alerts.example/ing", "all": True}],
    "authors": ["@journalist"],
}


def test_a_full_document_is_normalised():
    watch = Watch.from_json(json.dumps(DOC))
    assert watch.handles == ("@ingnl",)
    assert watch.hashtags == ("#ingstoring",)
    assert watch.languages == ("nl", "en")
    assert watch.subreddits == (Place("thenetherlands"), Place("ING", everything=True))
    assert watch.feeds[1] == Place("https://alerts.example/ing", everything=True)
    assert watch.authors == ("journalist",)


def test_the_x_query_ors_terms_excludes_and_limits_languages():
    query = Watch.from_dict(DOC).x_query()
    assert query == (
        '(ING OR "ING Bank" OR @ingnl OR #ingstoring) -"ING Diba" (lang:nl OR lang:en) -is:retweet'
    )


def test_a_single_term_needs_no_parentheses():
    assert Watch.from_dict({"terms": ["Acme"]}).x_query() == "Acme -is:retweet"


def test_a_query_over_512_characters_is_refused_at_load_time():
    terms = [f"merknaam{i:03d}" for i in range(60)]
    with pytest.raises(ConfigError, match=str(X_QUERY_LIMIT)):
        Watch.from_dict({"terms": terms})


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Mijn ING app doet het weer niet", ("ING",)),
        ("thinking about banks", ()),
        ("Storing bij ING Bank vandaag #INGstoring", ("ING", "ING Bank", "#ingstoring")),
        ("@INGnl waarom duurt het zo lang", ("@ingnl",)),
        ("ING Diba is in Duitsland", ()),  # excluded term wins
        ("mailme@ingnl.example", ()),  # not a handle
    ],
)
def test_matching_is_case_insensitive_whole_words_and_respects_exclusions(text, found):
    assert Watch.from_dict(DOC).match(text) == found


def test_watched_authors_are_tagged():
    watch = Watch.from_dict(DOC)
    assert watch.tag_author(("ING",), "Journalist") == ("ING", "author:@Journalist")
    assert watch.tag_author(("ING",), "someone") == ("ING",)


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({}, "at least one"),
        ({"terms": "ING"}, "list of strings"),
        ({"terms": ["ING"], "languages": ["dutch"]}, "ISO 639-1"),
        ({"terms": ["ING"], "subreddits": ["r/bad name"]}, "subreddit"),
        ({"terms": ["ING"], "feeds": ["ftp://x"]}, "http"),
        ({"terms": ["ING"], "colour": "blue"}, "unknown"),
        ({"terms": ["ING"], "x_mentions_user_id": "@ing"}, "numeric"),
        ([], "JSON object"),
    ],
)
def test_bad_documents_say_what_is_wrong(doc, message):
    with pytest.raises(ConfigError, match=message):
        Watch.from_dict(doc)


def test_invalid_json_is_a_config_error():
    with pytest.raises(ConfigError, match="not valid JSON"):
        Watch.from_json("{terms: [")


def test_from_settings_reads_the_json_or_a_file(tmp_path):
    assert Watch.from_settings({"WATCH_CONFIG": '{"terms": ["Acme"]}'}).terms == ("Acme",)
    path = tmp_path / "watch.json"
    path.write_text('{"terms": ["Bol"]}', encoding="utf-8")
    assert Watch.from_settings({"WATCH_CONFIG_FILE": str(path)}).terms == ("Bol",)
    with pytest.raises(ConfigError, match="WATCH_CONFIG"):
        Watch.from_settings({})
    with pytest.raises(ConfigError, match="cannot read"):
        Watch.from_settings({"WATCH_CONFIG_FILE": str(tmp_path / "missing.json")})


@given(
    st.lists(
        st.text(
            st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=20
        ).filter(str.strip),
        min_size=1,
        max_size=8,
    )
)
def test_any_accepted_configuration_gives_a_query_within_the_limit(terms):
    try:
        watch = Watch.from_dict({"terms": terms})
    except ConfigError:
        return
    assert len(watch.x_query()) <= X_QUERY_LIMIT
    for term in watch.terms:
        if term[-1:].isalnum() and term[:1].isalnum():
            assert term in watch.match(f"over {term} vandaag")


def test_webhooks_get_the_watch_or_none_when_it_is_missing_or_broken():
    assert watch_or_none({"WATCH_CONFIG": '{"terms": ["Acme"]}'}).terms == ("Acme",)
    assert watch_or_none({}) is None
    assert watch_or_none({"WATCH_CONFIG": "{broken"}) is None


def test_a_watched_webhook_fills_matched_terms():
    body = json.dumps(
        {
            "object": "instagram",
            "entry": [
                {
                    "id": "1",
                    "time": 1795000000,
                    "changes": [
                        {"field": "comments", "value": {"id": "9", "text": "Acme is traag"}}
                    ],
                }
            ],
        }
    ).encode()
    watched = Watched(meta, Watch.from_dict({"terms": ["Acme"]}))
    [mention] = watched.parse(body, datetime(2026, 11, 23, tzinfo=UTC))
    assert mention.matched_terms == ("Acme",)
    assert (
        Watched(meta, None).parse(body, datetime(2026, 11, 23, tzinfo=UTC))[0].matched_terms == ()
    )
