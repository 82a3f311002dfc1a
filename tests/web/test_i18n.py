"""The Simplified Chinese catalog covers every message of the user interface, keeps its placeholders, and pages
render in the language the visitor chose (English stays English).
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog
from fastapi.testclient import TestClient

from mercato.web.i18n import current_locale, gettext, translations
from mercato.web.render import templates

ROOT = Path(__file__).resolve().parents[2]
FIX = "run `.venv/bin/python scripts/extract_messages.py`, then translate the empty entries of {po}"
# %(name)s, %s, %d, %%, and {name} / {0} / {} (str.format): whatever the code fills in must survive translation.
PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sdifr]|%[sdifr%]|\{[A-Za-z0-9_]*\}")


@cache
def extractor() -> ModuleType:
    """scripts/extract_messages.py, which knows every place a message comes from."""
    spec = importlib.util.spec_from_file_location("extract_messages", ROOT / "scripts" / "extract_messages.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def pot() -> Catalog:
    catalog: Catalog = extractor().read_catalog(extractor().POT)
    return catalog


@cache
def zh_catalog() -> Catalog:
    catalog: Catalog = extractor().read_catalog(extractor().catalog_path("zh_CN"), "zh_CN")
    return catalog


def translated_ids(catalog: Catalog) -> set[str]:
    return {str(m.id) for m in catalog if m.id and m.string and not m.fuzzy}


def placeholders(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER.findall(text))


def missing_report(missing: list[str]) -> str:
    fix = FIX.format(po=extractor().catalog_path("zh_CN").relative_to(ROOT))
    return f"{len(missing)} message(s) lack a Chinese translation ({fix}):" + "".join(f"\n  {m!r}" for m in missing)


# --- the catalog --------------------------------------------------------------------------------------------------

def test_every_message_of_the_template_has_a_chinese_translation() -> None:
    missing = sorted(str(m.id) for m in pot() if m.id and str(m.id) not in translated_ids(zh_catalog()))
    assert not missing, missing_report(missing)


def test_every_message_in_the_sources_is_in_the_catalog() -> None:
    """A string added to a template or an error class after the last extraction fails here, not in production."""
    template, _ = extractor().build_catalog(extractor().error_classes())
    missing = sorted(str(m.id) for m in template if m.id and str(m.id) not in translated_ids(zh_catalog()))
    assert not missing, missing_report(missing)


def test_the_catalog_has_no_fuzzy_entries() -> None:
    fuzzy = sorted(str(m.id) for m in zh_catalog() if m.id and m.fuzzy)
    assert not fuzzy, f"review these fuzzy translations and drop the fuzzy flag: {fuzzy}"


def test_translations_keep_the_placeholders_of_their_message() -> None:
    broken = [(str(m.id), str(m.string)) for m in zh_catalog()
              if m.id and m.string and placeholders(str(m.id)) != placeholders(str(m.string))]
    assert not broken, "placeholders differ between message and translation:\n" + "\n".join(map(repr, broken))


def test_chinese_translations_are_chinese() -> None:
    """A pasted English string is not a translation (names such as SKU or API alone are fine)."""
    han = re.compile(r"[\u4e00-\u9fff]")
    untranslated = [str(m.id) for m in zh_catalog() if m.id and m.string == m.id and len(str(m.id)) > 3]
    without_chinese = [str(m.id) for m in zh_catalog()
                       if m.id and m.string and not han.search(str(m.string)) and str(m.string) != "SKU"]
    assert (untranslated, without_chinese) == ([], [])


def test_the_placeholder_pattern_sees_every_kind_of_placeholder() -> None:
    assert placeholders("%(n)s of %s is 5 %% and {name} {0} {}") == Counter(
        ["%(n)s", "%s", "%%", "{name}", "{0}", "{}"])


def test_every_error_title_is_in_the_template() -> None:
    titles = {cls.__dict__["title"] for cls in extractor().error_classes() if "title" in cls.__dict__}
    assert titles - {str(m.id) for m in pot()} == set()


# --- the runtime --------------------------------------------------------------------------------------------------

@pytest.fixture
def chinese() -> Iterator[None]:
    token = current_locale.set("zh-CN")
    yield
    current_locale.reset(token)


@pytest.mark.usefixtures("chinese")
def test_python_messages_are_translated_in_chinese() -> None:
    assert (gettext("Log in"), gettext("The email address or password is not correct")) == ("登录", "邮箱或密码错误")


def test_python_messages_stay_english_in_english() -> None:
    assert gettext("Log in") == "Log in"


def test_the_runtime_loads_every_translation_of_the_catalog() -> None:
    loaded = translations("zh-CN")
    wrong = [str(m.id) for m in zh_catalog() if m.id and m.string and loaded.gettext(str(m.id)) != m.string]
    assert wrong == []


@pytest.mark.usefixtures("chinese")
def test_templates_fill_placeholders_into_the_chinese_text() -> None:
    rendered = templates.env.from_string("{{ _('Only %(n)s left', n=3) }}|{{ _('In basis points: 100 = 1 %%. "
                                         "Unset rates use the platform default.') }}").render()
    assert rendered == "仅剩 3 件|单位为基点：100 = 1%。未设置的费率使用平台默认值。"


# --- pages --------------------------------------------------------------------------------------------------------

def test_the_login_page_is_chinese_with_the_language_cookie(client: TestClient) -> None:
    client.cookies.set("mercato_lang", "zh-CN")
    response = client.get("/login")
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in response.text
    assert "<h1>登录</h1>" in response.text and "密码" in response.text and "Password" not in response.text


def test_the_login_page_stays_english_without_a_choice(client: TestClient) -> None:
    response = client.get("/login")
    assert response.status_code == 200
    assert "<h1>Log in</h1>" in response.text and "登录" not in response.text


def test_the_browser_language_picks_chinese_when_no_cookie_is_set(client: TestClient) -> None:
    response = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
    assert "<h1>登录</h1>" in response.text


def test_a_refused_login_shows_the_error_in_chinese(client: TestClient) -> None:
    client.cookies.set("mercato_lang", "zh-CN")
    client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert csrf is not None
    response = client.post("/login", data={"csrf_token": csrf.group(1), "email": "nobody@example.com",
                                           "password": "wrong-password-1", "next": "/"})
    assert response.status_code == 401
    assert "邮箱或密码错误" in response.text


def test_an_unknown_address_shows_the_chinese_error_page(client: TestClient) -> None:
    client.cookies.set("mercato_lang", "zh-CN")
    response = client.get("/no-such-page-anywhere")
    assert response.status_code == 404
    assert "页面不存在" in response.text and "返回首页" in response.text
