"""Page plumbing shared by every capability's `web.py`: templates, languages, CSRF, the layout."""

from mercato.web.i18n import LOCALES, current_locale, gettext
from mercato.web.render import page_error, render, templates, verify_csrf

__all__ = ["LOCALES", "current_locale", "gettext", "page_error", "render", "templates", "verify_csrf"]
