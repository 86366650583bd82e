"""Lỗi nhập liệu khi chấm điểm — the one error the scoring core raises for input a person can fix.

Kept in its own tiny module so every other scoring module can raise it without import cycles;
`portal.scoring.methods` and `portal.scoring` re-export it.
"""


class ScoringInputError(ValueError):
    """A value a person typed or configured cannot be scored.

    `code` is a stable machine key (e.g. "den_zero", "above_max", "off_step", "unknown_level");
    `message` is short Vietnamese that tells the user what to do; `params` carry the values the
    message was built from, so a translation catalogue can rebuild it.
    """

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.params = params

    def __repr__(self) -> str:
        return f"ScoringInputError({self.code!r}, {self.message!r})"
