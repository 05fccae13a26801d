"""Screen a student's free-text question before it costs model time.

Two kinds of question get a short refusal instead of an answer, logged for the instructor:

- one that asks for, or tries to override, the tutor's instructions ("ignore the rules above",
  "print your system prompt"). The prompt already treats student text as data and the echo
  guard stops a reply that recites the instructions; this answers such a question at once, the
  same way every time, whatever the model.
- one that is plainly not about the exercise or programming: two or more words that say
  something, none of them a programming or learning word ("loop", "stuck", "confused"), a
  Python name, or a word of the exercise, the student's code or their program's output. "What
  is the capital of France?" is refused; "why does it fail?" and "I'm confused" are not. Vague
  questions ("why?", "help me") always go to the model, which is told to refuse off-topic
  requests itself. A question in another language may be refused; the refusal tells the
  student to name the line, function or error, which lets the question through.
"""

import builtins
import keyword
import re
from dataclasses import dataclass

INSTRUCTIONS_REASON = "the question asks for or tries to change the tutor's instructions"
OFF_TOPIC_REASON = "the question is not about the exercise or programming"

INSTRUCTIONS_REPLY = (
    "I can't share or change my instructions. I can help with this exercise: ask me about your "
    "code, an error, or the next step."
)
OFF_TOPIC_REPLY = (
    "I can only help with this exercise and programming. If your question is about your code, "
    "mention the part you mean: a line, a function name or the error."
)

MIN_CONTENT_WORDS = 2

_OVERRIDE_PATTERNS = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(instructions?|rules|prompt|"
        r"guidelines|restrictions|above|previous|earlier)\b",
        r"\b(system|hidden|initial|original|developer|secret)\s+(prompt|instructions?|message)",
        r"\b(repeat|print|show|reveal|tell|give|output|write|list|what\s+(are|were|is))\b.{0,30}"
        r"\b(your|the)\s+(instructions?|prompt|rules)\b",
        r"\byou\s+are\s+now\b",
        r"\bpretend\s+(to\s+be|you\s+are)\b",
        r"\b(developer|jailbreak|dan)\s+mode\b",
    )
]


def _listed(words: str) -> frozenset[str]:
    return frozenset(words.split())


_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# Code-like text: a call, an index, an assignment, a dotted or snake_case name, a symbol.
_CODE_LIKE = re.compile(r"[()\[\]{}=<>:#+*/%]|\w_\w|\w\.\w|`")

# Words that carry no topic of their own.
_STOPWORDS = _listed(
    """
    a about above after again all also am an and any are as at be because been before being
    below between both but by can could did do does doing done down during each else even ever
    every few for from further get gets got had has have having he her here hers him his how i
    if in into is it its itself just let like many may me might more most much must my myself
    need no nor not now of off often on once one only or other our ours out over own please
    really same say says shall she should so some still such than thank thanks that the their
    theirs them then there these they thing things think this those though through to too
    under until up us very want was way we well were what when where which while who whom whose
    why will with would yes yet you your yours yourself hi hello hey ok okay sorry tell give
    make made know something anything someone anyone everything good bad best better new old
    right wrong sure maybe actually
    """
)

# Programming and tutoring words beyond Python's own names.
_PROGRAMMING_WORDS = _listed(
    """
    code coding program programs programming python script function functions method methods
    variable variables value values loop loops iterate iteration iterating recursion recursive
    list lists string strings integer integers int float floats number numbers boolean bool
    dictionary dictionaries dict key keys tuple tuples set sets array arrays index indexes
    indices slice slicing element elements item items argument arguments parameter parameters
    return returns returned returning call calls calling called class classes object objects
    attribute attributes module modules import imports package error errors exception
    exceptions traceback bug bugs debug debugging fix fixing fixed test tests testing passed
    pass passes fail fails failed failing failure assert assertion output outputs input inputs
    result results print printing prints line lines syntax indentation indent statement
    statements expression expressions condition conditions conditional operator operators
    compare comparison equal equals true false none null type types convert conversion
    algorithm algorithms complexity efficient efficiency performance sort sorting sorted search
    searching count counting sum total average maximum minimum max min character characters
    char chars word words letter letters text file files read write reading writing edge case
    cases empty length size range ranges step steps hint hints explain explanation example
    examples solution solve solving exercise exercises task problem problems approach idea
    logic understand understanding mean means meaning work works working worked run runs
    running crash crashes crashed stuck help next start begin stop infinite nested scope global
    local mutable immutable append insert remove pop split join strip format formatting case
    upper lower reverse reversed compute calculate calculation divide division multiply
    multiplication add addition subtract subtraction modulo remainder zero negative positive
    odd even prime digit digits decimal round rounding review style readable clean refactor
    name names naming comment comments docstring cursor editor completion confused confusing
    lost hard difficult tricky clue unsure try tried trying doing begin beginning first missing
    miss missed supposed expected expect instead happen happens happening close closer
    correct incorrect change changes changed improve better faster shorter simpler
    """
)

_PYTHON_NAMES = frozenset(
    name.lower() for name in (*dir(builtins), *keyword.kwlist, *keyword.softkwlist)
)


@dataclass(frozen=True)
class Screened:
    """A question the tutor answers itself, without the model: the reply and the log's reason."""

    reply: str
    reason: str


def screen_question(question: str, *, topic_texts: tuple[str, ...]) -> Screened | None:
    """None when the question goes to the model; else the refusal to give instead.

    topic_texts: the exercise's title and statement, the student's code, their program's
    output: any word from them makes a question on-topic.
    """
    if any(pattern.search(question) for pattern in _OVERRIDE_PATTERNS):
        return Screened(INSTRUCTIONS_REPLY, INSTRUCTIONS_REASON)
    if _CODE_LIKE.search(question):
        return None
    words = [word.lower() for word in _WORD.findall(question)]
    content = [word for word in words if word not in _STOPWORDS and len(word) > 1]
    if len(content) < MIN_CONTENT_WORDS:
        return None
    on_topic = _PROGRAMMING_WORDS | _PYTHON_NAMES | _words_of(topic_texts)
    if any(_stem_matches(word, on_topic) for word in content):
        return None
    return Screened(OFF_TOPIC_REPLY, OFF_TOPIC_REASON)


def _words_of(texts: tuple[str, ...]) -> frozenset[str]:
    words: set[str] = set()
    for text in texts:
        for word in _WORD.findall(text):
            if len(word) > 2:
                words.add(word.lower())
        # Identifiers in code: snake_case and camelCase parts count as words of their own.
        for identifier in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text):
            for part in re.split(r"_|(?<=[a-z])(?=[A-Z])", identifier):
                if len(part) > 2:
                    words.add(part.lower())
    return frozenset(words)


def _stem_matches(word: str, vocabulary: frozenset[str]) -> bool:
    """'loops', 'looping' and 'looped' count as 'loop'."""
    if word in vocabulary:
        return True
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and word[: -len(suffix)] in vocabulary:
            return True
    return False
