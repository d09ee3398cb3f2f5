"""Agreement frames from the dependency parse: which predicate makes a document an event, and who signs.

A document noun ("agreement", "memorandum", "joint statement") is only an event when a predicate of
concluding governs it: it is the object of "signed", "adopted", "issued", "concluded", "reached";
the subject of "was signed"; the noun of "the signing of"; or an item listed after a signing
("Among them were an accord on ..."). A document only mentioned ("governed by the Association
Agreement", "a revived nuclear deal would leave them exposed", "the stalled trade agreement") has
no such predicate and is background. The predicate also carries the status (negated, hypothetical,
future, reported, denied) and the signatories: its subject, the "with" and "between" phrases, and
hyphenated names in the title ("the Japan-India Joint Statement").
"""
from __future__ import annotations

import re

CONCLUDE = {"sign", "conclude", "adopt", "issue", "ink", "seal", "exchange", "finalise", "finalize", "reach",
            "strike", "initial", "endorse", "approve", "release", "unveil", "agree", "clinch", "announce",
            "witness", "launch", "establish", "create", "forge", "hammer", "complete", "renew", "extend",
            "upgrade", "elevate", "raise", "lift", "cement", "enter", "produce", "deliver", "welcome", "hail",
            "include", "be", "list", "cover", "comprise", "feature", "emerge", "yield", "make"}
MARKS = {"signature", "initial", "initials", "name", "seal", "stamp"}   # what one puts to a document
UPGRADE_VERBS = {"upgrade", "elevate", "raise", "lift"}  # only "raised ... to a strategic partnership" makes one
LIST_VERBS = {"include", "be", "list", "cover", "comprise", "feature"}   # "Among them were ...": needs a signing before
SIGN_NOUN = {"signing", "conclusion", "adoption", "exchange", "issuance", "signature", "finalisation", "launch"}
FUTURE_AUX = {"will", "shall", "'ll"}
COMMIT_HEADS = {"agree", "decide", "pledge", "commit", "resolve", "vow", "undertake"}
MODAL_HEDGE = {"could", "might", "may", "would", "should", "must", "can"}
PLAN_WORDS = {"expect", "plan", "due", "set", "schedule", "hope", "aim", "intend", "prepare", "ready", "want", "seek",
              "propose", "try", "wish", "look"}
REPORT_WORDS = {"report", "reportedly", "say", "claim", "allege", "rumour", "rumor", "speculate", "leak"}
DENY_WORDS = {"deny", "refute"}
DISMISS_WORDS = {"dismiss", "reject", "rebuff", "deny", "refute", "brush", "call", "describe", "label"}
REPORT_NOUNS = {"report", "claim", "allegation", "speculation", "rumour", "rumor", "story", "suggestion", "news"}
FAIL_WORDS = {"fail", "refuse", "decline", "reject", "dismiss", "rebuff", "offer", "propose", "suggest", "block", "veto", "oppose", "stall", "collapse", "scrap", "abandon",
              "suspend", "cancel", "withdraw", "quit", "breach", "violate", "torpedo", "derail", "resist",
              "postpone", "delay", "shelve", "urge", "demand", "call", "push", "press", "negotiate", "discuss",
              "consider", "seek", "want"}


def _ancestors(tok, n=6):
    t = tok
    for _ in range(n):
        if t.head.i == t.i:
            return
        t = t.head
        yield t


