"""A text spinner, for building spun copies in the development set.

Spinning tools reword a text so that it passes for a new one: thesaurus swaps, clauses moved
around, sentences dropped and shuffled. :func:`spin` does the same to real texts so that the
development set has spun copies whose originals are known. Pure and deterministic for a
given ``random.Random``.
"""

from __future__ import annotations

import random
import re

__all__ = ["THESAURUS", "light_edit", "spin", "swap_words"]

# "word = synonym, synonym ...": what synonym-swapping tools do to news English, function
# words included (they break shingles as much as content words do).
_THESAURUS_TEXT = """
said = stated, noted, explained, remarked
says = states, notes, explains
told = informed, advised
announced = revealed, declared, unveiled
big = large, huge, major
large = big, sizable, substantial
small = little, minor, modest
important = crucial, significant, vital, key
new = fresh, novel, recent
help = assist, aid, support
helped = assisted, aided, supported
use = utilize, employ
used = utilized, employed
using = utilizing, employing
make = create, produce
made = created, produced
show = demonstrate, reveal, indicate
shows = demonstrates, reveals, indicates
showed = demonstrated, revealed, indicated
start = begin, commence
started = began, commenced, launched
begin = start, commence
end = finish, conclusion
ended = finished, concluded
get = obtain, receive, acquire
got = obtained, received
give = provide, offer
gave = provided, offered
buy = purchase, acquire
bought = purchased, acquired
people = individuals, persons, folks
company = firm, business, corporation
companies = firms, businesses, corporations
government = administration, authorities
officials = authorities, representatives
country = nation, state
countries = nations, states
city = town, municipality
problem = issue, difficulty
problems = issues, difficulties
increase = rise, growth, boost
increased = rose, grew, climbed
decrease = decline, drop, fall
fell = dropped, declined, slipped
rose = climbed, increased, jumped
quickly = rapidly, swiftly, fast
recently = lately, newly
however = nevertheless, nonetheless, yet
also = additionally, moreover, furthermore
but = yet, though, however
because = since, as
about = regarding, concerning, around
around = about, roughly, approximately
many = numerous, several, various
most = majority of, bulk of
often = frequently, regularly
very = extremely, highly, really
good = great, fine, excellent
bad = poor, terrible, awful
hard = difficult, tough, challenging
easy = simple, effortless
first = initial, earliest, opening
last = final, previous, latest
plan = scheme, proposal, strategy
plans = schemes, proposals, strategies
work = labor, effort, job
worked = labored, operated
job = position, role, post
jobs = positions, roles, posts
money = funds, cash, capital
house = home, residence
home = house, residence
car = vehicle, automobile
cars = vehicles, automobiles
children = kids, youngsters
women = ladies, females
men = males, gentlemen
killed = slain, murdered, left dead
died = passed away, perished
injured = hurt, wounded
police = authorities, law enforcement, officers
arrested = detained, apprehended, taken into custody
attack = assault, strike, raid
fire = blaze, flames
report = account, statement
reported = stated, noted, disclosed
according = as per, based on
expected = anticipated, projected, predicted
believe = think, feel, consider
believes = thinks, feels, considers
think = believe, feel, reckon
want = wish, desire, seek
wants = wishes, desires, seeks
need = require, demand
needs = requires, demands
allow = permit, enable, let
allowed = permitted, enabled
try = attempt, seek
tried = attempted, sought
find = discover, locate, uncover
found = discovered, located, uncovered
keep = maintain, retain, preserve
change = alter, modify, shift
changes = alterations, modifications, shifts
support = backing, assistance
include = comprise, contain, involve
includes = comprises, contains, involves
including = such as, comprising, among them
major = main, principal, significant
main = primary, chief, principal
high = elevated, lofty, steep
low = reduced, minimal, modest
long = lengthy, extended, prolonged
short = brief, quick
old = aged, elderly, former
young = youthful, junior
early = initial, premature
late = delayed, belated
week = seven days
month = four weeks
leader = head, chief, boss
leaders = heads, chiefs
president = head of state, leader
statement = declaration, announcement, release
percent = per cent, %
market = marketplace, sector
price = cost, rate
prices = costs, rates
game = title, match
games = titles, matches
team = squad, side, group
win = victory, triumph
won = secured, clinched, claimed
lost = was defeated, forfeited
set = established, fixed, scheduled
move = step, shift, action
continue = proceed, carry on, persist
continued = proceeded, persisted, carried on
during = throughout, amid, in the course of
after = following, subsequent to
before = prior to, ahead of
while = whereas, although
despite = in spite of, notwithstanding
several = multiple, a number of, various
almost = nearly, virtually
enough = sufficient, adequate
whole = entire, complete
possible = feasible, potential
likely = probable, expected
different = distinct, various, diverse
really = truly, genuinely
way = manner, method, approach
ways = manners, methods, approaches
part = portion, component, section
area = region, zone, district
areas = regions, zones, districts
group = organization, band, collective
issue = matter, problem, concern
issues = matters, concerns
case = instance, matter
story = tale, account
news = reports, information
life = existence, lifetime
world = globe, planet
days = times
now = currently, presently, today
still = nevertheless, even now, yet
just = only, merely, simply
around the world = globally, worldwide
went = headed, proceeded, traveled
came = arrived, emerged
took = grabbed, seized, took on
asked = requested, inquired, questioned
called = named, termed, dubbed
added = continued, further stated, included
decided = chose, resolved, opted
will = is going to, shall, is set to
would = could, might
can = is able to, may, could
could = might, may
should = ought to, must
has = possesses, holds
have = possess, hold
is = remains, stands as
are = remain, stand as
was = had been, became
were = had been, became
in = within, inside
on = upon, regarding
with = alongside, along with
from = out of, coming from
for = towards, in favor of
by = through, via
to = towards, so as to
this = the present, that
that = which, this
there = in that location
more = additional, extra, further
than = compared to
some = certain, a few
all = every, the entire
other = additional, different
year = twelve months, annum
years = decades, seasons
day = date
time = moment, period, occasion
times = occasions, periods
like = such as, similar to
going = heading, moving
take = seize, grab
know = understand, realize
see = observe, notice, view
look = appear, seem
go = proceed, head
come = arrive, emerge
well = effectively, nicely
even = indeed, actually
back = again, returned
only = merely, solely
over = above, beyond, across
into = within, inside
out = outside, away
up = upward
what = whatever, which
when = once, whenever
if = whether, provided that
who = that, which
one = a single, an individual
two = a pair of, both
three = a trio of
much = a lot, greatly
lot = great deal
best = finest, top
better = superior, improved
great = excellent, tremendous
next = following, subsequent
since = because, as
where = wherein, in which
then = afterwards, subsequently
these = such, those
those = such, these
its = their
our = the team's
"""

