"""Agreement rules: one Agreement per named document or joint commitment.

A document head ("agreement", "memorandum", "joint statement", "treaty", a capitalised
"... Partnership" or "... Programme") with its noun phrase from the parse is a candidate; it is an
event only under a predicate of concluding (:mod:`kg.extract.signing`), which also gives its status
and signatories. Anaphora ("the agreement"), plurals without a list and background ("the first
trade pact ...", "signed in 2008") are not new documents; counted batches ("27 cooperation
documents") are one Agreement. Joint commitments with no document ("agreed to a ceasefire") are
Agreements with status "agreed", unless the commitment is only a trade figure (a TradeTarget).
"""
from __future__ import annotations

import re

from . import dates
from .common import evidence_fields, fill_dates
from .money import find_money
from .numbers import number_words
from .signing import actor_tokens, hyphen_pairs, np_actor_tokens, predicate, status_of
from kg.records import Agreement

HEAD = re.compile(
    r"(?i:\b(memorand(?:um|a|ums) of understanding|MoUs?|memorand(?:um|a|ums)|agreements?|accords?|treat(?:y|ies)|"
    r"joint (?:[a-z-]+ ){0,2}(?:statements?|declarations?|communiqu[eé]s?|visions?)|communiqu[eé]s?|declarations?|contracts?|pacts?|deals?|arrangements?|"
    r"ceasefires?|cease-fires?|truces?|consensus|letters? of intent|exchanges? of (?:letters|notes)|(?:cooperation )?documents|orders?(?= (?:by [^.,;]{0,60}? )?for (?:up to |as many as |more than |about )?(?:\d|(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|a hundred|hundreds|dozens|several)\b))|"
    r"(?:(?:comprehensive|strategic|global|special|privileged|enhanced|economic) )*(?:comprehensive|strategic|global|special|privileged|enhanced) (?:(?:economic|and comprehensive) )?partnership(?! (?:[Aa]greement|[Aa]ccord|[Tt]reaty|[Cc]ouncil))|"
    r"(?:cooperation |action |development )?plan|(?:cooperation|development|exchange|executive|work) program(?:me)?s?|"
    r"conventions?|protocols?|road ?maps?)\b)"
    r"|\b((?:[A-Z][\w-]+ )+(?:Partnership|Programme|Program|Vision|Framework|Roadmap|Statement|Declaration|Charter))\b"
    r"(?! (?:Agreement|Accord|Treaty|Council|Dialogue|Fund|Forum|Committee|Initiative)\b)")
_CASE_SENSITIVE_HEADS = ("Partnership", "Programme", "Program", "Vision", "Framework", "Roadmap", "Charter")
GENERIC = {"agreement", "agreements", "memorandum", "memoranda", "memorandums", "mou", "mous", "understanding",
           "joint", "statement", "declaration", "contract", "pact", "deal", "arrangement", "plan", "treaty", "accord",
           "cooperation", "field", "on", "of", "the", "a", "an", "in", "for", "and", "between", "two", "countries",
           "bilateral", "new", "separate", "this", "that", "its", "their", "long", "term", "with", "to"}
RELATIONSHIP_HEADS = {"partnership", "vision", "roadmap", "framework"}
DEFINITE = {"the", "this", "that", "these", "those", "its", "their", "his", "her", "our"}
NUMBER_WORDS = number_words(2, 10)
SIGN = re.compile(r"\b(sign(?:ed|s|ing)?|conclu(?:ded|sion)|adopt(?:ed|s)|issu(?:ed|es)|releas(?:ed|es)|exchang(?:ed|es)|"
                  r"put their names|ink(?:ed|s)|seal(?:ed|s))\b", re.I)
REPORTED = re.compile(r"\b(reported(?:ly)?|according to (?:media|various|sources|reports)|sources said|was to be made|"
                      r"is said to|were said to|described as|media reports)\b", re.I)
NEGOTIATION = re.compile(r"\b(talks|negotiations?|negotiating|discussions?|work|working)\s+(?:on|for|over|about|towards?)\s+"
                         r"(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,3}(?:(?:with|and)\s+(?:[\w-]+\s+){0,4}(?:and\s+)?(?:on|for)\s+"
                         r"(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,3})?$", re.I)
HEDGE = re.compile(r"\b(?:could|might|may)\s+(?:\w+\s+){0,2}(?:sign|signed|conclude|concluded|agree)\b|"
                   r"\bif\s+(?:it\s+is\s+|they\s+are\s+)?(?:concluded|signed|agreed|talks\s+\w+\s+well)\b", re.I)
GENERIC_NP = re.compile(r"^\s*(which|that)\s+(normally|usually|typically|often)\b", re.I)


def _np_span(doc, text: str, a: int, b: int) -> tuple[int, int, object]:
    """Character span of the noun phrase around a head at [a, b): modifiers left, PPs right. ``text`` is
    ``doc.text``, passed in because spaCy joins every token again each time it is read."""
    span = doc.char_span(a, b, alignment_mode="expand")
    if span is None or len(span) == 0:
        return a, b, None
    head = span.root
    left = head.left_edge.idx
    left = max(left, span[0].sent.start_char)
    right = head.idx + len(head.text)
    for child in head.rights:
        if (child.dep_ == "prep" and child.lower_ in ("of", "on", "for", "between", "with", "in", "to", "covering")) \
                or child.dep_ == "appos" or (child.dep_ == "punct" and child.text == "("):
            if child.dep_ == "appos" and child.i - head.i > 3:
                continue
            right = max(right, child.right_edge.idx + len(child.right_edge.text))
        elif child.dep_ in ("relcl", "acl", "cc", "conj", "punct"):
            break
    # "signed a Joint Declaration on a Strategic Partnership": the parser hangs the "on" phrase that
    # follows the document on the verb; what the document is about, unless it is a date ("on Saturday")
    nxt_tok = doc[head.i + 1] if head.i + 1 < len(doc) else None
    if nxt_tok is not None and right == head.idx + len(head.text) and nxt_tok.dep_ == "prep" \
            and nxt_tok.lower_ in ("on", "for") and nxt_tok.head.i == head.head.i and head.dep_ in ("dobj", "nsubjpass"):
        obj = next((c for c in nxt_tok.children if c.dep_ == "pobj"), None)
        if obj is not None and obj.ent_type_ not in ("DATE", "TIME", "GPE") and not obj.like_num:
            right = max(right, nxt_tok.right_edge.idx + len(nxt_tok.right_edge.text))
    if right < b:
        right = b
    # "the Agreement on Defence Cooperation and the Framework Agreement on ...": the next document ends this one
    nxt = HEAD.search(text, b, right)
    # ... unless it is what this one is about: "a Joint Declaration on a Strategic and Comprehensive
    # Partnership" is one document; a partnership, vision or roadmap is a relationship, not a second text
    if nxt is not None and re.match(r"\s+(?:on|for|of|establishing|upgrading)\s", text[b:nxt.start()]) \
            and nxt.group(0).split()[-1].lower() in RELATIONSHIP_HEADS:
        nxt = None
    if nxt is not None:
        seps = list(re.finditer(r"\s*(?:[,;]\s*(?:and\s+)?|\s+and\s+)", text[b:nxt.start()]))
        if seps:
            right = b + seps[-1].start()
    return min(left, a), right, head


# one spelling per word, so that "a defence cooperation agreement" and "the Enhanced Defense Cooperation
# Agreement" compare equal
_SPELLING = {"defense": "defence", "program": "programme", "programs": "programmes", "center": "centre",
             "organization": "organisation", "harbor": "harbour", "labor": "labour", "modernization": "modernisation",
             "utilization": "utilisation", "memorandums": "memoranda"}


def _tokens(s: str) -> set[str]:
    s = re.sub(r"\bco-op", "coop", s.lower())
    return {_SPELLING.get(w, w) for w in re.findall(r"[a-z0-9]+", s) if w not in GENERIC}


_VENUE_BEFORE = re.compile(r"\b(?:in|at|near|from|outside|inside|across|around)\s+(?:the\s+)?$", re.I)
_ORG_VENUE_AFTER = re.compile(r"^\s*(?:'s\s+)?(?:\w+\s+){0,2}(summit|meeting|forum|session|sidelines|conference|"
                              r"ministerial|leaders|secretariat|headquarters|general assembly|charter)\b", re.I)


def _is_venue(ctx, m) -> bool:
    """A place named as where something happens ("in Brussels", "at the G20 summit"), not who signs."""
    before = ctx.text[max(0, m.start - 12):m.start]
    if m.place.kind == "org":
        return bool(_ORG_VENUE_AFTER.match(ctx.text[m.end:m.end + 40])) or \
            bool(re.search(r"\b(?:at|on the sidelines of|during|sidelines of)\s+(?:the\s+)?(?:\w+\s+)?$", before, re.I))
    if m.place.kind == "city" or m.place.kind == "country":
        return bool(_VENUE_BEFORE.search(before))
    return False


def _codes_in(ctx, a: int, b: int, with_people: bool = True, venues: bool = True) -> list[str]:
    out: list[str] = []
    for _, m in ctx.places_in(a, b):
        if not venues and _is_venue(ctx, m):
            continue
        code = m.place.name if m.place.kind == "org" else m.place.code
        if code and code not in out:
            out.append(code)
    if with_people:
        for p in ctx.persons_in(a, b):
            if p.person.code and p.person.code not in out:
                out.append(p.person.code)
    return out


def _parties(ctx, np_a, np_b, s, e, last):
    g = ctx.gaz
    local = _codes_in(ctx, np_a, np_b, with_people=False, venues=False)
    sent = _codes_in(ctx, s, e, venues=False)
    if len(local) >= 2:
        return local
    if len(local) == 1:
        c = local[0]
        other = [x for x in sent if x != c]
        if other:
            return [c, other[0]]
        if last and c in last:
            return list(last)  # "3. MoU on ferry services between Kochi and ...": the list's sides go on
        if not g.is_country(c):
            top = ctx.ranked_countries()
            return [c, top[0]] if top else [c]
        p = ctx.partner_of(c)
        return [c, p] if p else [c]
    countries = [x for x in sent if g.is_country(x) or x in g.orgs.values()]
    if len(countries) >= 2:
        return countries[:6]
    if len(countries) == 1:
        if last and countries[0] in last:
            return list(last)
        p = ctx.partner_of(countries[0])
        return [countries[0], p] if p else countries
    if last:
        return list(last)
    return ctx.ranked_countries()[:2]


def _singular(noun: str) -> str:
    low = noun.lower()
    for plural, one in (("memorandums", "memorandum"), ("memoranda", "memorandum"), ("mous", "MoU"),
                        ("treaties", "treaty"), ("communiques", "communique")):
        if low.endswith(plural):
            return noun[: len(noun) - len(plural)] + one
    return noun[:-1] if low.endswith("s") else noun


def _quoted(sent: str, pos: int) -> bool:
    """True when ``pos`` is inside a double-quoted stretch of the sentence (quotes normalised to ")."""
    return sent[:pos].count('"') % 2 == 1


