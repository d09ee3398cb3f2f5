"""The generated gazetteer tables (scripts/gen_gazetteer.py) against what the hand-typed ones gave.

``OLD_COUNTRIES`` is kg/data/countries.tsv as it was before it was generated from pycountry.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kg.extract.gazetteer import DATA, FormMatcher, _forms, country_names, load

DEV = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev"

# alpha-3 and English short name, one a line
OLD_COUNTRIES = """
ABW Aruba
AFG Afghanistan
AGO Angola
AIA Anguilla
ALA Åland Islands
ALB Albania
AND Andorra
ARE United Arab Emirates
ARG Argentina
ARM Armenia
ASM American Samoa
ATA Antarctica
ATF French Southern Territories
ATG Antigua and Barbuda
AUS Australia
AUT Austria
AZE Azerbaijan
BDI Burundi
BEL Belgium
BEN Benin
BES Bonaire, Sint Eustatius and Saba
BFA Burkina Faso
BGD Bangladesh
BGR Bulgaria
BHR Bahrain
BHS Bahamas
BIH Bosnia and Herzegovina
BLM Saint Barthélemy
BLR Belarus
BLZ Belize
BMU Bermuda
BOL Bolivia
BRA Brazil
BRB Barbados
BRN Brunei
BTN Bhutan
BVT Bouvet Island
BWA Botswana
CAF Central African Republic
CAN Canada
CCK Cocos (Keeling) Islands
CHE Switzerland
CHL Chile
CHN China
CIV Côte d'Ivoire
CMR Cameroon
COD Congo, The Democratic Republic of the
COG Congo
COK Cook Islands
COL Colombia
COM Comoros
CPV Cabo Verde
CRI Costa Rica
CUB Cuba
CUW Curaçao
CXR Christmas Island
CYM Cayman Islands
CYP Cyprus
CZE Czechia
DEU Germany
DJI Djibouti
DMA Dominica
DNK Denmark
DOM Dominican Republic
DZA Algeria
ECU Ecuador
EGY Egypt
ERI Eritrea
ESH Western Sahara
ESP Spain
EST Estonia
ETH Ethiopia
FIN Finland
FJI Fiji
FLK Falkland Islands (Malvinas)
FRA France
FRO Faroe Islands
FSM Micronesia
GAB Gabon
GBR United Kingdom
GEO Georgia
GGY Guernsey
GHA Ghana
GIB Gibraltar
GIN Guinea
GLP Guadeloupe
GMB Gambia
GNB Guinea-Bissau
GNQ Equatorial Guinea
GRC Greece
GRD Grenada
GRL Greenland
GTM Guatemala
GUF French Guiana
GUM Guam
GUY Guyana
HKG Hong Kong
HMD Heard Island and McDonald Islands
HND Honduras
HRV Croatia
HTI Haiti
HUN Hungary
IDN Indonesia
IMN Isle of Man
IND India
IOT British Indian Ocean Territory
IRL Ireland
IRN Iran
IRQ Iraq
ISL Iceland
ISR Israel
ITA Italy
JAM Jamaica
JEY Jersey
JOR Jordan
JPN Japan
KAZ Kazakhstan
KEN Kenya
KGZ Kyrgyzstan
KHM Cambodia
KIR Kiribati
KNA Saint Kitts and Nevis
KOR South Korea
KWT Kuwait
LAO Laos
LBN Lebanon
LBR Liberia
LBY Libya
LCA Saint Lucia
LIE Liechtenstein
LKA Sri Lanka
LSO Lesotho
LTU Lithuania
LUX Luxembourg
LVA Latvia
MAC Macao
MAF Saint Martin (French part)
MAR Morocco
MCO Monaco
MDA Moldova
MDG Madagascar
MDV Maldives
MEX Mexico
MHL Marshall Islands
MKD North Macedonia
MLI Mali
MLT Malta
MMR Myanmar
MNE Montenegro
MNG Mongolia
MNP Northern Mariana Islands
MOZ Mozambique
MRT Mauritania
MSR Montserrat
MTQ Martinique
MUS Mauritius
MWI Malawi
MYS Malaysia
MYT Mayotte
NAM Namibia
NCL New Caledonia
NER Niger
NFK Norfolk Island
NGA Nigeria
NIC Nicaragua
NIU Niue
NLD Netherlands
NOR Norway
NPL Nepal
NRU Nauru
NZL New Zealand
OMN Oman
PAK Pakistan
PAN Panama
PCN Pitcairn
PER Peru
PHL Philippines
PLW Palau
PNG Papua New Guinea
POL Poland
PRI Puerto Rico
PRK North Korea
PRT Portugal
PRY Paraguay
PSE Palestine
PYF French Polynesia
QAT Qatar
REU Réunion
ROU Romania
RUS Russia
RWA Rwanda
SAU Saudi Arabia
SDN Sudan
SEN Senegal
SGP Singapore
SGS South Georgia and the South Sandwich Islands
SHN Saint Helena, Ascension and Tristan da Cunha
SJM Svalbard and Jan Mayen
SLB Solomon Islands
SLE Sierra Leone
SLV El Salvador
SMR San Marino
SOM Somalia
SPM Saint Pierre and Miquelon
SRB Serbia
SSD South Sudan
STP Sao Tome and Principe
SUR Suriname
SVK Slovakia
SVN Slovenia
SWE Sweden
SWZ Eswatini
SXM Sint Maarten (Dutch part)
SYC Seychelles
SYR Syria
TCA Turks and Caicos Islands
TCD Chad
TGO Togo
THA Thailand
TJK Tajikistan
TKL Tokelau
TKM Turkmenistan
TLS Timor-Leste
TON Tonga
TTO Trinidad and Tobago
TUN Tunisia
TUR Turkey
TUV Tuvalu
TWN Taiwan
TZA Tanzania
UGA Uganda
UKR Ukraine
UMI United States Minor Outlying Islands
URY Uruguay
USA United States
UZB Uzbekistan
VAT Vatican City
VCT Saint Vincent and the Grenadines
VEN Venezuela
VGB Virgin Islands, British
VIR Virgin Islands, U.S.
VNM Vietnam
VUT Vanuatu
WLF Wallis and Futuna
WSM Samoa
YEM Yemen
ZAF South Africa
ZMB Zambia
ZWE Zimbabwe
"""

# kg/data/gazetteer/aliases.tsv before the names ISO (pycountry) already gives were taken out of it
OLD_ALIASES = """
USA	United States|United States of America|US|U.S.|USA|America|the White House|White House|Washington DC|State Department|Pentagon
GBR	United Kingdom|UK|U.K.|Britain|Great Britain|Downing Street|Whitehall|England|Scotland|Wales
RUS	Russia|Russian Federation|Kremlin|the Kremlin
CHN	China|People's Republic of China|PRC|Zhongnanhai|mainland China
TWN	Taiwan|Republic of China
KOR	South Korea|Republic of Korea|ROK|Korea
PRK	North Korea|DPRK|Democratic People's Republic of Korea
IRN	Iran|Islamic Republic of Iran|Islamic Republic
ARE	United Arab Emirates|UAE|U.A.E.|Emirates
SAU	Saudi Arabia|Kingdom of Saudi Arabia|KSA
TUR	Turkey|Türkiye|Turkiye
CZE	Czech Republic|Czechia
CIV	Ivory Coast|Côte d'Ivoire|Cote d'Ivoire
COD	Democratic Republic of the Congo|DR Congo|DRC|Congo-Kinshasa
COG	Republic of the Congo|Congo-Brazzaville|Congo
MMR	Myanmar|Burma
SWZ	Eswatini|Swaziland
MKD	North Macedonia|Macedonia
CPV	Cape Verde|Cabo Verde
TLS	East Timor|Timor-Leste
VAT	Vatican|Holy See|Vatican City
PSE	Palestine|Palestinian Territories|State of Palestine
BOL	Bolivia
VEN	Venezuela
SYR	Syria
LAO	Laos
MDA	Moldova
TZA	Tanzania
VNM	Vietnam|Viet Nam
FSM	Micronesia
KWT	Kuwait|State of Kuwait
QAT	Qatar|State of Qatar
BHR	Bahrain|Kingdom of Bahrain
NLD	Netherlands|the Netherlands|Holland
PHL	Philippines|the Philippines
GMB	Gambia|The Gambia
BHS	Bahamas|The Bahamas
SLB	Solomon Islands|Solomons
MHL	Marshall Islands
DOM	Dominican Republic
DMA	Dominica
KNA	Saint Kitts and Nevis|St Kitts and Nevis
LCA	Saint Lucia|St Lucia
VCT	Saint Vincent and the Grenadines
TTO	Trinidad and Tobago|Trinidad
ATG	Antigua and Barbuda|Antigua
STP	São Tomé and Príncipe|Sao Tome and Principe
BIH	Bosnia and Herzegovina|Bosnia
GNB	Guinea-Bissau
GNQ	Equatorial Guinea
PNG	Papua New Guinea
NZL	New Zealand
ZAF	South Africa
SSD	South Sudan
LKA	Sri Lanka
DEU	Germany
FRA	France|Élysée|Elysee|Elysée Palace|Quai d'Orsay
IND	India|Bharat
JPN	Japan
ISR	Israel|State of Israel
EGY	Egypt
"""

def old_countries():
    return [(line[:3], line[4:]) for line in OLD_COUNTRIES.strip().splitlines()]


@pytest.fixture(scope="module")
def g():
    return load()


def test_every_old_country_keeps_its_code_and_label(g):
    old = old_countries()
    assert len(old) == 249
    names = country_names()
    assert set(names) == {code for code, _ in old}
    for code, name in old:
        assert names[code] == name, code           # the rdfs:label kg/rdf.py writes
        assert g.countries[code] == name
        assert g.forms[name].code == code and g.forms[name].kind == "country", name


def test_every_old_alias_keeps_its_code(g):
    for line in OLD_ALIASES.strip().splitlines():
        code, cell = line.split("\t")
        for f in _forms(cell):
            assert (g.forms[f].kind, g.forms[f].code) == ("country", code), f


def test_rdf_labels_are_the_gazetteer_names():
    from kg.rdf import country_names as rdf_names
    assert rdf_names() == country_names()
    assert (rdf_names()["IND"], rdf_names()["RUS"], rdf_names()["TUR"], rdf_names()["KOR"]) == \
        ("India", "Russia", "Turkey", "South Korea")


def test_iso_and_news_names_of_countries(g):
    for form, code in [("Russian Federation", "RUS"), ("Republic of Korea", "KOR"), ("South Korea", "KOR"),
                       ("Democratic People's Republic of Korea", "PRK"), ("North Korea", "PRK"), ("Iran", "IRN"),
                       ("Islamic Republic of Iran", "IRN"), ("Syria", "SYR"), ("Vietnam", "VNM"), ("Viet Nam", "VNM"),
                       ("Laos", "LAO"), ("Turkey", "TUR"), ("Türkiye", "TUR"), ("Ivory Coast", "CIV"),
                       ("Czech Republic", "CZE"), ("Holy See", "VAT"), ("Taiwan", "TWN"), ("Kremlin", "RUS"),
                       ("Federal Republic of Germany", "DEU"),
                       ("United Kingdom of Great Britain and Northern Ireland", "GBR")]:
        assert (g.forms[form].kind, g.forms[form].code) == ("country", code), form
    # ISO's inverted forms are not text forms
    assert "Korea, Republic of" not in g.forms and "Iran, Islamic Republic of" not in g.forms


def test_country_table_names_its_source():
    head = (DATA / "countries.tsv").read_text(encoding="utf-8").splitlines()[:3]
    assert "pycountry" in head[1] and head[2].split("\t") == ["alpha3", "alpha2", "name", "iso_names"]


def _regex(forms):
    alts = sorted(forms, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?=[A-ZÀ-Ö])(?:" + "|".join(re.escape(a) for a in alts) + r")(?![\w])")


def _texts():
    texts = ["The U.S.-led talks in São Paulo and Sao Paulo, then New York City; New Yorkers met in New York. "
             "Côte d'Ivoire's and Ivory Coast's envoys, the Republic of Korea and Korea, OPEC+ and G20 leaders, "
             "Washington, D.C., St. John's, Xi'an, Port-au-Prince. Germany-based Germans; Kuwait City; Kuwaiti",
             "", "Paris", "Paris.", "Parisian", "Mr. Abu Dhabi", "AbuDhabi", "Beijing's", "Hong Kong-based"]
    if DEV.is_dir():
        texts += [json.loads(p.read_text(encoding="utf-8"))["text"] for p in sorted(DEV.glob("*.json"))]
    return texts


def test_matcher_finds_what_one_alternation_regex_finds(g):
    rx = _regex(g.forms)
    for text in _texts():
        want = [(m.start(), m.end(), m.group(0)) for m in rx.finditer(text)]
        got = [(m.start(), m.end(), m.group(0)) for m in g.pattern.finditer(text)]
        assert got == want, text[:80]


def test_matcher_match_objects():
    m = FormMatcher(["New York", "New York City", "York"])
    found = list(m.finditer("In New York City and York, not Yorkshire or New Yorkers."))
    assert [x.group(0) for x in found] == ["New York City", "York"]
    assert found[0].span() == (found[0].start(), found[0].end()) == (3, 16) and found[0][0] == "New York City"
