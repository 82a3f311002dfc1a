"""Page plumbing shared by every capability's `web.py`: templates, languages, CSRF, the layout."""

from mercato.web.render import (
    LOCALES,
    current_locale,
    gettext,
    page_error,
    render,
    templates,
    verify_csrf,
)

__all__ = ["LOCALES", "current_locale", "gettext", "page_error", "render", "templates", "verify_csrf"]