def _list_items(tail: str) -> list[str]:
    """'..., on A, B and C' -> [A, B, C]."""
    m = re.match(r"^(?:\s+of understanding)?\s*[,:]?\s*(?:on|for|covering)\s+(.+?)\s*(?:[.;]|$)", tail)
    if not m:
        return []
    body = re.split(r"\s+-\s+|,\s+(?:which|that|the|a|as|while|but|in|at|said)\b|\s+(?:in|at)\s+(?:sectors|areas|fields)\b"
                    r"|\s+(?:were|was|are|is|have been|has been)\s+(?:also\s+)?(?:signed|exchanged|concluded|adopted)\b", m.group(1))[0]
    items = []
    # "on cooperation in youth affairs and sports and on cooperation in archives": when the items repeat
    # their preposition, only "and on" / ", on" separates them
    repeated = re.search(r"(?:,|\band)\s+on\s+", body)
    for part in re.split(r",\s*(?:and\s+)?on\s+|\s+and\s+on\s+" if repeated else r",\s*(?:and\s+)?(?:on\s+)?", body):
        for piece in ([part] if repeated else re.split(r"\s+and\s+(?:on\s+)?", part)):
            piece = piece.strip()
            # "... Investment and Infrastructure Fund": an "and" between capitalised words is part of a name
            if items and piece[:1].isupper() and re.search(r"[A-Z][\w'-]*$", items[-1]) and " and " in part:
                items[-1] = f"{items[-1]} and {piece}"
            elif piece:
                items.append(piece)
    return items if len(items) >= 2 else []


def _date_for(ctx, si, pub):
    s, e = ctx.sents[si]
    ds = dates.find_dates(ctx.text[s:e], pub)
    return ds[0][2] if ds else None


def extract_agreements(ctx, original: str, pub) -> list[Agreement]:
    doc = ctx.doc
    text = ctx.text
    found: list[Agreement] = []
    heads_seen: list[tuple[str, Agreement]] = []
    last_parties = None
    prev_sign = False
    for si, (s, e) in enumerate(ctx.sents):
        sent = text[s:e]
        made_here = []
        examples_of = None  # the remainder batch whose examples this sentence is listing
        spans_here: list[tuple[int, int]] = []
        # "Under the Agreement, the parties will establish ... and launch a Regional ... Framework": the terms
        # of a document already told, not new ones
        terms_of = _TERMS_OF.match(sent)
        for m in HEAD.finditer(sent):
            head_txt = m.group(0)
            if terms_of and m.start() >= terms_of.end():
                continue
            if m.group(2):
                a0 = s + m.start(2)
            else:
                a0 = s + m.start(1)
            head_word = head_txt.split()[-1].lower()
            if any(x <= a0 < y for x, y in spans_here):
                continue  # "a Joint Declaration on a Strategic Partnership": one document, named once
            np_a, np_b, htok = _np_span(doc, text, a0, s + m.end())
            np_text = text[np_a:np_b]
            words = [w.lower() for w in re.findall(r"[\w-]+", text[np_a:a0])]
            first = head_txt.split()[0].lower()
            if first not in ("memorandums", "memoranda", "mous", "agreements", "treaties", "letters", "statements"):
                first = head_word  # only a document noun can make "memorandums of understanding" plural
            plural = any((w.endswith("s") and not w.endswith(("us", "ss")) and w != "mous") or w in ("memoranda", "treaties", "mous")
                         for w in {head_word, first})
            if head_word in ("mous",):
                plural = True
            before = text[max(s, np_a - 70):np_a]
            tail = text[s + m.end():e]
            if any(w in ("first", "only", "previous", "earlier", "existing", "future", "similar", "any", "no", "last",
                         "past", "possible", "potential", "proposed", "draft") for w in words) and not (
                    words[:2] in (["a", "similar"], ["an", "identical"]) and re.match(r"\s+with\s", text[s + m.end():e])
                    and htok is not None and htok.dep_ == "dobj"):
                continue  # but "signed a similar agreement with Cambodia": another document of its own
            if NEGOTIATION.search(before + text[np_a:a0]) or HEDGE.search(sent):
                continue
            if re.search(r"\bnot\s+(?:yet\s+)?$", text[max(s, np_a - 12):np_a]):
                continue  # "signed the Kigali Declaration but not the agreement itself"
            if GENERIC_NP.match(tail):
                continue
            if re.search(r"\b(is|was|are|were)\s+(?:not\s+)?$", before) and head_txt[0].islower() and not m.group(2) \
                    and not prev_sign:  # "Among them were an accord on ...": a list after a signing
                continue
            if not m.group(2) and head_word in ("plan",) and not re.search(r"\b(sign\w*|adopt\w*|cooperation|plan to)\b", sent[:m.end()], re.I) and not words:
                continue
            if head_word == "deal" and not words:
                continue
            if _COUNT_AND.search(text[max(s, np_a - 60):np_a]):
                continue  # "18 agreements and memoranda on energy, ...": one count of both kinds
            if head_word.startswith("program") and htok is not None and htok.dep_ == "pobj" and htok.head.lower_ in ("on", "for"):
                continue  # "three memorandums, on a cultural exchange programme, ...": what a document is about
            if re.search(r"\bto\s+$", text[max(s, a0 - 4):a0]) and head_word in ("deal", "contract", "plan", "pact"):
                continue  # "free to deal with": a verb
            if head_word.startswith("protocol") and re.search(r"\b(?:with|of|breaking|broke|break)\s+$", text[max(s, a0 - 10):a0]):
                continue  # "a break with protocol": etiquette
            introduced = re.search(r"\b(?:among them|including|such as|notably)\s+(?:an?\s+|the\s+)?$", text[max(s, a0 - 30):a0])
            count_of = next((o for o in made_here if htok is not None and getattr(o, "_batch", False) and (
                (htok.dep_ == "appos" and getattr(o, "_tok", None) == htok.head.i) or introduced)), None)
            if htok is not None and htok.dep_ == "appos" and made_here and count_of is None and (
                    any(getattr(o, "_tok", None) == htok.head.i for o in made_here)
                    or not set(w.lower() for w in re.findall(r"[\w-]+", text[np_a:a0])) - {"a", "an", "the"}):
                continue  # 'a joint declaration, "A Joint Vision for 2030"': one document
            # a signing earlier in the sentence opens the list too ("signed the Treaty ... between A and B, and
            # the Agreement ...", which the parser hangs on B); "Eight agreements were exchanged ..., among them an
            # Agreement between ...": an item of the count, concluded by the count's own act
            signed_before = prev_sign or bool(made_here and SIGN.search(sent[:m.start()]))
            frame = _frame(htok, signed_before) if count_of is None else (doc[count_of._pred], "list", count_of.status)
            if frame is None or "following" in words:
                continue  # a document only mentioned, with no act of concluding it (or a list's header)
            pred, rel, status = frame
            if pred.dep_ in ("acl", "relcl") and any(getattr(o, "_tok", None) == pred.head.i for o in made_here):
                continue  # "a treaty establishing the reserve arrangement": what the document sets up, no second one
            if pred.lemma_ in ("welcome", "hail") and htok is not None and any(
                    c.dep_ == "poss" and (c.ent_type_ in ("GPE", "NORP") or c.lower_ in ("his", "her", "its"))
                    for c in htok.children):
                continue  # "Yameen welcomed China's Maritime Silk Road plan": one side's initiative, welcomed
            if pred.lemma_ == "be" and _quoted(sent, m.start()):
                continue  # '"This is a real big deal," said Biden': a quote's figure of speech
            if _background_date(ctx, pred, pub):
                continue
            count = next((NUMBER_WORDS.get(w) or int(w) for w in words if w in NUMBER_WORDS or w.isdigit()), None)
            titles: list[str]
            batch = False
            ones = re.findall(r"\bone (?:on|for|covering|with) ([^,;.]+)", tail) if (plural or count) else []
            if ones:
                # "Four further memorandums were exchanged: one on manpower, ..., one on rail, and two others"
                one = _singular(head_txt)
                titles = [f"{one} on {x.strip()}" for x in ones]
                rest = re.search(r"\band (\w+) others?\b", tail)
                n_rest = rest and (NUMBER_WORDS.get(rest.group(1).lower()) or (int(rest.group(1)) if rest.group(1).isdigit() else None))
                if n_rest:
                    titles.append(f"{rest.group(1)} other {head_txt}")
            elif plural or count:
                items = _list_items(tail)
                if items and not (count and len(items) != count):
                    one = _singular(head_txt) if " " not in head_txt else head_txt  # "agreements: on A, on B": each an agreement
                    titles = [f"{one} on {it}" for it in items]
                elif count or any(w in ("other", "further", "additional", "remaining") for w in words):
                    titles = [np_text.strip()]  # a batch: "27 cooperation documents", "28 further documents"
                    batch = True
                else:
                    continue
            else:
                if any(w.isdigit() for w in words):
                    continue
                titles = [np_text.strip()]
            definite = bool(words) and words[0] in DEFINITE
            if definite:
                # "the agreement" points back; "the Framework Agreement on Cooperation ..." names a document
                content = _tokens(np_text) - {head_word}
                named = bool(m.group(2)) or head_txt[:1].isupper()
                if not content or (any(h == head_word for h, _ in heads_seen) and not named):
                    ante = next((a for h, a in reversed(heads_seen) if h == head_word), None)
                    bodies = _signed_for_bodies(ctx, pred, e) if ante is not None else None
                    if bodies:
                        ante.parties = bodies  # "The pipeline agreement was signed by the heads of A and B": theirs
                    continue
            parties = _signatories(ctx, pred, rel, htok, np_text, last_parties)
            parties = _bodies_between(ctx, doc, np_a, np_b, parties)
            actors = {k for t in actor_tokens(pred, rel, htok) for k in _resolve_actor(ctx, t)}
            if head_word.startswith(("declaration", "statement", "plan")) and "joint" not in np_text.lower() and \
                    len(actors) == 1 and not actors & {"PAIR", "MEMBERS"} and not next(iter(actors)).startswith("OTHER:"):
                continue  # one side's declaration or statement is no agreement
            parties = _not_own_acronym(ctx, parties, np_text)
            parties = _members_of_groupings(ctx, parties, pub)
            if len(parties) < 2:
                parties = _parties(ctx, np_a, np_b, s, e, last_parties)
                if ctx.dyad and set(ctx.dyad) <= set(parties) and len(parties) > 2 and not _PRESENCE.search(sent):
                    parties = list(ctx.dyad)  # the sentence's other states are context, not signatories
            parties = _not_own_acronym(ctx, parties, np_text)
            parties = _signed_for_bodies(ctx, pred, e) or parties
            if len(parties) < 2:
                continue
            if status == "signed" and pred.lemma_ == "put" and any(c.dep_ == "dobj" and c.lemma_ in ("initial", "initials")
                                                                    for c in pred.children):
                status = "agreed"  # "put their initials to": initialled, not signed (as "initialled" is)
            if status == "signed" and pred.lemma_ in ("agree", "reach", "launch", "establish", "create", "announce", "upgrade", "initial",
                                                       "elevate", "raise", "lift", "set", "forge", "welcome"):
                status = "agreed"
            if status == "signed" and REPORTED.search(sent) and not re.search(r",\s+(?:the\s+)?[\w.\s-]{2,40}\s+reported\.?\s*$", sent):
                status = "reported"  # "..., the BTA reported": a wire's attribution, not an unconfirmed report
            for t in titles:
                title = re.sub(r"\s+", " ", t).strip(" ,;:.\"“”")
                title = re.sub(r"^(?:(?:among them|including|notably|and|such as)\s+)+", "", _ENUM.sub("", title), flags=re.I)
                title = re.sub(r"^(?:an?|the)\s+", "", title, flags=re.I)
                title = _TRAILING_DATE.sub("", title) or title  # "agreement on Monday": the date is a slot of its own
                title = _TITLE_CLAUSE.sub("", title) or title  # "... that would give the landlocked country ...": what it does
                where = re.search(r"\s+(?:in|at)\s+(?:the\s+)?([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2})$", title)
                if where and where.group(1) in ctx.gaz.forms and where.start() > 0:
                    title = title[:where.start()]  # "memorandum ... in Addis Ababa": where it was signed
                if title.count("(") > title.count(")"):
                    title = re.sub(r"\s*\([^()]*$", "", title)  # "... Agreement (CETA" cut before its ")"
                dup = None
                for old in found:
                    if sorted(old.parties) == sorted(parties):
                        tn, to = _tokens(title), _tokens(old.title or "")
                        same_kind = getattr(old, "_head", head_word) == head_word  # a statement is no partnership
                        if (tn == to and same_kind) or (tn and to and (tn <= to or to <= tn) and len(titles) == 1
                                                         and same_kind):
                            dup = old
                            break
                if dup is not None:
                    continue
                topic = re.search(r"\b(?:on|for)\s+(.+)$", title)
                ag = Agreement(parties=parties, title=title, topics=[topic.group(1)] if topic else [],
                               date=_date_for(ctx, si, pub), status=status,
                               **evidence_fields(ctx, (s, e), original))
                ag._head = head_word  # type: ignore[attr-defined]
                ag._batch = batch  # type: ignore[attr-defined]
                ag._si = si  # type: ignore[attr-defined]
                ag._remainder = bool(re.search(r"\b(?:other|further|additional|remaining)\b", np_text, re.I))  # type: ignore[attr-defined]
                ag._tok = htok.i if htok is not None else None  # type: ignore[attr-defined]
                if count_of is not None:
                    count_of._named_items = True  # type: ignore[attr-defined]
                    # "six other documents, including protocols on security and trade": examples of a remainder
                    # the text counts apart, which is one batch (GUIDELINES v2), not events of their own
                    if introduced and getattr(count_of, "_remainder", False):
                        ag._item_of = examples_of = count_of  # type: ignore[attr-defined]
                elif examples_of is not None:
                    ag._item_of = examples_of  # type: ignore[attr-defined]  # "..., and agreements on trade"
                ag._pred = pred.i  # type: ignore[attr-defined]
                if len(parties) >= 2 and all(ctx.gaz.is_country(p) for p in parties):
                    last_parties = parties  # the states "the two sides", "the three leaders" of the next one mean
                spans_here.append((np_a, np_b))
                ag.confidence = 0.85 if rel in ("object", "subject", "noun", "participle") else 0.7
                for one in _each_signed(ctx, ag, pred, rel):
                    found.append(one)
                    made_here.append(one)
                heads_seen.append((head_word, ag))
        # joint commitments with no document named ("agreed to hold joint exercises", "decided to ...")
        if not terms_of:
            # also next to a document: "witnessed the signing of a grant agreement ..., and agreed to set up
            # a joint committee" (a commitment of its own, not the document's predicate or contents)
            made_here += _commitments(ctx, doc, s, e, si, pub, original, last_parties, found, made_here)
        # a signing sentence opens a list context that enumerated items and "These include ..." continue
        if SIGN.search(sent) or made_here:
            prev_sign = True
        elif not (_ENUM.match(sent) or re.match(r"\s*(?:these|they|those|among them|the (?:documents|agreements))\b", sent, re.I)
                  or len(sent.split()) < 3):  # "; and" split off an item keeps the list open
            prev_sign = False
    _fill_dates(ctx, found, pub)
    return _drop_generic_twins(ctx, found)


