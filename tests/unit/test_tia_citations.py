"""The bibliography cites a profile source by its title, publisher and date, at the original's
address where the entry names one, with none of the research's own ids or notes."""

from __future__ import annotations

from transfers_app.reference.profiles import load_country_profiles
from transfers_app.services.tia_citations import profile_citation


def _cite(country: str, ref: str) -> tuple[str, str, str, str, str]:
    profile = load_country_profiles().get(country)
    assert profile is not None
    src = profile.source(ref)
    assert src is not None
    c = profile_citation(src, profile)
    return c.title, c.publisher, c.date, c.url, c.tier


def test_a_descriptor_with_a_profile_id_becomes_the_pages_own_title() -> None:
    title, publisher, _, url, _ = _cite("US", "US-5")
    assert "US-2" not in title and "summary of" not in title
    assert title.startswith("A key intelligence law expires in April")
    assert publisher == "UDLAP Observatorio Global"  # not its web domain
    assert url.startswith("https://observatorioglobal.udlap.mx/")


def test_a_note_naming_another_source_is_left_out() -> None:
    title, _, date, _, tier = _cite("IN", "IN-7")
    assert "IN-6" not in title and "same Gazette" not in title
    assert title == "Digital Personal Data Protection Act, 2023, s.17(2)" and date == "2023"
    assert tier == "T1"


def test_the_original_is_cited_where_the_entry_names_it() -> None:
    title, publisher, _, url, tier = _cite("US", "US-18")
    assert url.startswith("https://curia.europa.eu/") and tier == "T1"
    assert publisher == "Court of Justice of the European Union"
    assert "Latombe" in title


def test_a_date_the_entry_gives_is_kept_and_a_quoted_one_is_not_taken_for_it() -> None:
    title, publisher, date, _, _ = _cite("US", "US-31")
    assert (publisher, date) == ("Crowell & Moring", "Jan 2017")
    assert not title.startswith("Crowell & Moring (")
    _, _, date, _, _ = _cite("US", "US-6")  # quotes "until March of 2027"; dated 2026
    assert date == "2026"


def test_addresses_are_https_on_the_publishers_own_host() -> None:
    _, _, _, url, _ = _cite("US", "US-15")
    assert url == "https://usdoj.gov/opcl/dprc-resources"
    _, publisher, _, url, _ = _cite("AU", "AU-7")
    assert url.startswith("https://www.herbertsmithfreehills.com/notes/tmt/2020-07/")
    assert publisher == "Herbert Smith Freehills"


def test_a_research_note_is_said_in_words_and_no_bracket_is_left_alone() -> None:
    from transfers_app.services.tia_analysis import strip_markers, unverified_part

    text = strip_markers("Organisations may disclose [S SG-8]; exact item [M]", None, "†")
    assert text == "Organisations may disclose; exact item not independently verified"
    said = strip_markers("Whether s.702 was reauthorised is not verified [M]", None, "†")
    assert said == "Whether s.702 was reauthorised is not established†"  # not said twice
    part = unverified_part(
        "a qualifying state (an EU/EEA DPA; for the UK the UK regulator [M]), verified [S US-15]"
    )
    assert part.count("(") == part.count(")")
    whole = unverified_part("enacted (Pub. L. 119-87) [S US-11], reported as 45 days [M]")
    assert "Pub. L. 119-87" in whole and not whole.startswith("L.")
