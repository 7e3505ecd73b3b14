class RuleViolation(Exception):
    """A business rule refused a user's action. ``message`` is Vietnamese, ready to show.

    ``field`` names the form field at fault when there is one, so pages can place the error.
    """

    def __init__(self, message: str, *, field: str | None = None, code: str = "rule") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code

    def __str__(self) -> str:
        return self.message