# groupings with no legal personality of their own: what "the BRICS group signed" binds is its member states
GROUPINGS = {"BRICS", "G7"}


def _members_of_groupings(ctx, parties, pub):
    """"The BRICS group of emerging economies signed an agreement": the members at the time sign, as the
    body's "signed by finance ministers in the presence of ..." will name them (memberships.tsv)."""
    out: list[str] = []
    for p in parties:
        members = ctx.gaz.members(p, pub.year) if p in GROUPINGS and pub is not None else []
        out.extend(members or [p])
    return list(dict.fromkeys(out))


_TERMS_OF = re.compile(r"\s*(?:Under|Through|By|With) (?:the|this|that|its|their) (?:[\w-]+ ){0,3}(?:agreement|deal|accord|"
                       r"treaty|declaration|memorandum|pact|plan|terms|arrangement|framework)\b[^,]{0,60},", re.I)
_DOC_ABBREVIATED = re.compile(r"(?:understanding|agreement|treaty|accord|pact|memorandum|declaration|statement|"
                              r"arrangement|protocol|convention|communiqu\w+|charter|deal)\s*\(([^()]+)\)", re.I)


def _not_own_acronym(ctx, parties, np_text):
    """Parties without the document's own abbreviation: "a Memorandum of Understanding (MOU)" signs nothing."""
    own = {m.group(1).strip().lower() for m in _DOC_ABBREVIATED.finditer(np_text)}
    return [p for p in parties if ctx.gaz.is_country(p) or p.lower() not in own]


_TRAILING_DATE = re.compile(
    r"\s+(?:(?:on|in|last|this|next|earlier|late|early)\s+)?(?:(?:the\s+)?(?:" + "|".join(dates.WEEKDAYS)
    + r")|(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?:" + "|".join(m for m in dates.MONTHS if len(m) > 3)
    + r")(?:\s+\d{1,2}(?:st|nd|rd|th)?)?(?:,?\s+\d{4})?|today|yesterday|tomorrow|\d{4})$", re.I)


def _own_act(a, b) -> bool:
    """"signed 11 documents ... and issued a joint statement": in one sentence, a document another verb
    concludes is not one of the count's."""
    return getattr(a, "_si", None) == getattr(b, "_si", None) and None not in (getattr(a, "_pred", None), getattr(b, "_pred", None)) \
        and a._pred != b._pred


# "agreed on Friday to re-establish relations ... in a deal brokered by China": the terms of a deal, which
# the article may then name as a signed document
_IN_DEAL = re.compile(r"\b(?:in|under|as part of)\s+(?:an?|the)\s+(?:[\w-]+\s+){0,2}(?:deal|agreement|accord|pact)\b", re.I)


def _names_apart(ctx, a, b) -> bool:
    """"Alongside the treaty ..., the three leaders signed the Khujand Declaration": the named document's
    sentence, or one between the lead and it ("The agreement on the bank ... were signed ... The leaders also
    adopted the Fortaleza Declaration"), names the lead's document by its own noun: two documents."""
    head = getattr(a, "_head", "")
    si = getattr(b, "_si", None)
    if not head or si is None:
        return False
    lo = min(si, getattr(a, "_si", si) + 1)
    sent = ctx.text[ctx.sents[lo][0]:ctx.sents[si][1]].replace(b.title or "\0", " ")
    return bool(re.search(r"\b" + re.escape(head.rstrip("s")) + r"s?\b", sent, re.I))


def _drop_generic_twins(ctx, found):
    """"The US and the Taliban signed an agreement in Doha on Saturday. ... signed the Agreement for Bringing
    Peace to Afghanistan": a bare mention ("an agreement", "a deal" + place or time) of a document the
    article then names, with the same parties and date, is that document."""
    places = {w.lower() for _, mm in ctx.places_in(0, len(ctx.text)) for w in mm.text.split()}

    def bare(a):
        words = _tokens(a.title or "") - {getattr(a, "_head", "")} - places
        return not words and not getattr(a, "_batch", False) and (a.title or "")[:1].islower()

    # GUIDELINES v2, document counts: "signed 12 documents, including A and B" or "... 14 agreements. These
    # include A, B": the named documents are the events, not the count; "28 further documents" stays a batch
    # (a partnership the leaders raised their ties to is no document of the count)
    named_near = lambda a: any(b is not a and not getattr(b, "_batch", False) and sorted(b.parties) == sorted(a.parties)  # noqa: E731
                               and getattr(b, "_head", "") not in RELATIONSHIP_HEADS
                               and hasattr(b, "_head")  # a document, not a commitment ("agreed to begin studies")
                               and 0 <= getattr(b, "_si", -9) - getattr(a, "_si", -99) <= 1
                               and not (a.date and b.date and a.date != b.date)  # issued another day: not of the count
                               and not _own_act(a, b) for b in found)
    found = [a for a in found if not (getattr(a, "_batch", False) and not getattr(a, "_remainder", False)
                                      and (named_near(a) or getattr(a, "_named_items", False)))]
    for a in found:
        batch = getattr(a, "_item_of", None)
        if batch is not None:
            batch.topics = list(dict.fromkeys((batch.topics or []) + (a.topics or [])))
    found = [a for a in found if getattr(a, "_item_of", None) is None]

    def about_other(a):
        # '"We have reached a consensus on the convention," X said': agreeing on a document already told is
        # that document, not another one
        m = re.match(r"^(?:an?\s+|the\s+)?(?:consensus|agreement|deal|understanding)\s+(?:on|over)\s+the\s+([\w-]+)$",
                     a.title or "", re.I)
        return bool(m) and any(b is not a and m.group(1).lower() in (b.title or "").lower().split()
                               and not re.match(r"^(?:consensus|agreement|deal|understanding)\b", b.title or "", re.I)
                               for b in found)
    found = [a for a in found if not about_other(a)]
    def described_by(a, b):
        # "a defence cooperation agreement with Poland" ... "the Enhanced Defense Cooperation Agreement":
        # a lower-case description whose words the named document's title all has
        # a lead's description ("signed a free trade agreement on Tuesday") of the document the body names
        words = _tokens(a.title or "") - {getattr(a, "_head", "")} - places
        described = (a.title or "")[:1].islower() and not getattr(a, "_batch", False) and (b.title or "")[:1].isupper()
        lead = a is found[0] and getattr(a, "_si", 0) < getattr(b, "_si", 0) \
            and not re.search(r"\b(?:on|for|to|of)\b", a.title or "")  # "an agreement on X" is its own document
        return bare(a) or (described and ((words and words <= _tokens(b.title or "")) or lead))

    def lead_of(a, b):
        # "KUALA LUMPUR - Thailand and Cambodia signed a peace declaration ..." then "... the Kuala Lumpur Peace
        # Accord": the lead's lower-case description of the document the body names, whatever noun it uses
        return a is found[0] and (a.title or "")[:1].islower() and (b.title or "")[:1].isupper() \
            and getattr(a, "_si", 0) < getattr(b, "_si", 0) and not re.search(r"\b(?:on|for|to|of|with)\b", a.title or "") \
            and getattr(b, "_head", "") not in RELATIONSHIP_HEADS and not getattr(a, "_batch", False) \
            and not _names_apart(ctx, a, b)

    def raised_by(a, b):
        # "decided to elevate the relationship to a Strategic Partnership" and "(i) Agreement ... on establishing
        # a Strategic Partnership": the partnership is what the signed document establishes
        return getattr(a, "_head", "") in RELATIONSHIP_HEADS and a.status == "agreed" and b.status == "signed" \
            and getattr(b, "_head", "") not in RELATIONSHIP_HEADS and _tokens(a.title or "") <= _tokens(b.title or "")

    out = []
    for a in found:
        twin = any(b is not a and not bare(b) and described_by(a, b) and sorted(b.parties) == sorted(a.parties)
                   and b.date == a.date and b.status == a.status and getattr(b, "_head", None) == getattr(a, "_head", None)
                   for b in found)
        twin = twin or (a.status == "agreed" and _IN_DEAL.search(a.evidence or "") and any(
            b is not a and b.status == "signed" and set(a.parties) <= set(b.parties)
            and getattr(b, "_si", -1) > getattr(a, "_si", 10**6) for b in found))
        twin = twin or any(b is not a and sorted(b.parties) == sorted(a.parties) and (
            (lead_of(a, b) and b.date == a.date and b.status == a.status) or raised_by(a, b)) for b in found)
        if not twin:
            out.append(a)
    return out


