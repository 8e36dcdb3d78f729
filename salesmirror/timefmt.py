"""How session times read to a person, the same in the window, the CLI and reports."""


def clock(seconds: float) -> str:
    """`m:ss`, rounded down to the second that has started (a timer never runs ahead)."""
    whole = max(0, int(seconds))
    return f"{whole // 60}:{whole % 60:02d}"
