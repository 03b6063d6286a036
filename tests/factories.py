"""Sample reviews for tests and benchmarks (shared: keep these function names stable).

`sample_review()` is a realistic two-writer review with fixed ids and times, so that snapshots
and exports are repeatable. `planned_review()` is the same review with a complete revised plan.
`empty_review()` has nothing written yet; `two_writers()` has only its two writers.
`large_review()` is a big, varied review for benchmarks.
"""

from __future__ import annotations

import random
from pathlib import Path

from workbook.model import Answer, AnswerValue, Member, Person, PersonView, Review, TimelineEntry
from workbook.store import ReviewStore

WHEN = "2024-06-02T19:30:00+00:00"
"""Every timestamp in the sample reviews."""
MARIA = "maria"
TOM = "tom"
RAY = "person-ray"
LINDA = "person-linda"
ROSE = "person-rose"
JESS = "person-jess"


def answer(review: Review, step: str, question: str, member_id: str, value: AnswerValue, when: str = WHEN) -> None:
    """Record an answer with a fixed time (unlike `Review.set_answer`, which stamps now)."""
    review.answers.setdefault(step, {}).setdefault(question, {})[member_id] = Answer(value=value, updated=when)


def empty_review() -> Review:
    """A review with a title and nothing else."""
    return Review(title="Looking back at March", id="review-empty", created=WHEN, updated=WHEN)


def two_writers() -> Review:
    """An empty review with two writers, Maria (mother, id "maria") and Tom (brother, id "tom")."""
    review = empty_review()
    review.members = [Member("Maria", "mother", id=MARIA, created=WHEN), Member("Tom", "brother", id=TOM, created=WHEN)]
    return review


def _fill(review: Review, step: str, member_id: str, answers: dict[str, AnswerValue]) -> None:
    for question, value in answers.items():
        answer(review, step, question, member_id, value)


def _what_happened(review: Review) -> None:
    step = "what-happened"
    _fill(review, step, MARIA, {
        "date": "2024-03-09",
        "place": "loved-ones-home",
        "place_detail": "Danny's apartment on Elm Street, on a Saturday morning. He had clearly been up all night.",
        "leader": "nobody",
        "approach": "surprise",
        "pre_meeting": "no",
        "letters": "some",
        "options_ready": "no",
        "options_detail": "We had one brochure for a rehab two hours away and had not called to ask about a bed.",
        "consequences": "I said I would stop paying his rent if he did not go that day.",
        "consequences_held": "none",
        "outcome": "walked-out",
        "outcome_detail": "He shouted at Ray, said we had ambushed him, and left after about twenty minutes.",
        "since": "He stopped answering my calls for two weeks. I paid the rent again in April.",
        "safety_events": ["overdose", "detox"],
        "safety_detail": "He overdosed in May. A friend had naloxone and called 911. He did five days of detox and left early.",
    })
    _fill(review, step, TOM, {
        "place": "loved-ones-home",
        "leader": "family-member",
        "approach": "surprise",
        "pre_meeting": "not-sure",
        "letters": "no",
        "options_ready": "not-sure",
        "consequences_held": "some",
        "outcome": "walked-out",
        "since": "He texts me sometimes, mostly late at night.",
        "safety_events": ["overdose"],
    })


CAUSE_ANSWERS: dict[str, dict[str, dict[str, AnswerValue]]] = {
    "cause-people": {
        MARIA: {"rating": "a-lot", "supposed": "Family who love him, calm and together.",
                "happened": "Ray and Danny started arguing almost at once.", "went_well": "Linda's letter reached him."},
        TOM: {"rating": "a-little", "missing": "His partner Jess was not asked, and she knows him best.",
              "change": "Fewer people, and nobody who is struggling themselves."},
    },
    "cause-plan": {
        MARIA: {"rating": "a-lot", "rehearsal": "no", "kept_to_letters": "mostly", "who_decided": "I decided, the night before."},
        TOM: {"rating": "a-lot", "rehearsal": "no", "kept_to_letters": "no", "differ": "We never agreed what to say if he said no."},
    },
    "cause-narrative": {
        MARIA: {"rating": "a-little", "derailments": ["anger", "leaving"],
                "pulled_off": "When he shouted at Ray, I started arguing back about money from years ago."},
        TOM: {"rating": "a-lot", "derailments": ["anger"], "went_well": "Nobody raised their voice at the very start."},
    },
    "cause-approach": {
        MARIA: {"rating": "not-sure", "fit": "I thought surprising him was the only way he would listen."},
        TOM: {"rating": "a-lot", "tried_before": "Talking to him one to one, a year ago. He listened that time.",
              "keep": "Telling him we love him first."},
    },
}