_ENUM = re.compile(r"^\s*(?:\(?[ivx]+\)|\(?\d{1,2}[.)]|\(?[a-h]\)|[-•*])\s+")


def _docish(tok) -> bool:
    """The conjunct a list item hangs on is a document too ("(ii) Agreement on ... and the Protocol on ..."),
    not a word of another clause ("... finance infrastructure in developing countries and the Contingent
    Reserve Arrangement would protect ...", which the parser joins to "countries")."""
    for _ in range(8):  # "the Agreement on Defence Cooperation and the Framework Agreement": via "on"
        if HEAD.search(" ".join(t.text for t in tok.subtree if t.i <= tok.i)):
            return True
        if tok.dep_ not in ("pobj", "prep") or tok.head is tok:
            return False
        tok = tok.head
    return False


_BODY_ROLE = re.compile(
    r"\b(?:[Cc]hairman|[Cc]hairwoman|[Cc]hairperson|[Pp]resident|(?:[Gg]roup\s+)?[Mm]anaging\s+[Dd]irector|"
    r"[Dd]irector[- ][Gg]eneral|[Cc]hief\s+[Ee]xecutive(?:\s+[Oo]fficer)?|CEO|[Gg]overnor|[Hh]ead)\s+of\s+(?:the\s+)?"
    r"(?:[A-Z][\w'’-]*['’]s\s+)?"
    r"(?P<body>[A-Z][\w'’&-]*(?:\s+(?:[A-Z][\w'’&-]*|of|for|des|de|du|la|et|and|the|Across))*)")
_BODY_WORD = re.compile(r"\b(?:Foundation|Association|Corporation|Company|Bank|Authority|Agency|Office|Board|Council|"
                        r"Commission|Group|Institute|Organi[sz]ation|Fund|Federation|Chamber|Society|Exchange|Ltd|Limited|"
                        r"Corp|Inc|Hydrocarbures|Nationale?|Compagnie|Soci[eé]t[eé]|Enterprises?|Holdings)\b")


def _signed_for_bodies(ctx, pred, e) -> list[str] | None:
    """"The pact was inked by X, chairman of Taiwan's Straits Exchange Foundation, and Y, president of China's
    Association for ...": officials a passive signing names by their posts in bodies sign for those bodies
    (GUIDELINES v2: firms and state bodies are parties). Two bodies or nothing."""
    if not any(c.dep_ == "agent" for c in pred.children):
        return None
    bodies = []
    for m in _BODY_ROLE.finditer(ctx.text, pred.idx, e):
        body = re.sub(r"(?:\s+(?:of|for|des|de|du|la|et|and|the|Across))+$", "", m.group("body"))
        if body in ctx.gaz.forms or not _BODY_WORD.search(body) or body in bodies:
            continue
        bodies.append(body)
    return bodies if len(bodies) == 2 else None


def _each_signed(ctx, ag, pred, rel) -> list:
    """"Reliance Power and Adani Power each signed a memorandum with the Board": one document per subject,
    each with the other side."""
    if rel != "object" or len(ag.parties) < 3:
        return [ag]
    subj = next((c for c in pred.children if c.dep_ == "nsubj"), None)
    each = subj is not None and (any(c.lower_ == "each" for c in subj.children) or
                                 any(c.lower_ == "each" and c.dep_ in ("advmod", "npadvmod", "dep") for c in pred.children))
    if not each:
        return [ag]
    own = [k for k in _resolve_actor(ctx, subj) if k in ag.parties]
    others = [p for p in ag.parties if p not in own]
    if len(own) < 2 or not others:
        return [ag]
    from dataclasses import replace
    out = []
    for k in own:
        one = replace(ag, parties=[k] + others, topics=list(ag.topics))
        one.__dict__.update({a: v for a, v in ag.__dict__.items() if a.startswith("_")})
        out.append(one)
    return out


def _frame(htok, prev_sign):
    """(predicate, relation, status) for a document head, or None when it is no event."""
    if htok is None:
        return None
    f = predicate(htok)
    if f is None and prev_sign and htok.dep_ == "conj" and htok.head.pos_ == "VERB" and SIGN.fullmatch(htok.head.text):
        # "signed the Treaty ... between A and B, and the Agreement ...": the parser joins the second
        # document to the verb; it is the verb's object too, signed by its subject
        return htok.head, "object", "signed"
    if f is None and prev_sign and ((htok.dep_ == "conj" and _docish(htok.head)) or htok.dep_ in ("appos", "dep") or
                                    not any(t.pos_ in ("VERB", "AUX") and t.dep_ == "ROOT" for t in htok.sent)):
        # "(iii) Executive Programme for cooperation in sports", "... and the Framework Agreement on ...":
        # an item of a signing list
        return htok, "list", "signed"
    if f is None:
        return None
    pred, rel = f
    if rel == "list" and not prev_sign:
        return None
    status = status_of(pred, rel)
    if status is None:
        return None
    return pred, rel, status