def predicate(head):
    """The verb (or signing noun) that makes the document at ``head`` an event, or None.

    Returns (predicate token, relation) where relation is "object" (signed X), "subject" (X was signed,
    X was adopted), "noun" (the signing of X), "list" (Among them were X), "participle" (X, signed on ...).
    """
    t = head
    # climb through coordination and appositions: "an accord ... and a memorandum", "a joint declaration, X"
    while t.dep_ in ("conj", "appos") and t.head.i != t.i:
        t = t.head
    dep, up = t.dep_, t.head
    rc = next((c for c in t.children if c.dep_ == "relcl" and c.lemma_ in ("sign", "conclude", "adopt", "issue")), None)
    if rc is not None and up.lemma_ not in STRONG_CONCLUDE:
        # "expected Congress to approve the TPP, which Vietnam and 11 others signed in February": the
        # signing clause says what the document is; the weaker verb above is another act
        return rc, "relcl"
    if dep in ("dobj", "attr", "oprd") and up.pos_ in ("VERB", "AUX") and up.lemma_ in CONCLUDE - UPGRADE_VERBS:
        return up, "list" if up.lemma_ in LIST_VERBS else "object"
    if dep == "nsubjpass" and up.lemma_ in CONCLUDE - LIST_VERBS:
        return up, "subject"
    if dep in ("nsubj", "nsubjpass"):
        # "an agreement ... was to be made", "the deal is expected to be signed"
        x = next((c for c in up.children if c.dep_ == "xcomp" and c.lemma_ in CONCLUDE - LIST_VERBS
                  and any(a.dep_ == "auxpass" for a in c.children)), None)
        if x is not None:
            return x, "subject"
    if dep == "nsubj" and up.lemma_ in ("emerge", "be") and up.lemma_ != "be":
        return up, "subject"
    if dep == "nsubj" and up.lemma_ == "be" and any(c.dep_ == "prep" and c.lower_ == "among" for c in up.children):
        return up, "list"  # "Among them were a memorandum on ...": the parser makes the item the subject
    if dep == "pobj" and up.lower_ == "to" and up.head.lower_ == "according":
        return up.head, "source"  # "According to the final declaration, ...": the document was issued
    if dep == "pobj" and up.dep_ == "prep":
        noun = up.head
        if noun.lower_ in SIGN_NOUN or noun.lemma_ in SIGN_NOUN:
            return noun, "noun"
        if up.lower_ in ("on", "upon", "to", "in") and noun.pos_ == "VERB" and noun.lemma_ in ("agree", "sign", "enter"):
            return noun, "object"  # "agreed on a roadmap", "signed on to the declaration"
        if up.lower_ == "to" and (noun.lemma_ == "put" and any(c.dep_ == "dobj" and c.lemma_ in MARKS for c in noun.children)
                                  or noun.lemma_ in MARKS and noun.dep_ == "dobj" and noun.head.lemma_ == "put"):
            # "put their signatures to the Protocol", "put their initials to the agreement"
            return (noun if noun.lemma_ == "put" else noun.head), "object"
        if up.lower_ == "to" and noun.lemma_ in ("upgrade", "elevate", "raise", "lift"):
            return noun, "object"  # "raised their relationship to a comprehensive strategic partnership"
        if up.lower_ == "to" and noun.pos_ == "NOUN" and noun.dep_ == "dobj" and noun.head.lemma_ in UPGRADE_VERBS \
                and noun.head.dep_ not in ("acl", "relcl"):
            # the parser hangs "to a Strategic Partnership" on "the relationship"; not "a statement raising
            # their relationship to ...", where the upgrade is what another document says
            return noun.head, "object"
    for c in t.children:
        if c.dep_ == "acl" and c.tag_ in ("VBN", "VBD") and c.lemma_ in CONCLUDE:
            return c, "participle"  # "the declaration, adopted at the close of the summit"
        if c.dep_ == "relcl" and c.lemma_ in ("sign", "adopt", "conclude", "issue"):
            # "the agreement, which both presidents signed" — signed by the clause's subject
            return c, "relcl"
    # "eight documents were exchanged ..., among them a memorandum on ...": a signing verb above
    for a in _ancestors(t, 4):
        if a.dep_ == "relcl" and a.pos_ == "VERB" and a.lemma_ not in STRONG_CONCLUDE:
            return None  # "a joint statement that sets out a roadmap for ...": what another document says
        if a.pos_ == "VERB" and a.lemma_ in STRONG_CONCLUDE:
            if any(c.dep_ in ("nsubj", "nsubjpass") and t in c.subtree for c in a.children):
                return None  # "the World Food Programme signed ...": a signatory, not a document
            return a, "object"
    return None


STRONG_CONCLUDE = {"sign", "conclude", "adopt", "issue", "ink", "seal", "exchange", "finalise", "finalize", "initial",
                   "clinch", "witness"}


def _has(tok, deps, words=None):
    return [c for c in tok.children if c.dep_ in deps and (words is None or c.lower_ in words or c.lemma_ in words)]


