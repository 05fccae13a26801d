"""A grading result made safe to store and to send: clean text, bounded size.

Everything in a result came out of a sandbox. PostgreSQL's jsonb refuses NUL characters and lone
surrogates (a program may print either), and one WebSocket message must carry the result (the
workspace's hello includes the latest one), so the stored result is cleaned and capped here.
"""

import json
from typing import Any

MAX_STORED_RESULT_BYTES = 256 * 1024
# When the whole result is over the cap, these fields are cut, most verbose first.
SHRINKABLE_FIELDS = ("stdout", "stderr", "traceback", "actual", "expected", "message")
SHRUNK_CHARS = (2000, 200, 0)
CUT_NOTE = "\n[cut: the result was too long to keep]"


def storable_result(result: dict[str, Any]) -> dict[str, Any]:
    """The result with NULs and lone surrogates replaced, and its size under the cap."""
    clean: dict[str, Any] = _clean(result)
    if _size(clean) > MAX_STORED_RESULT_BYTES:
        # Evidence (capped on its own, tutor/sandbox/evidence.py) is the first thing to go.
        for test in clean.get("tests", []):
            if isinstance(test, dict):
                test.pop("evidence", None)
    for limit in SHRUNK_CHARS:
        if _size(clean) <= MAX_STORED_RESULT_BYTES:
            return clean
        _shrink(clean, limit)
    # Still too big (a huge number of tests): keep the verdicts only.
    clean["tests"] = [
        {key: test.get(key) for key in ("file", "name", "outcome")}
        for test in clean.get("tests", [])[:2000]
    ]
    return clean


def clean_text(text: str) -> str:
    """NUL and lone surrogates (invalid in PostgreSQL text and jsonb) become U+FFFD."""
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(key)): _clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(item) for item in value]
    return value


def _size(result: dict[str, Any]) -> int:
    return len(json.dumps(result, ensure_ascii=False).encode())


def _shrink(result: dict[str, Any], limit: int) -> None:
    records = [result, *result.get("tests", [])]
    hidden_run = result.get("hidden_run")
    if isinstance(hidden_run, dict):
        records.append(hidden_run)
    for record in records:
        for field in SHRINKABLE_FIELDS:
            text = record.get(field)
            if isinstance(text, str) and len(text) > limit:
                record[field] = text[:limit] + CUT_NOTE