def _resolve_actor(ctx, tok):
    """Party keys named by one actor token and its conjuncts: ISO3 for states (people give their
    country), the short name for known organisations, the entity text for firms; "PAIR" for
    "the two sides", "both countries", "they"."""
    out = []
    seen = set()

    def add(k):
        if k and k not in seen:
            seen.add(k)
            out.append(k)

    stack = [tok]
    sides = _between_sides(ctx, tok) if tok.head.lower_ == "between" else None
    if sides:
        return sides
    if tok.head.lower_ == "between":
        # "between Canada, of the one part, and the European Union ...": the parser often loses the second
        # side, so every state or organisation named up to the end of the document's phrase counts
        head = tok.head.head
        end = max(x.idx + len(x.text) for x in head.subtree)
        for _, mm in ctx.places_in(tok.head.idx, end):
            if mm.place.kind in ("country", "org", "demonym") and not _is_venue(ctx, mm):
                add(mm.place.name if mm.place.kind == "org" else mm.place.code)
        # "between Canada, of the one part, and the European Union ...": every name inside the phrase
        stack += [t for t in tok.subtree if t.i != tok.i and t.pos_ == "PROPN" and t.dep_ in ("conj", "pobj", "appos")
                  and t.head.dep_ != "compound"]
    while stack:
        t = stack.pop(0)
        stack += [c for c in t.children if c.dep_ == "conj" and c not in stack]
        named = next((c for c in t.children if c.dep_ == "appos" and c.pos_ == "PROPN" and c.i > t.i), None)
        if t.tag_ == "NN" and named is not None:
            inside = ctx.persons_in(named.idx, named.idx + len(named.text))
            if t.lower_ in FIRM_NOUNS and inside and not any(p.person.code or p.person.org for p in inside):
                # "Budget carrier VietJet": a name the description calls a firm is one, whatever the parser thinks
                add(firm_name(" ".join(x.text for x in named.subtree if x.pos_ == "PROPN")))
                continue
            t = named  # "Vietnam's national carrier Vietnam Airlines": the name, not its description
            stack += [c for c in t.children if c.dep_ == "conj" and c not in stack]  # "... Rosatom and Ethiopia"
        if _in_dateline(ctx, t.idx) or t.ent_type_ in ("DATE", "TIME"):
            continue  # "ABU DHABI, March 4 (Brief) -": where the report was filed; "by Aug. 17": a deadline
        low = t.lower_
        if t.tag_ == "NN" and low in FIRM_NOUNS and t.left_edge.i > 0 and t.doc[t.left_edge.i - 1].text == "," \
                and t.dep_ in ("nsubj", "appos", "conj"):
            continue  # "BENEFIT, Bahrain's electronic payments company, signed": a description of the name before
        if t.dep_ in ("conj", "nsubj") and re.fullmatch(r"[A-Z][A-Z&]{2,9}", t.text) and t.text not in ctx.gaz.forms \
                and not ctx.persons_in(t.idx, t.idx + len(t.text)):
            add(t.text)  # "The National Payments Corporation of India and BENEFIT": a name in capitals, a body
            continue
        of_phrase = [c for c in t.children if c.dep_ == "prep" and c.lower_ == "of"]
        if (t.like_num or t.pos_ == "NUM" or low in ("ministers", "representatives", "officials", "delegates",
                                                      "envoys", "negotiators") or low in PAIR_NOUNS) and of_phrase:
            # "44 of the AU's 55 members", "trade ministers of the 10 ASEAN members - Brunei, ... - and of China"
            a0 = of_phrase[0].idx
            b0 = max(x.idx + len(x.text) for x in t.subtree)
            inside = [mm for _, mm in ctx.places_in(a0, b0) if mm.place.kind in ("country", "org", "demonym")]
            states = [mm.place.code for mm in inside if mm.place.kind != "org" and mm.place.code]
            orgs = [mm.place.name for mm in inside if mm.place.kind == "org"]
            if low in PAIR_NOUNS and len(states) < 2:
                states = orgs = []  # "the Turkish and Greek sides of the island of Cyprus": not Cyprus
            for k in (states if len(states) >= 2 else orgs[:1] or states):
                add(k)
            if out:
                continue
        heads_of = low == "heads" and re.match(r"\s+of\s+(?:state|government)", ctx.text[t.idx + len(t.text):])
        # "the leaders of the five countries bordering the Caspian Sea": a counted group of states, the summit's
        heads_of = heads_of or (low in ("leaders", "heads", "presidents") and re.match(
            r"\s+of\s+(?:the\s+|all\s+)?(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+"
            r"(?:\w+\s+)?(?:countries|nations|states|member states)\b", ctx.text[t.idx + len(t.text):]))
        if low in ("leaders", "members", "heads", "participants") and not any(c.lower_ in ("two", "both") for c in t.children) \
                and (heads_of or not [c for c in t.children if c.dep_ == "prep"]):
            add("MEMBERS")  # "the leaders adopted ...": at a summit, every member
            continue
        two = any(c.lower_ in ("two", "both") for c in t.subtree if c.i < t.i)
        # "the sides", "The Ministers" of a readout; not "the United States", a name
        common = t.text.islower() or (t.text.istitle() and not any(x.dep_ == "compound" for x in t.children))
        if low in ("they", "we", "both") or (low in PAIR_NOUNS and (two or (common and any(
                c.lower_ == "the" for c in t.children)))):
            add("PAIR")
            continue
        # the token's own noun phrase, without clauses and prepositional phrases other than "of"
        a, b = t.idx, t.idx + len(t.text)
        for c in t.subtree:
            if c.i < t.i and c.dep_ not in ("relcl", "acl", "punct", "cc", "conj") and not any(
                    x.dep_ in ("conj", "relcl", "acl") for x in [c] + list(c.ancestors) if x.i != t.i and x.i > c.i and x in t.subtree):
                a = min(a, c.idx)
        for c in t.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                b = max(b, c.right_edge.idx + len(c.right_edge.text))
        ent = next((e for e in t.doc.ents if e.start <= t.i < e.end), None)
        places = [mm for _, mm in ctx.places_in(a, b)]
        persons = ctx.persons_in(a, b)
        if t.dep_ in ("nsubj", "nsubjpass"):
            # "President of the European Commission X and President of Egypt Y signed": the parser hangs the
            # second signatory inside the first one's "of" phrase; each named official joined by "and" signs
            clauses = [(c.left_edge.idx, c.right_edge.idx + len(c.right_edge.text)) for c in t.subtree
                       if c.dep_ in ("relcl", "acl") and c.i != t.i]   # "Vietnam, which has received Biden and Xi, ..."
            whole = [p for p in ctx.persons_in(min(x.idx for x in t.subtree), max(x.idx + len(x.text) for x in t.subtree))
                     if not any(u <= p.start < v for u, v in clauses)]
            for p, q in zip(whole, whole[1:]):
                if q.kind == "name" and re.search(r"\band\b", ctx.text[p.end:q.start]):
                    if q.person.org or q.person.code:
                        add(q.person.org or q.person.code)
                    elif p.person.code or p.person.org:
                        # "Xi and President Jakaya Kikwete oversaw ...": the second signer's state is
                        # the counterpart (_signatories settles it)
                        add("OTHER:" + q.person.name)
        if low in _TERRITORY_NOUNS and not places and not persons:
            # "with the breakaway region of Somaliland": a territory no gazetteer names is a party by its name
            of_name = next((c for p in of_phrase for c in p.children if c.dep_ == "pobj" and c.pos_ == "PROPN"), None)
            if of_name is not None:
                add(" ".join(x.text for x in of_name.subtree if x.pos_ == "PROPN"))
                continue
        firm = _firm_of_official(ctx, t, a, places)
        if firm:
            add(firm)   # "Qatar Airways chief executive X ... sign the order": the airline signs, not Qatar
            continue
        org_words = ("ministry", "government", "department", "cabinet", "presidency", "office")
        org = next((mm for mm in places if mm.place.kind == "org"), None)
        ent_name = re.sub(r"^(?:the|The)\s+|['’]s$", "", ent.text.strip()) if ent is not None else ""
        named = next((p for p in persons if p.start <= t.idx < p.end and p.kind == "name"), None)
        if named is not None and ent is not None and ent.label_ == "ORG" and (named.person.code or named.person.org):
            ent = None  # "Wang and Samoa's Prime Minister signed": a person the parser took for a firm
        if org is not None and not (ent is not None and ent.label_ == "ORG" and len(ent_name) > len(org.text) + 3
                                    and ent.start_char <= org.start and org.end <= ent.end_char):
            add(org.place.name)
        elif ent is not None and ent.label_ == "ORG" and not any(w in ent.text.lower() for w in org_words) \
                and not any(mm.start >= ent.start_char and mm.end <= ent.end_char and mm.text == ent.text.strip()
                            for mm in places):
            add(_short_name(ctx, ent))
        elif places and _named_after_state(ctx, t, places):
            # "Vietnam Airlines", "Kenya Power", "Qatar Airways": a firm named after its state
            add(firm_name(" ".join(x.text for x in t.subtree if x.i <= t.i and (x.dep_ == "compound" or x.i == t.i)
                                   and x.pos_ == "PROPN")))
        elif places and t.tag_ == "NNS" and len({mm.place.code for mm in places if mm.place.code and mm.end <= t.idx}) >= 2:
            for mm in places:  # "Senior Hungarian and Romanian officials": each state named before the plural
                if mm.place.code and mm.end <= t.idx:
                    add(mm.place.code)
        elif places:
            code = next((mm.place.code for mm in places if mm.place.code), None)
            if not (out and out[-1] != "PAIR" and not ctx.gaz.is_country(out[-1]) and t.dep_ in ("conj", "appos")
                    and t.doc[t.i - 1].text == ","):
                add(code)  # else "the National Judicial Academy, India": the country only qualifies the body
        elif persons and getattr(persons[0].person, "org", None):
            add(persons[0].person.org)  # "European Commission President X": the organisation signs
        elif persons and persons[0].person.code:
            add(persons[0].person.code)
        elif persons:
            out.append("OTHER:" + persons[0].person.name)
        elif ent is not None and ent.label_ == "PERSON" and len(ent) == 1 and t.pos_ == "PROPN":
            add(ent.text)  # a one-word name the parser calls a person but no mention resolves: a firm ("Ericsson")
        elif ent is not None and ent.label_ == "ORG" and not any(w in ent.text.lower() for w in org_words):
            add(firm_name(ent.text))
        elif t.pos_ == "PROPN" and t.dep_ in ("nsubj", "conj", "pobj", "appos") and t.text[:1].isupper() \
                and not (t.text.isupper() and len(t.text) > 5) and not _in_dateline(ctx, t.idx) \
                and not any(x.lower_ in org_words for x in t.subtree):
            # a proper name that is no person or place: a firm or body ("Engie", "the phosphates group OCP")
            add(" ".join(x.text for x in t.subtree if x.i <= t.i and x.pos_ == "PROPN" and x.dep_ in ("compound",)
                         or x.i == t.i))
    return out


_TITLE_CLAUSE = re.compile(r"(?:,?\s+(?:that|which)\s+(?:would|will|could|may|might|is|are|was|were|has|have|had|"
                           r"gives?|allows?|provides?|sets?|commits?|aims?|seeks?)\b|,\s+[a-z]+ing\b).*$", re.S)
_TERRITORY_NOUNS = {"region", "territory", "province", "republic", "enclave", "entity", "state", "island", "islands"}

_CORP_ROLE = re.compile(r"^(?:['’]s)?\s+(?:chief executive|CEO|chairman|chairwoman|chairperson|managing director|"
                        r"chief operating officer|group chief|boss)\b", re.I)


def _firm_of_official(ctx, t, a, places):
    """The firm a named official heads in "<Firm> chief executive <Name>": an entity the parser calls an
    organisation, that no gazetteer form or known body covers, right before a corporate role word."""
    if t.ent_type_ != "PERSON":
        return None
    for e in t.doc.ents:
        if e.label_ != "ORG" or e.start_char < a or e.end > t.i or e.text.strip() in ctx.gaz.forms:
            continue
        if any(mm.place.kind == "org" and e.start_char <= mm.start < e.end_char for mm in places):
            continue
        if _CORP_ROLE.match(ctx.text[e.end_char:t.idx]):
            return firm_name(e.text)
    return None


_BETWEEN_END = re.compile(r"\s+(?:on|for|to|regarding|concerning|in|under|which|that|signed|was|were|will)\s+(?=[a-z])"
                          r"|[;.:]|\s+\(\w+\)\s+on\s|,\s+(?:which|who|signed)\b"
                          r"|\s+(?:Concerning|Regarding|Relating|On|For|In|To)\s+(?=[A-Z])")  # "... the Philippines Concerning Reciprocal Access"
_GOV_BODY = re.compile(r"^(?:[A-Z]\w+\s+){0,2}(?:Ministry|Ministries|Department|Departments|Government|Governments|Cabinet|Office)\b", re.I)


_STATE_FORM = re.compile(r"^(?:the\s+)?(?:(?:Kingdom|Republic|State|Sultanate|Emirate|Federation|Principality|"
                         r"Commonwealth|Government|Governments)\s+of\s+(?:the\s+)?)?", re.I)


def _state_list(ctx, a: int, phrase: str) -> list[str] | None:
    """Three or more states or organisations listed "A, B and C", each item nothing but the name (its formal
    "Kingdom of ..." form allowed); None for anything else."""
    parts = [(x.start(), x.end()) for x in re.finditer(r"[^,]+?(?=,\s*(?:and\s+)?|\s+and\s+|$)", phrase)]
    items = []
    for x, y in parts:
        item = phrase[x:y]
        item = re.sub(r"^\s*(?:,\s*)?(?:and\s+)?", "", item)
        if not item.strip():
            continue
        off = phrase.index(item, x)
        starts = {a + off + len(re.match(r"(?:the\s+)?", item, re.I).group(0)), a + off + _STATE_FORM.match(item).end()}
        mm = next((m for _, m in ctx.places_in(a + off, a + off + len(item)) if m.start in starts
                   and m.end >= a + off + len(item.rstrip()) - 1 and m.place.kind in ("country", "org")), None)
        if mm is None:
            return None
        items.append(mm.place.name if mm.place.kind == "org" else mm.place.code)
    items = list(dict.fromkeys(items))
    return items if len(items) >= 3 else None


class _After:
    """Stands for a token hung on "between" where the parser hung none: what _between_sides reads of it."""
    def __init__(self, between):
        self.head, self.sent = between, between.sent


def _bodies_between(ctx, doc, a: int, b: int, parties: list[str]) -> list[str]:
    """"Memorandum of Understanding between the Archaeological Survey of India and the Supreme Council of
    Antiquities of Egypt": when the signatories read off the parse came out as the states the bodies are
    named after (the phrase hangs on "of Understanding", or nowhere), the bodies the text names are the sides."""
    if not parties or " between " not in ctx.text[a:b]:
        return parties
    states_only = all(ctx.gaz.is_country(p) for p in parties)
    span = doc.char_span(a, b, alignment_mode="expand")
    btok = next((t for t in span if t.lower_ == "between"), None) if span is not None else None
    if btok is None:
        return parties
    obj = next((c for c in btok.children if c.dep_ == "pobj"), None)
    sides = _between_sides(ctx, obj if obj is not None else _After(btok))
    if not sides or all(ctx.gaz.is_country(x) for x in sides if x != "PAIR"):
        return parties
    # the states read off the parse, or the bodies' own states next to them ("between India's Institute of
    # ... and Ghana's Institute of ...": IND, GHA and both institutes): the bodies are the sides
    return sides if states_only or set(sides) <= set(parties) else parties