def _people(review: Review) -> None:
    def view(helped: str, next_time: str, why: str = "", concerns: list[str] | None = None) -> PersonView:
        return PersonView(helped=helped, next_time=next_time, why=why, concerns=concerns or [], updated=WHEN)

    review.people = [
        Person(name="Uncle Ray", relationship="uncle", role="spoke", present="there", added_by=TOM, id=RAY, created=WHEN, updated=WHEN,
               views={TOM: view("no", "no", "Ray drinks heavily himself, and Danny said so straight away.", ["active-use"]),
                      MARIA: view("mixed", "not-sure", "He means well but he and Danny always end up arguing.", ["conflict"])}),
        Person(name="Aunt Linda", relationship="aunt", role="letter", present="there", added_by=MARIA, id=LINDA, created=WHEN, updated=WHEN,
               views={MARIA: view("yes", "yes", "She read her letter and stayed calm."), TOM: view("yes", "yes")}),
        Person(name="Grandma Rose", relationship="grandmother", role="other", present="invited", added_by=MARIA, id=ROSE,
               created=WHEN, updated=WHEN, views={MARIA: view("not-sure", "letter-only", "The day is hard on her health.")}),
        Person(name="Jess", relationship="Danny's partner", present="not-invited", added_by=TOM, id=JESS, created=WHEN, updated=WHEN),
    ]


TIMELINE = (
    ("before", "Maria and Tom decided on the phone to go to Danny's the next morning.", "Maria, Tom", "plan", MARIA),
    ("before", "Nobody called a treatment program to ask about a bed.", "", "plan", TOM),
    ("during", "We arrived unannounced at nine. Danny had not slept.", "everyone", "approach", MARIA),
    ("during", "Ray started talking about his own drinking and Danny laughed at him.", "Ray", "people", TOM),
    ("during", "Danny got angry and said we had ambushed him.", "Danny", "narrative", MARIA),
    ("during", "Danny walked out after about twenty minutes.", "Danny", "narrative", TOM),
    ("after", "Maria paid the April rent.", "Maria", "plan", MARIA),
    ("after", "Danny overdosed in May; a friend gave naloxone and called 911.", "Danny's friend", "none", TOM),
)


def sample_review() -> Review:
    """Maria (mother) and Tom (brother) look back at a surprise intervention that did not work."""
    review = Review(title="Danny, March 2024", id="review-sample", created=WHEN, updated=WHEN, last_step="what-happened", last_writer=MARIA)
    review.members = two_writers().members
    _what_happened(review)
    for step, by_member in CAUSE_ANSWERS.items():
        for member_id, answers in by_member.items():
            _fill(review, step, member_id, answers)
    _people(review)
    review.timeline = [
        TimelineEntry(phase=phase, what=what, who=who, cause=cause, author=author, id=f"event-{i}",
                      created=f"2024-06-02T19:{i:02d}:00+00:00", updated=WHEN)
        for i, (phase, what, who, cause, author) in enumerate(TIMELINE)
    ]
    return review