def status_of(pred, rel) -> str | None:
    """Status from the predicate's clause, or None when the clause says it is no event
    (negated, hypothetical, failed, demanded, only discussed)."""
    chain = [pred] + list(_ancestors(pred, 4))
    verb = pred
    if verb.pos_ == "NOUN":
        # "witnessed the signing of", "after the signing of": the noun's own verb
        verb = next((a for a in chain if a.pos_ in ("VERB", "AUX")), pred)
    # a participle or relative clause ("the declaration, adopted at the close of ...") is the whole act:
    # the verb above it says what the document does, not whether it was concluded
    scope = [verb] if rel in ("participle", "relcl") else [verb] + list(_ancestors(verb, 3))
    via_report = False
    for a in scope:
        if a.pos_ == "NOUN" and a.lemma_ in REPORT_NOUNS:
            via_report = True  # "dismissed a report that they had signed ...", "rejected claims that ..."
        if via_report and a.lemma_ in DISMISS_WORDS:
            return "denied"
        if _has(a, ("neg",)):
            if a.lemma_ in DENY_WORDS:
                return "denied"
            return None
        if _has(a, ("mark",), {"if", "whether", "unless"}):
            return None
        if a.lemma_ in DENY_WORDS:
            return "denied"
        if a.lemma_ in FAIL_WORDS and a.i != pred.i:
            return None
        if a.dep_ in ("ROOT",):
            break
    aux = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    if aux & MODAL_HEDGE - {"would"}:
        return None
    if "would" in aux:
        return "planned" if _reported_speech(verb) else None
    if verb.lemma_ in PLAN_WORDS or any(a.lemma_ in PLAN_WORDS for a in _ancestors(verb, 2)) or aux & FUTURE_AUX:
        return "planned"
    reported = any(_unconfirmed(a, verb) for a in [verb] + list(_ancestors(verb, 3)))
    if verb.tag_ in ("VB", "VBN") and _has(verb, ("aux",), {"to"}):
        head = verb.head
        if pred.pos_ == "NOUN" and (head.lemma_ in COMMIT_HEADS or (head.dep_ == "conj" and head.head.lemma_ in COMMIT_HEADS)
                                    or any(a.lemma_ in COMMIT_HEADS for a in _ancestors(verb, 3))):
            return None  # "agreed ... to work towards the early conclusion of a treaty": a commitment, not a signing
        if head.lemma_ in PLAN_WORDS or head.lemma_ in ("be",):
            return "reported" if reported else "planned"
        if head.lemma_ in FAIL_WORDS or head.lemma_ in ("need", "have"):
            return None
    if reported or \
            any(c.lower_ in ("reportedly",) for c in verb.children):
        return "reported"
    return "signed"


def _unconfirmed(a, verb) -> bool:
    """True when ``a`` makes the act only reported. Not "X signed Y, the agency reported": a wire's
    attribution after a completed act (past tense, no auxiliary) confirms it rather than hedges it."""
    if a.lemma_ not in REPORT_WORDS or a.lemma_ == "say":
        return False
    trailing = a.lemma_ == "report" and a.i > verb.i and verb.tag_ == "VBD" and \
        not _has(verb, ("aux", "auxpass"))
    return not trailing


def _reported_speech(verb) -> bool:
    return any(a.lemma_ in ("say", "announce", "state", "tell") for a in _ancestors(verb, 2))


_PAIR = re.compile(r"\b([A-Z][\w.']+(?: [A-Z][\w.']+)?)-([A-Z][\w.']+(?: [A-Z][\w.']+)?)\b")


def hyphen_pairs(text, resolve):
    """"Japan-India", "EU-Egypt", "UK-Argentina" in a title: both sides are parties."""
    out = []
    for m in _PAIR.finditer(text):
        # "South Korea-Japan", but also "Japan-India Joint Statement": the two-word match may overreach
        a = resolve(m.group(1)) or resolve(m.group(1).split()[-1])
        b = resolve(m.group(2)) or resolve(m.group(2).split()[0])
        if a and b and a != b:
            out += [a, b]
    return out


def np_actor_tokens(head):
    """Signatories named inside the document's own noun phrase: "an agreement between A and B", "with X"."""
    # "a memorandum of understanding with X": the parser hangs the "with" on the "of" phrase's noun
    heads = [head] + [p for c in head.children if c.dep_ == "prep" and c.lower_ == "of"
                      for p in c.children if p.dep_ == "pobj" and p.pos_ == "NOUN"]
    out = [p for h in heads for c in h.children if c.dep_ == "prep" and c.lower_ in ("with", "between", "among", "by")
           for p in c.children if p.dep_ == "pobj"]
    if not out:
        # "an MoU on cooperation in broadcasting between A and B": the topic's "between" names the signatories
        topic = [t for c in head.children if c.dep_ == "prep" and c.lower_ in ("on", "for") for t in c.subtree]
        out = [p for t in topic if t.dep_ == "prep" and t.lower_ == "between" for p in t.children if p.dep_ == "pobj"][:1]
    return out