def _between_sides(ctx, tok) -> list[str] | None:
    """The two signatories of "between A and B" when each side is a body, read off the text (the parser
    rarely gets these phrases right): a ministry or government is its state ("the Ministry of Jal Shakti,
    India" -> IND), another body is its acronym or name ("the National Judicial Academy, India" ->
    "National Judicial Academy"), a state is itself. None when the phrase is not two such sides."""
    a = tok.head.idx + len(tok.head.text)
    sent_end = tok.sent.end_char
    text = ctx.text[a:sent_end]
    m = _BETWEEN_END.search(text)
    phrase = text[:m.start()] if m else text
    nxt = HEAD.search(phrase)
    if nxt is not None:  # "between India and France and the Framework Agreement on ...": the next document
        phrase = phrase[:nxt.start()].rstrip()
        if nxt.group(2) is None:
            phrase = re.sub(r"(?:\s+[A-Z][\w-]*)+$", "", phrase)  # "... the Framework" of "Framework Agreement"
        phrase = re.sub(r"(?:,?\s+and)?(?:\s+(?:the|a|an))?\s*$", "", phrase)
    g = ctx.gaz
    countries = [mm for _, mm in ctx.places_in(a, a + len(phrase)) if mm.place.kind in ("country", "demonym")]
    whole_body = re.sub(r"^(?:the|The)\s+", "", phrase.strip())
    many = _state_list(ctx, a, phrase)
    if many:
        return many  # "between the Kingdom of Morocco, the United States and Israel"
    if _GOV_BODY.match(whole_body) and re.search(r"\bof (?:the )?(?:two|both) countries$", whole_body):
        return ["PAIR"]   # "between the Railway Ministries of the two countries"
    cut = None
    for mm in countries:  # "..., India and the ...": the first side ends with its country
        rel = mm.end - a
        if re.match(r"\s+and\s+", phrase[rel:]) and re.search(r",\s*$", phrase[:mm.start - a]):
            cut = (rel, rel + re.match(r"\s+and\s+", phrase[rel:]).end())
            break
    for mm in countries if cut is None else ():  # "India's Institute of ... and Ghana's Institute of ...": the second
        # side opens with its state's possessive
        before_and = re.search(r"\s+and\s+(?:the\s+)?$", phrase[:mm.start - a])
        if before_and and before_and.start() > 0 and re.match(r"['’]s\s+[A-Z]", phrase[mm.end - a:]):
            cut = (before_and.start(), before_and.end())
            break
    if cut is None:
        ands = [x for x in re.finditer(r"\s+and\s+", phrase) if phrase[:x.start()].count("(") == phrase[:x.start()].count(")")]
        the = [x for x in ands if phrase[x.end():].lower().startswith("the ")]
        pick = the if len(the) == 1 else ands if len(ands) == 1 else []
        if not pick:
            return None
        cut = (pick[0].start(), pick[0].end())
    parts = [(a, phrase[:cut[0]]), (a + cut[1], phrase[cut[1]:])]
    out = []
    for start, side in parts:
        side_s = side.strip()
        lead = len(side) - len(side.lstrip())
        body = re.sub(r"^(?:the|The)\s+", "", side_s)
        body_start = start + lead + len(side_s) - len(body)     # where the name begins, after "the"
        places = [mm for _, mm in ctx.places_in(start + lead, start + len(side))]
        qual = re.search(r",\s*([A-Z][\w ]+)$", body)
        qual_code = g.forms[qual.group(1)].code if qual and qual.group(1) in g.forms and \
            g.forms[qual.group(1)].kind == "country" else None
        if qual_code:
            body = body[:qual.start()]
        acr = re.search(r"\(([A-Z][A-Za-z&]{1,9})\)\s*$", body)
        # a place or organisation mention that is the whole name ("the European Union")
        whole = next((mm for mm in places if mm.start == body_start and mm.end >= body_start + len(body.rstrip()) - 1), None)
        if _GOV_BODY.match(body):
            code = qual_code or next((mm.place.code for mm in places if mm.place.kind in ("country", "demonym")
                                      and mm.place.code), None)
            if code is None and re.search(r"\b(?:two|both) countries\b", body):
                out.append("PAIR")
                continue
            if code is None:
                # "the Department of Atomic Energy" of a readout, which names its own government's bodies
                # without their state: the state the sentence names outside this side (" ... to India"),
                # else the article's most named one
                here = [mm.place.code for _, mm in ctx.places_in(tok.sent.start_char, sent_end)
                        if mm.place.kind in ("country", "demonym") and mm.place.code
                        and not (a <= mm.start < a + len(phrase))]
                code = (here or ctx.ranked_countries() or [None])[0]
            if code is None:
                return None
            out.append(code)
        elif whole is not None and whole.place.kind in ("country", "org", "demonym"):
            out.append(whole.place.name if whole.place.kind == "org" else whole.place.code)
        elif whole is not None and whole.place.kind == "city":
            return None  # "ferry services between Kochi and Kulhudhuffushi": a route, not two sides
        elif acr and sum(ch.isupper() for ch in acr.group(1)) >= 2:
            out.append(acr.group(1))
        elif any(p.kind == "name" and p.person.code for p in ctx.persons_in(start, start + len(side))):
            out.append(next(p.person.code for p in ctx.persons_in(start, start + len(side))
                            if p.kind == "name" and p.person.code))   # "between Modi and Sharif"
        elif body[:1].isupper() and len(body.split()) <= 8:
            out.append(firm_name(_without_country(ctx, body)))
        else:
            return None
    if len(out) != 2 or out[0] == out[1]:
        return None
    return out


def _without_country(ctx, body: str) -> str:
    """"the Directorate of Enforcement of India", "the Financial Crimes Commission of Mauritius": a body whose
    name says what it is in three words or more, with its country only added; "the Bank of Mauritius",
    "the Reserve Bank of India", "the National Bank of Serbia" need the country to be a name at all."""
    poss = re.match(r"^([A-Z][\w'’ -]+?)['’]s\s+(?=[A-Z])", body)
    if poss and poss.group(1) in ctx.gaz.forms and ctx.gaz.forms[poss.group(1)].kind == "country":
        return body[poss.end():]  # "Bahrain's National Space Science Agency": the agency's name
    m = re.match(r"^(.+)\s+of\s+(?:the\s+)?([A-Z][\w'’ -]+)$", body)
    if m and m.group(2) in ctx.gaz.forms and ctx.gaz.forms[m.group(2)].kind == "country" \
            and len(m.group(1).split()) >= 3:
        return m.group(1)
    return body


FIRM_NOUNS = {"carrier", "airline", "company", "firm", "group", "maker", "manufacturer", "operator", "giant", "bank",
              "fund", "conglomerate", "developer", "producer", "lender", "insurer", "supplier", "utility", "miner",
              "shipper", "shipbuilder", "automaker", "carmaker", "startup", "consortium", "corporation", "retailer"}
STATE_HEADS = {"government", "ministry", "ministries", "department", "cabinet", "presidency", "office", "president",
               "minister", "prime", "premier", "king", "queen", "emir", "amir", "sultan", "chancellor", "embassy",
               "army", "navy", "forces", "military", "parliament", "senate", "congress", "state", "republic",
               "kingdom", "federation", "union", "administration", "authorities", "side", "delegation", "leader",
               "foreign", "secretary", "council", "assembly", "court", "police", "officials", "envoy", "ambassador"}


def _named_after_state(ctx, t, places) -> bool:
    """True when proper noun ``t`` heads a name whose modifier is a state ("Vietnam Airlines"): a firm,
    not the state; heads that stand for the state itself ("Indian Government", "Kenyan Army") are not."""
    if t.pos_ != "PROPN" or t.lower_ in STATE_HEADS or not t.text[:1].isupper():
        return False
    if any(mm.start <= t.idx < mm.end for mm in places):
        return False  # the token is itself the place
    comps = [c for c in t.children if c.dep_ == "compound" and c.i < t.i]
    return bool(comps) and any(mm.start <= c.idx < mm.end and mm.place.kind == "country" for c in comps for mm in places) \
        and not any(c.lower_ in STATE_HEADS for c in comps)


def _short_name(ctx, ent) -> str:
    """An organisation's name as news and annotators cite it: the acronym it is introduced with
    ("China General Nuclear Power Corporation (CGN)" -> "CGN"), else its name without "the"."""
    m = re.match(r"\s*\(([A-Z][A-Za-z&]{1,9})\)", ctx.text[ent.end_char:ent.end_char + 14])
    if m and sum(ch.isupper() for ch in m.group(1)) >= 2:
        return m.group(1)
    return firm_name(ent.text)


_LEGAL_FORM = re.compile(r"[\s,]+(?:Group|Inc\.?|Incorporated|Ltd\.?|Limited|plc|PLC|LLC|Co\.|Holdings|S\.A\.|SA|AG|SE|NV|N\.V\.)$")


# legal forms written before the name (Russian and Central Asian joint-stock companies, Indonesian "PT")
_LEGAL_PREFIX = re.compile(r"^(?:(?:JSC|PJSC|OJSC|CJSC|OAO|ZAO|PAO|NAC|NC|PT|LLP|SOE)\s+)+(?=[A-Z])")


def firm_name(text: str) -> str:
    """A firm's common short name: no article, no possessive, no legal form ("Blackstone Group" ->
    "Blackstone", "Siemens AG" -> "Siemens"); an acronym keeps its word ("OCP Group": "OCP" alone
    reads as an abbreviation, not a name)."""
    name = re.sub(r"^(?:the|The)\s+|['’]s$", "", text.strip())
    name = _LEGAL_PREFIX.sub("", name) or name  # "JSC NAC Kazatomprom", "PT Pertamina", "PJSC Gazprom Neft"
    short = _LEGAL_FORM.sub("", name)
    if short != name and short and not short.isupper() and len(short) > 2:
        return short
    return name


def _in_dateline(ctx, pos) -> bool:
    """Inside the "HANOI, Sept 3 (Wire) -" opening of the article."""
    head = ctx.text[:120]
    m = re.search(r"\s[-–—]\s", head)
    return bool(m) and pos < m.start() and "\n" not in head[:m.start()].strip()


PAIR_NOUNS = {"sides", "countries", "leaders", "governments", "nations", "ministers", "presidents", "states", "parties",
              "men", "delegations", "premiers", "heads"}