def planned_review() -> Review:
    """`sample_review()` with a complete revised plan: `plan.ready_check` finds nothing missing."""
    review = sample_review()
    _fill(review, "plan", MARIA, {
        "next_leader": "professional",
        "next_approach": "invitational",
        "next_place": "Linda's house, on a weekday morning.",
        "after_no": "We keep in touch by text, nobody pays rent, and we meet again on Sunday.",
        "safety_plan": "Maria and Tom both carry naloxone. Jess knows the signs of an overdose.",
    })
    _fill(review, "plan", TOM, {"next_leader": "professional", "family_support": "I will try a SMART Family & Friends meeting."})
    review.plan = {
        "decisions": {"neutral-place": {"status": "accepted", "text": "", "by": MARIA, "updated": WHEN}},
        "added": [],
        "options": [
            {"id": f"option-{i}", "name": name, "kind": kind, "who": who, "contact": "", "intake": "yes", "notes": "", "updated": WHEN}
            for i, (name, kind, who) in enumerate((
                ("Riverside detox and residential program", "residential", MARIA),
                ("Outpatient clinic offering medication treatment", "medication", TOM),
                ("Intensive outpatient program near Jess", "outpatient", TOM),
            ))
        ],
        "commitments": [
            {"id": "commitment-0", "member": MARIA, "consequence": "I will not pay rent, and I will still take your calls.",
             "can_hold": "yes", "last_time": "I paid the rent again after three weeks.", "updated": WHEN},
        ],
        "letters": {MARIA: {"text": "Danny, I love you. I have seen you lose so much this year.", "updated": WHEN},
                    TOM: {"text": "Danny, you are my little brother and I miss you.", "updated": WHEN}},
        "answers_prepared": [{"id": "prepared-0", "tactic": "leaving", "response": "We love you. Our plans stay the same.", "who": TOM,
                              "updated": WHEN},
                             {"id": "prepared-1", "tactic": "anger", "response": "We will wait until you are ready to listen.",
                              "who": MARIA, "updated": WHEN}],
        "tasks": [{"id": "task-0", "what": "Call three interventionists", "owner": MARIA, "due": "2024-06-10", "done": False,
                   "updated": WHEN}],
    }
    return review


# -- large reviews for benchmarks ---------------------------------------------------------

SUBJECTS = ("I", "We", "Mom", "Tom", "Linda", "Ray", "Nobody", "Everyone", "Danny", "The counselor", "Jess", "My sister")
VERBS = ("remembered", "said", "noticed", "worried", "hoped", "forgot", "asked", "decided", "felt", "explained", "wondered")
OBJECTS = ("that the letters were too long", "about the rent", "when he stood up", "that we had no plan for a no",
           "about the detox bed", "how tired everyone was", "that the morning was the wrong time", "about the brochure",
           "what the counselor told us", "that he had not slept", "about Christmas two years ago", "that we loved him")
ENDINGS = ("", " afterwards", " the night before", " on the drive home", " for weeks", " at the time", " later that day")
CAUSES = ("people", "plan", "narrative", "approach")
CHOICE_QUESTIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "what-happened": {
        "place": ("loved-ones-home", "family-home", "neutral", "public", "other"),
        "leader": ("nobody", "family-member", "counselor", "professional", "other"),
        "approach": ("surprise", "invitational", "informal", "craft", "not-sure"),
        "pre_meeting": ("yes", "no", "not-sure"), "letters": ("yes", "some", "no", "not-sure"), "options_ready": ("yes", "no", "not-sure"),
        "consequences_held": ("all", "some", "none", "not-sure", "not-stated"),
        "outcome": ("refused", "walked-out", "agreed-not-gone", "left-early", "used-again", "other"),
    },
    **{f"cause-{c}": {"rating": ("not-at-all", "a-little", "a-lot", "not-sure")} for c in CAUSES},
    "plan": {"next_leader": ("professional", "counselor", "family-member", "not-sure"),
             "next_approach": ("confrontational", "invitational", "craft", "systemic", "not-sure")},
}
TEXT_QUESTIONS: dict[str, tuple[str, ...]] = {
    "what-happened": ("place_detail", "options_detail", "consequences", "outcome_detail", "since", "safety_detail"),
    **{f"cause-{c}": ("supposed", "happened", "differ", "went_well", "keep", "change") for c in CAUSES},
    "plan": ("next_place", "next_time", "after_yes", "after_no", "aftercare", "family_support", "safety_plan", "questions_for_pro"),
}
FIRST_NAMES = ("Ana", "Ben", "Chris", "Dee", "Eli", "Fran", "Gus", "Hana", "Ivan", "June", "Kai", "Lou", "Mo", "Nell", "Omar", "Pat")
RELATIONSHIPS = ("mother", "father", "sister", "brother", "aunt", "uncle", "cousin", "friend", "partner", "grandmother", "neighbour")


