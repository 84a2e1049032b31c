"""LGD state codes of the 28 states and 8 union territories, found by name.

Files such as the per-state constituency download name the state only in words, so the
importer needs this table to find the code. Older spellings are kept as aliases because
officials still send files that use them.
"""

from __future__ import annotations

import re

STATE_NAMES: dict[int, str] = {
    1: "JAMMU AND KASHMIR",
    2: "HIMACHAL PRADESH",
    3: "PUNJAB",
    4: "CHANDIGARH",
    5: "UTTARAKHAND",
    6: "HARYANA",
    7: "DELHI",
    8: "RAJASTHAN",
    9: "UTTAR PRADESH",
    10: "BIHAR",
    11: "SIKKIM",
    12: "ARUNACHAL PRADESH",
    13: "NAGALAND",
    14: "MANIPUR",
    15: "MIZORAM",
    16: "TRIPURA",
    17: "MEGHALAYA",
    18: "ASSAM",
    19: "WEST BENGAL",
    20: "JHARKHAND",
    21: "ODISHA",
    22: "CHHATTISGARH",
    23: "MADHYA PRADESH",
    24: "GUJARAT",
    27: "MAHARASHTRA",
    28: "ANDHRA PRADESH",
    29: "KARNATAKA",
    30: "GOA",
    31: "LAKSHADWEEP",
    32: "KERALA",
    33: "TAMIL NADU",
    34: "PUDUCHERRY",
    35: "ANDAMAN AND NICOBAR ISLANDS",
    36: "TELANGANA",
    37: "LADAKH",
    38: "THE DADRA AND NAGAR HAVELI AND DAMAN AND DIU",
}

_ALIASES: dict[str, int] = {
    "ORISSA": 21,
    "PONDICHERRY": 34,
    "UTTARANCHAL": 5,
    "NCT OF DELHI": 7,
    "NATIONAL CAPITAL TERRITORY OF DELHI": 7,
    "ANDAMAN AND NICOBAR": 35,
    "DADRA AND NAGAR HAVELI AND DAMAN AND DIU": 38,
}


def _key(name: str) -> str:
    """Case, '&' and spacing do not matter: "Tamil  Nadu" and "TAMIL NADU" are one state."""
    return re.sub(r"\s+", " ", name.replace("&", " AND ")).strip().upper()


_BY_NAME: dict[str, int] = {_key(name): code for code, name in STATE_NAMES.items()} | {
    _key(alias): code for alias, code in _ALIASES.items()
}


def state_code_for_name(name: str) -> int | None:
    """The LGD code of a state or UT named in any common spelling, or None if unknown."""
    return _BY_NAME.get(_key(name))
