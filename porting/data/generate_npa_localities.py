"""Regenerate npa_localities.json: the city and state of each NANP area code (NPA).

Derived once from phonenumbers' geocoder (Apache-2.0), which costs ~100 MB of memory to import;
the app reads this small table instead. Run: python -m porting.data.generate_npa_localities
"""
from __future__ import annotations

import json
from pathlib import Path

import phonenumbers
from phonenumbers import geocoder

from porting.phone import CA_PROVINCES, US_STATES


def locality_of(npa: int) -> tuple[str, str] | None:
    number = phonenumbers.parse(f"+1{npa}5550100", None)
    if not phonenumbers.is_valid_number(number):
        number = phonenumbers.parse(f"+1{npa}2345678", None)
    description = geocoder.description_for_number(number, "en")
    if not description:
        return None
    if description == "Washington D.C.":
        return "Washington", "DC"
    if ", " in description:
        city, state = description.rsplit(", ", 1)
        return city, state
    region = US_STATES.get(description) or CA_PROVINCES.get(description)
    return ("", region) if region else None


def main() -> None:
    table = {str(npa): found for npa in range(200, 1000) if (found := locality_of(npa))}
    path = Path(__file__).with_name("npa_localities.json")
    path.write_text(json.dumps(table, indent=0, sort_keys=True) + "\n")
    print(f"wrote {len(table)} area codes to {path}")


if __name__ == "__main__":
    main()