def sentence(rng: random.Random) -> str:
    """One plausible sentence of a family's account."""
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}{rng.choice(ENDINGS)}."


def paragraph(rng: random.Random, chars: int) -> str:
    """Sentences until the text is about `chars` characters long (at least one sentence)."""
    parts = [sentence(rng)]
    size = len(parts[0])
    while size < chars:
        parts.append(sentence(rng))
        size += len(parts[-1]) + 1
    return " ".join(parts)


def large_review(people: int = 20, timeline: int = 200, writers: int = 6, answer_kb: int = 50, seed: int = 0) -> Review:
    """A big, varied review: `answer_kb` is about the total kilobytes of free-text answers, spread over every writer."""
    rng = random.Random(seed)
    review = Review(title="A long review", id=f"review-large-{seed}", created=WHEN, updated=WHEN)
    review.members = [Member(f"{FIRST_NAMES[i % len(FIRST_NAMES)]}{'' if i < len(FIRST_NAMES) else i}", rng.choice(RELATIONSHIPS),
                             id=f"writer-{i}", created=WHEN) for i in range(writers)]
    slots = [(step, q, m.id) for step, qs in TEXT_QUESTIONS.items() for q in qs for m in review.members]
    each = max(40, answer_kb * 1024 // max(1, len(slots)))
    for step, question, member_id in slots:
        answer(review, step, question, member_id, paragraph(rng, rng.randint(each // 2, each * 3 // 2)))
    for member in review.members:
        for step, questions in CHOICE_QUESTIONS.items():
            for question, choices in questions.items():
                answer(review, step, question, member.id, rng.choice(choices))
        answer(review, "what-happened", "safety_events", member.id, rng.sample(["overdose", "detox", "jail", "treatment-ended", "none"], 2))
        answer(review, "cause-narrative", "derailments", member.id, rng.sample(["anger", "leaving", "bargaining", "blame", "tears"], 2))
    concerns = ("active-use", "mental-health", "conflict", "off-script", "young", "none")
    review.people = [
        Person(name=f"{rng.choice(FIRST_NAMES)} {chr(65 + i % 26)}.", relationship=rng.choice(RELATIONSHIPS),
               role=rng.choice(("led", "spoke", "letter", "support", "watched", "other")),
               present=rng.choice(("there", "invited", "not-invited")), added_by=rng.choice(review.members).id if writers else "",
               id=f"person-{i}", created=WHEN, updated=WHEN,
               views={m.id: PersonView(helped=rng.choice(("yes", "no", "mixed", "not-sure")),
                                       next_time=rng.choice(("yes", "no", "letter-only", "not-sure")), why=sentence(rng),
                                       concerns=rng.sample(concerns, rng.randint(0, 2)), updated=WHEN) for m in review.members})
        for i in range(people)
    ]
    review.timeline = [
        TimelineEntry(phase=rng.choice(("before", "during", "after")), what=paragraph(rng, rng.randint(40, 240)), who=rng.choice(SUBJECTS),
                      cause=rng.choice(("none", "people", "plan", "narrative", "approach")),
                      author=rng.choice(review.members).id if writers else "", id=f"event-{i}", created=WHEN, updated=WHEN)
        for i in range(timeline)
    ]
    return review


FIRST_SITTING, SECOND_SITTING = "He called twice", "He called twice, then not at all"


def saved_over_two_sittings(data_dir: Path, title: str) -> tuple[Review, Path]:
    """A review saved in two sittings of the app, so backup 1 holds the first sitting's words; returns it and its file.

    Every store it opens is closed again, so the folder is free for the app or the command line.
    """
    store = ReviewStore(data_dir)
    review = store.create(title)
    member = review.add_member("Maria", "mother")
    review.set_answer("what-happened", "since", member.id, FIRST_SITTING)
    store.release(review)
    store.close()
    store = ReviewStore(data_dir)  # a later sitting: its first save keeps the earlier file as backup 1
    review = store.load(review.id)
    review.set_answer("what-happened", "since", member.id, SECOND_SITTING)
    store.release(review)
    path = store.path_for(review.id)
    store.close()
    return review, path
