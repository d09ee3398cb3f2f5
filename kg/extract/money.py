"""Money amounts as written in news ("$20bn", "100 billion dollars", "Rs 5,000 crore", "EUR 15 billion").

A small regex wins over price-parser and quantulum3 here (NOTES-measured.md): they mishandle
"bn" suffixes and the Indian "lakh"/"crore" scale.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "mln": 1e6, "billion": 1e9, "bn": 1e9,
          "b": 1e9, "bln": 1e9, "trillion": 1e12, "tn": 1e12, "trn": 1e12, "lakh": 1e5, "lakhs": 1e5,
          "crore": 1e7, "crores": 1e7, "cr": 1e7}
PREFIX = {"$": "USD", "us$": "USD", "usd": "USD", "€": "EUR", "eur": "EUR", "£": "GBP", "gbp": "GBP", "¥": "JPY",
          "jpy": "JPY", "rs": "INR", "rs.": "INR", "inr": "INR", "₹": "INR", "cny": "CNY", "rmb": "CNY",
          "a$": "AUD", "aud": "AUD", "c$": "CAD", "nz$": "NZD", "nzd": "NZD", "hk$": "HKD", "s$": "SGD",
          "r$": "BRL", "brl": "BRL", "cad": "CAD", "zar": "ZAR", "egp": "EGP", "ngn": "NGN", "kes": "KES", "mxn": "MXN",
          "pkr": "PKR", "bdt": "BDT", "idr": "IDR", "vnd": "VND", "sar": "SAR", "aed": "AED", "rub": "RUB", "₽": "RUB", "krw": "KRW",
          "₩": "KRW", "chf": "CHF", "try": "TRY"}
SUFFIX = {"dollars": "USD", "dollar": "USD", "us dollars": "USD", "euros": "EUR", "euro": "EUR", "pounds": "GBP",
          "pounds sterling": "GBP", "yen": "JPY", "rupees": "INR", "rupee": "INR", "yuan": "CNY", "renminbi": "CNY",
          "riyals": "SAR", "riyal": "SAR", "dirhams": "AED", "dirham": "AED", "roubles": "RUB", "rubles": "RUB",
          "won": "KRW", "lira": "TRY", "liras": "TRY", "rand": "ZAR", "naira": "NGN", "reais": "BRL", "real": "BRL",
          "pesos": "MXN", "francs": "CHF", "australian dollars": "AUD", "canadian dollars": "CAD",
          "u.s. dollars": "USD", "u.s. dollar": "USD", "us dollar": "USD", "american dollars": "USD",
          "new zealand dollars": "NZD", "singapore dollars": "SGD", "hong kong dollars": "HKD", "swiss francs": "CHF",
          "indian rupees": "INR", "pakistani rupees": "PKR", "chinese yuan": "CNY", "japanese yen": "JPY",
          "saudi riyals": "SAR", "uae dirhams": "AED", "russian roubles": "RUB", "russian rubles": "RUB",
          "brazilian reais": "BRL", "mexican pesos": "MXN", "south african rand": "ZAR", "british pounds": "GBP"}

_NUM = r"(\d{1,3}(?:,\d{2,3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_SCALE = r"(lakh\s+crores?|thousand\s+crores?|thousand|million|billion|trillion|lakhs?|crores?|mn|bn|tn|trn|mln|bln|cr|[kmb])"
_PRE = r"(us\$|nz\$|hk\$|a\$|c\$|s\$|r\$|\$|€|£|¥|₹|₽|₩|rs\.?|usd|eur|gbp|jpy|inr|cny|rmb|aud|sar|aed|rub|krw|chf|nzd|brl|cad|zar|egp|ngn|kes|mxn|pkr|bdt|idr|vnd)"
_SUF = "|".join(sorted((re.escape(s) for s in SUFFIX), key=len, reverse=True))
MONEY = re.compile(
    r"(?<![\w$€£¥₹])" + _PRE + r"\s?" + _NUM + r"(?:\s?" + _SCALE + r"\b)?(?:\s+(" + _SUF + r")\b)?"
    r"|(?<![\w.,])" + _NUM + r"\s?" + _SCALE + r"?\s+(?:of\s+)?(" + _SUF + r")\b", re.I)


@dataclass
class Money:
    start: int
    end: int
    amount: float
    currency: str
    text: str


def _value(num: str, scale: str | None) -> float:
    v = float(num.replace(",", ""))
    mult = 1.0
    for w in (scale or "").lower().split():
        mult *= SCALES.get(w, 1.0)
    return round(v * mult, 2)


def find_money(text: str) -> list[Money]:
    """Every money amount in ``text`` with its value in units and ISO 4217 currency."""
    out = []
    for m in MONEY.finditer(text):
        if m.group(1):
            pre, num, scale, suf = m.group(1), m.group(2), m.group(3), m.group(4)
            cur = SUFFIX.get((suf or "").lower()) or PREFIX.get(pre.lower())
            if pre.lower() in ("a$", "c$", "nz$", "hk$", "s$", "r$"):
                cur = PREFIX[pre.lower()]
        else:
            num, scale, suf = m.group(5), m.group(6), m.group(7)
            cur = SUFFIX.get(suf.lower())
        if not cur:
            continue
        amount = _value(num, scale)
        if amount == int(amount):
            amount = int(amount)
        out.append(Money(m.start(), m.end(), amount, cur, m.group(0)))
    return out