#: word -> the synonyms a spinner may put in its place.
THESAURUS: dict[str, tuple[str, ...]] = {
    word.strip(): tuple(s.strip() for s in synonyms.split(","))
    for word, _, synonyms in (
        line.partition("=") for line in _THESAURUS_TEXT.strip().splitlines() if "=" in line
    )
}


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if p.strip()]


def _sentences(paragraph: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"“‘'(])", paragraph) if s.strip()]


def swap_words(sentence: str, rng: random.Random, rate: float) -> str:
    """``sentence`` with each word the thesaurus knows replaced at probability ``rate``
    (capitalisation kept)."""

    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        options = THESAURUS.get(word.lower())
        if not options or rng.random() > rate:
            return word
        new = rng.choice(options)
        return new.capitalize() if word[0].isupper() else new

    return re.sub(r"[A-Za-z]+", swap, sentence)


def _restructure(sentence: str, rng: random.Random) -> str:
    """Moves a trailing attribution forward or a leading clause back, as spinners do."""
    said = re.match(r"^(?P<quote>[\"“].+[,.]?[\"”]),? (?P<who>[^,]{3,60}) said\.$", sentence)
    if said and rng.random() < 0.7:
        quote = said.group("quote").rstrip('"”').rstrip(",.")
        return f"{said.group('who')} said: {quote.lstrip('“').lstrip(chr(34))}."
    lead = re.match(
        r"^(?P<head>(?:In|On|After|During|When|As|Last|This) [^,]{3,50}), (?P<rest>.+)\.$", sentence
    )
    if lead and rng.random() < 0.7:
        rest = lead.group("rest")
        return (
            f"{rest[0].upper()}{rest[1:]} {lead.group('head')[0].lower()}{lead.group('head')[1:]}."
        )
    return sentence


def spin(text: str, rng: random.Random, *, rate: float = 0.7) -> str:
    """A spun rewrite of ``text``: thesaurus swaps at ``rate`` of the words the thesaurus
    knows, clause moves, some sentences dropped, sentences shuffled within paragraphs and
    neighbouring paragraphs swapped."""
    paragraphs: list[str] = []
    for paragraph in _paragraphs(text):
        sentences = [
            swap_words(_restructure(s, rng), rng, rate)
            for s in _sentences(paragraph)
            if rng.random() > 0.08
        ]
        if len(sentences) > 2 and rng.random() < 0.5:
            head, rest = sentences[0], sentences[1:]
            rng.shuffle(rest)
            sentences = [head, *rest]
        if sentences:
            paragraphs.append(" ".join(sentences))
    for i in range(1, len(paragraphs) - 1, 3):
        if rng.random() < 0.5:
            paragraphs[i], paragraphs[i + 1] = paragraphs[i + 1], paragraphs[i]
    return "\n\n".join(paragraphs)


def light_edit(text: str, rng: random.Random) -> str:
    """A sub-editor's touch: a sentence dropped, a few words changed."""
    paragraphs = _paragraphs(text)
    if len(paragraphs) > 4 and rng.random() < 0.5:
        del paragraphs[rng.randrange(1, len(paragraphs))]
    edited = [swap_words(p, rng, 0.04) for p in paragraphs]
    return "\n\n".join(edited)