def _signatories(ctx, pred, rel, htok, title, last):
    parties: list[str] = []
    local = [k for t in np_actor_tokens(htok) for k in _resolve_actor(ctx, t)]
    tokens = np_actor_tokens(htok) if len({k for k in local if k != "PAIR" and not k.startswith("OTHER:")}) >= 2 \
        else actor_tokens(pred, rel, htok)
    for t in tokens:
        for k in _resolve_actor(ctx, t):
            if k not in parties:
                parties.append(k)
    g = ctx.gaz
    in_name = hyphen_pairs(title, lambda w: (g.forms[w].code or g.forms[w].name) if w in g.forms else None)
    for k in in_name:
        if k not in parties:
            parties.append(k)
    if len(in_name) >= 2 and {"PAIR", "MEMBERS"} & set(parties):
        # "the leaders signed the EU-Canada Strategic Partnership Agreement": its name says who
        parties = [p for p in parties if p not in ("PAIR", "MEMBERS")]
    if rel == "list" and not parties:
        parties = ["PAIR"]  # "These include ...": the signatories of the signing just told
    if not parties and rel == "participle":
        parties = ["MEMBERS"]  # "the declaration, adopted at the close of the summit"
    if "MEMBERS" in parties:
        parties.remove("MEMBERS")
        side = summit_parties(ctx)
        parties += [p for p in (side or ["PAIR"]) if p not in parties]
    if "PAIR" in parties:
        parties.remove("PAIR")
        parties += [p for p in _pair(ctx, pred.sent, last) if p not in parties]
    for o in [p for p in parties if p.startswith("OTHER:")]:
        # a named official whose country the article does not give: the counterpart of the others;
        # a one-word "person" nothing else places is a firm the parser took for one ("Ericsson")
        parties.remove(o)
        known = [p for p in parties if g.is_country(p)]
        if len(known) >= 2:
            continue  # "the Foreign Ministers of Armenia and Azerbaijan, X and Y": one of the sides already named
        here = [c for c in _codes_in(ctx, pred.sent.start_char, pred.sent.end_char) if g.is_country(c)
                and c not in parties] or _recent_state(ctx, pred.sent, parties)
        other = next((c for c in here + ([ctx.partner_of(known[0])] if known else []) if c and c not in parties), None)
        name = o.split(":", 1)[1]
        if other:
            parties.append(other)
        elif len(name.split()) == 1:
            parties.append(name)
    org = _membership_org(ctx, htok)
    if org is not None:
        # "a memorandum that puts Iran on course to become a member of the SCO", "Framework Agreement on
        # Kuwait's membership of the ISA": the joining state and the organisation are the two sides
        states = [p for p in parties if g.is_country(p)]
        own = [mm.place.code for _, mm in ctx.places_in(htok.idx, htok.idx + len(title or "") + 1)
               if mm.place.kind in ("country", "demonym") and mm.place.code]
        joining = (own or states)[:1]
        if joining:
            return joining + [org]
    if len(parties) == 1 and rel == "list" and last and parties[0] in last:
        return list(last)  # "3. MoU on ferry services between Kochi and ...": the list's sides go on
    if len(parties) == 1:
        parties += [c for c in _complement(ctx, pred, parties[0]) if c not in parties][:1]
    return parties


_JOINING = re.compile(r"\b(?:membership\s+(?:of|in)|members?\s+(?:state\s+)?(?:of|in)|accession\s+to|accede\s+to|"
                      r"join(?:s|ing)?)\s+(?:the\s+)?$", re.I)


def _membership_org(ctx, htok):
    """The organisation a document makes a state a member of, named after the document noun in its sentence."""
    a, b = htok.idx, htok.sent.end_char
    for _, mm in ctx.places_in(a, b):
        if mm.place.kind == "org" and _JOINING.search(ctx.text[max(a, mm.start - 40):mm.start]):
            return mm.place.name
    return None


def _complement(ctx, pred, party):
    """The other side of a document only one of whose parties the text names.

    A state's counterpart is the other state of the article's main trip, else its most mentioned
    partner; a firm's is a state its own clause names ("a contract to build ... the Belgrade ring
    road"), else the trip's host."""
    g = ctx.gaz
    dyad = ctx.dyad
    if g.is_country(party):
        sent = pred.sent
        here = {mm.place.code for _, mm in ctx.places_in(sent.start_char, sent.end_char)
                if mm.place.kind in ("city", "country") and mm.place.code and mm.place.code != party
                and not _is_venue(ctx, mm) and not _in_dateline(ctx, mm.start)}
        if len(here) == 1 and g.is_country(next(iter(here))):
            return list(here)  # "In Riyadh, ... Trump signed a partnership with the kingdom": the state named here
        if dyad and party in dyad:
            return [c for c in dyad if c != party]
        p = ctx.partner_of(party)
        return [p] if p else []
    a = min(t.idx for t in pred.subtree)
    b = max(t.idx + len(t.text) for t in pred.subtree)
    # the firm's own phrase ("Vietnam's national carrier Vietnam Airlines") says who it is, not who it signs with
    own = [(min(x.idx for x in c.subtree), max(x.idx + len(x.text) for x in c.subtree))
           for c in pred.children if c.dep_ in ("nsubj", "nsubjpass")]
    outside = lambda pos: not any(x <= pos < y for x, y in own)  # noqa: E731
    known = [mm.place.name for _, mm in ctx.places_in(a, b) if mm.place.kind == "org" and outside(mm.start)
             and mm.place.name != party]
    named = [(mm.start, mm.end) for _, mm in ctx.places_in(a, b)]
    firms = known or [firm_name(e.text) for e in pred.doc.ents if e.label_ == "ORG" and a <= e.start_char < b
                      and outside(e.start_char) and firm_name(e.text) != party and e.text.strip() not in g.forms
                      and not any(x < e.end_char and e.start_char < y for x, y in named)]  # "the European Union": a known body
    if firms:
        return firms[:1]   # "signed a deal to buy 50 Boeing 737 MAX jets"
    here = [mm.place.code for _, mm in ctx.places_in(a, b) if mm.place.kind in ("city", "country", "demonym")
            and mm.place.code and not _is_venue(ctx, mm) and outside(mm.start)]
    if here:
        return here[:1]
    return [dyad[1]] if dyad else ctx.ranked_countries()[:1]


_MODALS = {"should", "would", "will", "must", "shall"}
DOC_NOUNS = {"agreement", "statement", "declaration", "document", "text", "deal", "accord", "treaty", "memorandum"}
COMMIT_VERBS = {"agree", "decide", "pledge", "commit", "resolve", "vow", "undertake", "consent"}
TRIP_VERBS = {"visit", "travel", "go", "come", "fly", "attend"}


_JOINT_WORDS = {"their", "both", "two", "sides", "countries", "governments", "nations", "leaders", "parties", "each"}


def _joint_subject(ctx, comp) -> bool:
    """True when the clause of what is to be done has the agreeing sides as its subject ("their countries
    should cooperate", "they will meet", "the two sides would set up"), or names two states."""
    subj = next((c for c in comp.children if c.dep_ in ("nsubj", "nsubjpass", "expl")), None)
    if subj is None:
        return False
    words = {t.lower_ for t in subj.subtree}
    if subj.lower_ in ("they", "we") or words & _JOINT_WORDS:
        return True
    a, b = subj.left_edge.idx, subj.right_edge.idx + len(subj.right_edge.text)
    return len({x.place.code for _, x in ctx.places_in(a, b) if x.place.kind in ("country", "demonym")}) >= 2


def _commitments(ctx, doc, s, e, si, pub, original, last, found, documents=()):
    """Agreements with status "agreed" read off a commitment verb with a to-infinitive, whose subject
    names two or more parties ("X and Y agreed to ...", "the two sides decided to ..."). ``documents``:
    those the sentence already named; a commitment that concluded or contains one is that document."""
    span = doc.char_span(s, e, alignment_mode="expand")
    out = []
    if span is None:
        return out
    preds = {getattr(d, "_pred", None) for d in documents}
    heads = {getattr(d, "_tok", None) for d in documents} - {None}
    for tok in span:
        if tok.pos_ != "VERB" or tok.lemma_ not in COMMIT_VERBS:
            continue
        if documents and (tok.i in preds or any(t.i in heads or t.i in preds for t in tok.subtree) or any(
                c.dep_ in ("nsubj", "nsubjpass") and c.i in heads for a in tok.ancestors for c in a.children)):
            continue  # "A joint statement ... said the two sides agreed to ...": what the document says
        # (an xcomp after "to" is a verb whatever the tagger says: "decided to commence" was tagged a noun)
        comp = next((c for c in tok.children if c.dep_ == "xcomp" and (c.pos_ in ("VERB", "AUX") or any(
            a.dep_ == "aux" and a.lower_ == "to" for a in c.children))), None)
        if comp is None and tok.lemma_ in ("commit", "agree"):
            # "committed to ...", "agreed to a ceasefire", "agreed on a six-month extension"
            comp = next((p for c in tok.children if c.dep_ == "prep" and c.lower_ in ("to", "on", "upon")
                         for p in c.children if p.dep_ in ("pobj", "pcomp") and p.ent_type_ not in ("DATE", "TIME")), None)
        that = False
        if comp is None and tok.lemma_ in ("agree", "decide", "resolve"):
            # "agreed on Wednesday that their countries should cooperate to ...": a clause of what is to be
            # done (a modal) is a joint act; "agreed that the situation was grave" stays an opinion
            comp = next((c for c in tok.children if c.dep_ == "ccomp" and c.pos_ == "VERB" and any(
                a.dep_ == "aux" and a.lower_ in _MODALS for a in c.children)), None)
            if comp is not None and not _joint_subject(ctx, comp):
                comp = None  # "agreed that the deal should help ties", "agreed that the US should stay": an opinion
            that = comp is not None
            if that and documents:
                continue  # "signed a plan ..., and agreed that their heads of state will meet": its terms
        if comp is None:
            continue  # "agreed that <opinion>", "agreed with": no joint act
        if comp.lemma_ in TRIP_VERBS:
            continue  # "agreed to visit Seoul", "agreed not to travel to Johannesburg": a trip, for the visit rules
        status = status_of(tok, "object")
        if status is None or status == "denied":
            continue
        if find_money(ctx.text[comp.idx:e]) and re.search(r"\b(?:trade|turnover|exports|imports|invest\w*|commerce)\b",
                                                          ctx.text[comp.idx:e], re.I):
            continue  # a trade figure: a TradeTarget (but "agreed to set up a $5 billion joint fund" is a deal)
        if any(c.dep_ == "prep" and c.lower_ in ("in", "under") and any(p.lower_ in ("it", "which") or p.lemma_ in
               DOC_NOUNS for p in c.children) for c in tok.children):
            continue  # "In it the two countries commit to ...": the terms of a document already told
        parties = _signatories(ctx, tok, "object", comp, "", last)
        # the subject names two sides; a named official whose country the text does not give counts as one
        # ("he and President Mahinda Rajapaksa agreed to ..."): _signatories gave them their state
        subj = {k for t in actor_tokens(tok, "object", comp) for k in _resolve_actor(ctx, t)}
        if len(parties) < 2 or not (len(subj) >= 2 or "PAIR" in subj):
            continue  # one side's decision ("the president decided to cancel his visit") is no agreement
        a = comp.idx if that else min(t.idx for t in comp.subtree)  # "cooperate to ...", not "their countries should"
        b = max(t.idx + len(t.text) for t in comp.subtree)
        title = re.sub(r"^to\s+", "", re.split(r"[,;]| - ", ctx.text[a:b])[0]).strip()
        if len(title) > 90:
            title = title[:90].rsplit(" ", 1)[0]  # whole words: "explore the possibility of a bilateral ..."
        if any(sorted(o.parties) == sorted(parties) and o.title == title for o in found):
            continue
        ag = Agreement(parties=parties, title=title, topics=[], date=_date_for(ctx, si, pub),
                       status="planned" if status == "planned" else "agreed", **evidence_fields(ctx, (s, e), original))
        ag.confidence = 0.6
        ag._si = si  # type: ignore[attr-defined]
        out.append(ag)
        found.append(ag)
    return out


