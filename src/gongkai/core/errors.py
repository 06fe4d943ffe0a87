class DomainError(Exception):
    """A rule of the domain refused a write. The message is fit to show to staff (in Chinese)."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class PermissionDenied(DomainError):
    """The actor may not do this to this record (outside their organisation subtree or role)."""
