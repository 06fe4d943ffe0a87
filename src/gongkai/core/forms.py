"""Form helpers every app's views share."""

from gongkai.core.errors import DomainError


def add_domain_error(form, exc: DomainError) -> None:
    """Show a service's refusal on the form: beside the field it names, or above the form."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