def actor_tokens(pred, rel, head):
    """Tokens naming the signatories around the predicate: subject(s), agent, "with" and "between" objects.

    The document's own phrase wins; the subject of a listing verb ("They included ...", "The White House
    listed ...") names the documents or the lister, not the signatories."""
    local = np_actor_tokens(head)
    if rel == "list":
        return local
    out = []
    verb = pred
    if rel == "noun":
        # "the signing of X between A and B", "A and B witnessed the signing of"
        for c in pred.children:
            if c.dep_ == "prep" and c.lower_ in ("between", "by", "with"):
                out += [p for p in c.children if p.dep_ == "pobj"]
        verb = next((a for a in _ancestors(pred, 3) if a.pos_ in ("VERB", "AUX")), None)
        if verb is None:
            return out
    if rel == "relcl":
        out += [c for c in pred.children if c.dep_ in ("nsubj",) and c.tag_ not in ("WDT", "WP")]
    for c in verb.children:
        if c.dep_ in ("nsubj", "nsubjpass") and c.tag_ not in ("WDT", "WP") and c.i != head.i and \
                not (rel == "subject" and c.dep_ == "nsubjpass"):
            nxt = c.doc[c.i + 1] if c.i + 1 < len(c.doc) else None
            if c.pos_ == "NOUN" and nxt is not None and nxt.dep_ == c.dep_ and nxt.head.i == verb.i and nxt.pos_ == "PROPN":
                continue  # "Indonesia's state oil company Pertamina signed": the description of the name
            out.append(c)
        if c.dep_ == "agent":
            # "signed by Iran's X, Saudi adviser Y and China's Z": the parser hangs later signers as appositions
            for p in c.children:
                if p.dep_ == "pobj":
                    out.append(p)
                    out += [t for t in p.subtree if t.i != p.i and t.dep_ in ("appos", "conj") and t.pos_ == "PROPN"
                            and not any(a.dep_ in ("relcl", "acl", "prep") for a in t.ancestors if a.i > p.i and a.i < t.i)]
        if c.dep_ == "prep" and c.lower_ in ("with", "between"):
            out += [p for p in c.children if p.dep_ == "pobj"]
    if not any(c.dep_ in ("nsubj", "nsubjpass", "agent") for c in verb.children) and verb.dep_ == "xcomp" \
            and verb.head.pos_ in ("VERB", "AUX"):
        # control: "the Cabinet (met and) decided to approve a plan": the subject of the verb above
        up = verb.head
        while not any(c.dep_ == "nsubj" for c in up.children) and up.dep_ == "conj" and up.head.i != up.i:
            up = up.head
        out += [c for c in up.children if c.dep_ == "nsubj" and c.tag_ not in ("WDT", "WP")]
    elif not any(c.dep_ in ("nsubj", "nsubjpass", "agent") for c in verb.children):
        # conjoined verbs share a subject: "X held talks and signed ..."
        up = verb
        while up.dep_ == "conj" and up.head.i != up.i:
            up = up.head
            subj = [c for c in up.children if c.dep_ in ("nsubj",)]
            if subj:
                out += subj
                break
    out += local
    # "Starwood said it had signed ...": the pronoun stands for the subject of the saying verb
    for i, t in enumerate(out):
        if t.lower_ in ("it", "its") and verb is not None:
            say = next((a for a in _ancestors(verb, 3) if a.lemma_ in ("say", "announce", "confirm", "state")), None)
            subj = next((c for c in say.children if c.dep_ == "nsubj"), None) if say is not None else None
            if subj is None and t.dep_ == "nsubj":
                subj = _antecedent(t)
            if subj is not None:
                out[i] = subj
    return out


def _antecedent(pron):
    """The named subject of the sentence before: "Starwood said ... . It also signed a letter of intent"."""
    doc, start = pron.doc, pron.sent.start
    if start == 0:
        return None
    root = doc[start - 1].sent.root
    return next((c for c in root.children if c.dep_ == "nsubj" and c.pos_ == "PROPN"), None)
