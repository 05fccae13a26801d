def number_lines(source: str, target: str) -> int:
    """Copy source to a new file target with a line number in front of every line."""
    with open(source, encoding="utf-8") as file:
        lines = file.read().splitlines()

    width = len(str(len(lines)))
    with open(target, "x", encoding="utf-8") as file:
        for number, line in enumerate(lines, start=1):
            file.write(f"{number:>{width}} | {line}\n")
    return len(lines)