def summit_parties(ctx) -> list[str]:
    """Who "the leaders" are at a summit: the two organisations of a summit between two
    (EU-AU), else the member states of the one organisation whose summit it is (memberships.tsv),
    as of the publication year; [] when the article is no summit of a known organisation."""
    counts: dict[str, int] = {}
    for _, mm in ctx.places_in(0, len(ctx.text)):
        if mm.place.kind == "org":
            counts[mm.place.name] = counts.get(mm.place.name, 0) + 1
    orgs = sorted(counts, key=lambda o: -counts[o])
    if len(orgs) >= 2 and counts[orgs[1]] >= 2 and orgs[0] not in ctx.gaz.memberships and \
            orgs[1] not in ctx.gaz.memberships and _summit_of(ctx, orgs[:2]):
        return orgs[:2]
    year = ctx.pub.year if getattr(ctx, "pub", None) else None
    with_members = [o for o in orgs if year and ctx.gaz.members(o, year)]
    if with_members:
        return ctx.gaz.members(with_members[0], year)
    return _attendees(ctx)


def _attendees(ctx) -> list[str]:
    """A summit of no known organisation ("the China-Central Asia Summit"): the host state and the states
    of the leaders the article has travel to its venue, when that makes three or more."""
    from .trips import article_venue, summit_article
    venue = article_venue(ctx, ctx.gaz)
    if venue is None or not summit_article(ctx):
        return []
    states = [venue[0]] + [v.visitor_country for v in getattr(ctx, "visits", [])
                           if v.place_country == venue[0] and v.visitor_country and v.status != "cancelled"]
    states = list(dict.fromkeys(states))
    return states if len(states) >= 3 else []


def _summit_of(ctx, orgs) -> bool:
    """True when a sentence names both organisations and a summit ("the EU-AU summit"): the gathering is theirs."""
    for s, e in ctx.sents:
        names = {mm.place.name for _, mm in ctx.places_in(s, e) if mm.place.kind == "org"}
        if set(orgs) <= names and re.search(r"\bsummit\b", ctx.text[s:e], re.I):
            return True
    return False


def _recent_state(ctx, sent, exclude) -> list[str]:
    """The state last named in the two sentences before ``sent`` (other than ``exclude``): on a tour, an
    official whose country the article never gives is the counterpart where the story now is ("Slovenia,
    where Pompeo spent Thursday, ... he and Foreign Minister X signed")."""
    starts = [a for a, _ in ctx.sents]
    si = max((i for i, a in enumerate(starts) if a <= sent.start_char), default=0)
    if si == 0:
        return []
    a = ctx.sents[max(0, si - 2)][0]
    seen = [mm.place.code for _, mm in ctx.places_in(a, sent.start_char)
            if mm.place.kind in ("city", "country") and mm.place.code and mm.place.code not in exclude
            and not _in_dateline(ctx, mm.start)]
    return seen[-1:]


def _pair(ctx, sent, last):
    """"The two sides": the states this sentence names (people give theirs), completed from the article."""
    presence = _PRESENCE.search(sent.text)
    if presence:
        # "signed by finance ministers in the presence of Rousseff, Putin, Xi, Modi and the South African
        # president": the leaders who watched are the sides the unnamed signers stand for
        a = sent.start_char + presence.end()
        watched = [mm.place.code for _, mm in ctx.places_in(a, sent.end_char)
                   if mm.place.kind in ("country", "demonym") and mm.place.code]
        watched += [p.person.code for p in ctx.persons_in(a, sent.end_char) if p.person.code]
        watched = list(dict.fromkeys(watched))
        if len(watched) >= 2:
            return watched
    if _TWO_PEOPLE.search(sent.text) or (_TWO_SIDES.search(sent.text) and (
            _MET.search(_sentence_before(ctx, sent)) or _AFTER_TALKS.search(sent.text))):
        # ("There he held talks with President To Lam ... The two sides signed 11 documents": the talks' sides)
        # "Abiy held talks with Sisi on the dam. The two leaders agreed to ...": the leaders this sentence
        # names (its states by name first), then those the sentence before named, nearest first; a
        # demonym ("what Turkish officials call the Ankara Declaration") names no side
        named = [mm.place.code for _, mm in ctx.places_in(sent.start_char, sent.end_char)
                 if mm.place.kind == "country" and mm.place.code]
        people = [p.person.code for p in ctx.persons_in(sent.start_char, sent.end_char) if p.person.code and p.kind == "name"]
        sides = list(dict.fromkeys(named + people + _leaders_before(ctx, sent)))
        if len(sides) >= 2:
            return sides[:2]
    codes: list[str] = []
    for _, mm in ctx.places_in(sent.start_char, sent.end_char):
        if mm.place.kind in ("city", "country", "demonym") and mm.place.code and mm.place.code not in codes:
            codes.append(mm.place.code)
    for p in ctx.persons_in(sent.start_char, sent.end_char):
        if p.person.code and p.person.code not in codes:
            codes.append(p.person.code)
    if len(codes) >= 2:
        return codes[:2]
    many = _MANY_SIDES.search(sent.text)
    if many and last and len(last) == NUMBER_WORDS.get(many.group(1).lower()):
        return list(last)  # "the three leaders also signed ...": the three the last document named
    if len(codes) == 1:
        dyad = [c for c in ctx.dyad if c != codes[0]] if ctx.dyad and codes[0] in ctx.dyad else []  # the main trip's other side
        other = [c for c in (last or []) if c != codes[0]] or dyad or \
            ([ctx.partner_of(codes[0])] if ctx.partner_of(codes[0]) else [])
        return codes + other[:1]
    return list(last) if last else ctx.ranked_countries()[:2]


# "18 agreements and" before a document noun: its second kind, one count with the first
_COUNT_AND = re.compile(r"\b(?:\d+|" + "|".join(NUMBER_WORDS) + r"|several|dozens of)\s+(?:[\w-]+\s+){0,3}"
                        r"(?:agreements|documents|deals|contracts|accords|memorandums|memoranda|mous)\s+and\s+$", re.I)
_PRESENCE = re.compile(r"\bin the presence of\b", re.I)
_MANY_SIDES = re.compile(r"\bthe\s+(three|four|five|six)\s+(?:leaders|presidents|countries|sides|states|governments|"
                         r"nations|heads of state|ministers)\b", re.I)
_TWO_PEOPLE = re.compile(r"\b(?:two|both)\s+(?:leaders|presidents|prime ministers|premiers|men|heads of (?:state|government)|"
                         r"foreign ministers|ministers)\b", re.I)


_TWO_SIDES = re.compile(r"\b(?:two|both)\s+(?:sides|countries|governments|delegations|nations)\b", re.I)
_AFTER_TALKS = re.compile(r"\b(?:after|following|at the end of)\s+(?:their\s+|the\s+|the leaders'\s+)?(?:talks|meeting)\b", re.I)
_MET = re.compile(r"\b(?:held talks|talks with|met|meeting with|hosted|received)\b", re.I)


def _before(ctx, sent) -> tuple[int, int] | None:
    starts = [a for a, _ in ctx.sents]
    si = max((i for i, a in enumerate(starts) if a <= sent.start_char), default=0)
    return ctx.sents[si - 1] if si > 0 else None


def _sentence_before(ctx, sent) -> str:
    span = _before(ctx, sent)
    return ctx.text[span[0]:span[1]] if span else ""


def _leaders_before(ctx, sent) -> list[str]:
    """States of the office holders the sentence before ``sent`` names (or refers to by a pronoun: "There
    he held talks with President To Lam"), the last named first."""
    span = _before(ctx, sent)
    if span is None:
        return []
    people = [p.person.code for p in ctx.persons_in(*span) if p.person.code and (
        p.kind == "pronoun" or (p.kind == "name" and (p.person.roles or p.person.name in ctx.gaz.leaders)))]
    return list(dict.fromkeys(people[::-1]))


def _long_ago(pred) -> bool:
    """The act itself is dated a year or more back: "was signed last year", "signed two years ago" (the
    predicate's own time adverbial, not "to increase trade by 50 percent compared with last year")."""
    for c in pred.children:
        if c.dep_ == "npadvmod" and c.lower_ in ("year", "decade") and any(x.lower_ in ("last", "previous") for x in c.children):
            return True
        if c.lower_ == "ago" and any(x.lower_ in ("years", "year", "decades", "decade") for x in c.subtree):
            return True
    return False


def _background_date(ctx, pred, pub) -> bool:
    """The predicate's clause dates the act well before publication ("signed in 2008", "in February")."""
    if any(c.dep_ == "mark" and c.lower_ == "since" for c in pred.children) and pred.tag_ in ("VBD", "VBN"):
        return True  # "have voiced alarm since China signed a security agreement with Solomon Islands": history
    if pub is None:
        return False
    a = min(t.idx for t in pred.subtree)
    b = max(t.idx + len(t.text) for t in pred.subtree)
    clause = list(ctx.text[a:b])
    for d in pred.subtree:
        # "initialled the Agreement ..., which negotiators finalised in March": a clause about the document
        # dates its history, not this act
        if d.dep_ in ("relcl", "acl") and d.i != pred.i and d.head.pos_ in ("NOUN", "PROPN"):
            lo, hi = d.left_edge.idx, d.right_edge.idx + len(d.right_edge.text)
            clause[lo - a:hi - a] = " " * (hi - lo)
    clause = "".join(clause)
    if pred.dep_ == "relcl" and pred.head.ent_type_ == "DATE":
        # "The crisis began on January 1, when Abiy signed ...": the clause hangs on its date
        ent = next((e for e in pred.doc.ents if e.start <= pred.head.i < e.end), None)
        if ent is not None:
            clause += " " + ent.text
    if pred.dep_ in ("acl", "xcomp", "relcl"):
        # "New Zealand was the first developed country to sign an FTA with China, in 2008": the year
        # hangs on the clause above the infinitive
        up = next((a for a in pred.ancestors if a.pos_ in ("VERB", "AUX")), None)
        if up is not None:
            clause += " " + " ".join(t.text for c in up.children if c.dep_ == "prep" and pred not in c.subtree
                                     for t in c.subtree)
    if _long_ago(pred):
        return True  # "A revised intergovernmental agreement on the project was signed last year"
    found = [d for d in (dates.parse_iso(d1) for _, _, d1, _ in dates.find_dates(clause, pub)) if d is not None]
    if any((pub - d).days > 60 for d in found):
        return True
    if any(abs((pub - d).days) <= 60 for d in found):
        return False  # "on 28 December 2019" in a paper of 2 January 2020: the year alone is no background
    if any(int(y) < pub.year for y in re.findall(r"\b((?:19|20)\d\d)\b", clause)
           if not re.search(r"\d\s*[-–]\s*" + y, clause)):
        return True  # "a security agreement they signed in 2001", "in 2008": background
    return False


def _fill_dates(ctx, found, pub):
    """An agreement with no date in its sentence takes the latest dated signing/meeting day before it."""
    fill_dates(ctx, found, pub, ("signed", "agreed"))
