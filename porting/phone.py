"""Telephone-number parsing: strict E.164 on input, NANP classification for the rest."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import phonenumbers
from phonenumbers import PhoneNumberType

E164_RE = re.compile(r"^\+[1-9][0-9]{6,14}$")
NANP_REGIONS = frozenset({"US", "CA"})
TOLL_FREE_NPAS = frozenset({"800", "833", "844", "855", "866", "877", "888"})

US_STATES = {
    "Alabama": "AL", "Alaska": "AK", "Arizona": "AZ", "Arkansas": "AR", "California": "CA", "Colorado": "CO",
    "Connecticut": "CT", "Delaware": "DE", "Florida": "FL", "Georgia": "GA", "Hawaii": "HI", "Idaho": "ID",
    "Illinois": "IL", "Indiana": "IN", "Iowa": "IA", "Kansas": "KS", "Kentucky": "KY", "Louisiana": "LA",
    "Maine": "ME", "Maryland": "MD", "Massachusetts": "MA", "Michigan": "MI", "Minnesota": "MN",
    "Mississippi": "MS", "Missouri": "MO", "Montana": "MT", "Nebraska": "NE", "Nevada": "NV",
    "New Hampshire": "NH", "New Jersey": "NJ", "New Mexico": "NM", "New York": "NY", "North Carolina": "NC",
    "North Dakota": "ND", "Ohio": "OH", "Oklahoma": "OK", "Oregon": "OR", "Pennsylvania": "PA",
    "Rhode Island": "RI", "South Carolina": "SC", "South Dakota": "SD", "Tennessee": "TN", "Texas": "TX",
    "Utah": "UT", "Vermont": "VT", "Virginia": "VA", "Washington": "WA", "West Virginia": "WV",
    "Wisconsin": "WI", "Wyoming": "WY", "Washington D.C.": "DC", "Puerto Rico": "PR", "Guam": "GU",
    "U.S. Virgin Islands": "VI", "American Samoa": "AS", "Northern Mariana Islands": "MP",
}
CA_PROVINCES = {
    "Alberta": "AB", "British Columbia": "BC", "Manitoba": "MB", "New Brunswick": "NB",
    "Newfoundland and Labrador": "NL", "Nova Scotia": "NS", "Northwest Territories": "NT", "Nunavut": "NU",
    "Ontario": "ON", "Prince Edward Island": "PE", "Quebec": "QC", "Saskatchewan": "SK", "Yukon": "YT",
}
# Service-address states accepted on orders: US states and territories, DC, Canadian provinces.
ADDRESS_STATES = frozenset(US_STATES.values()) | frozenset(CA_PROVINCES.values())


class NotAPhoneNumber(ValueError):
    """The string is not a telephone number at all."""


@dataclass(frozen=True)
class ParsedNumber:
    e164: str
    region: str | None
    valid: bool
    toll_free: bool

    @property
    def npa(self) -> str:
        return self.e164[2:5]

    @property
    def line(self) -> str:
        """The line number: the last four digits."""
        return self.e164[-4:]

    @property
    def is_nanp(self) -> bool:
        return self.e164.startswith("+1")


def parse_e164(value: object) -> ParsedNumber:
    """Parse one E.164 string; raise NotAPhoneNumber if it is not one."""
    if not isinstance(value, str) or not E164_RE.fullmatch(value):
        raise NotAPhoneNumber("must be a phone number in E.164 format, such as +12025551234")
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        # E.164 in form, but no such country code or length: an invalid number, as +12020000000 is.
        return ParsedNumber(e164=value, region=None, valid=False, toll_free=False)
    valid = phonenumbers.is_valid_number(number)
    region = phonenumbers.region_code_for_number(number) if valid else None
    toll_free = value.startswith("+1") and value[2:5] in TOLL_FREE_NPAS
    if toll_free:
        valid = valid or phonenumbers.number_type(number) == PhoneNumberType.TOLL_FREE
    return ParsedNumber(e164=value, region=region, valid=valid, toll_free=toll_free)


@lru_cache(maxsize=1)
def _npa_localities() -> dict[str, list[str]]:
    # A small table generated from phonenumbers' geocoder (porting/data/generate_npa_localities.py):
    # importing the geocoder itself costs every worker ~100 MB.
    table: dict[str, list[str]] = json.loads((Path(__file__).parent / "data" / "npa_localities.json").read_text())
    return table


def locality(parsed: ParsedNumber) -> tuple[str, str]:
    """(city, state) of a NANP number's area code; blanks when unknown."""
    if not parsed.valid or parsed.toll_free or not parsed.is_nanp:
        return "", ""
    city, state = _npa_localities().get(parsed.npa, ("", ""))
    return city, state


def rate_center(city: str, state: str) -> str:
    """The rate-center label: first 8 letters of the city upper-cased, a space, the state."""
    letters = "".join(ch for ch in city.upper() if ch.isalpha())[:8]
    return f"{letters} {state}".strip()
