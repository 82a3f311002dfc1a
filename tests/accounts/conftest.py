"""Fixtures for accounts tests: people created through the real use cases."""

from __future__ import annotations

import pytest
from accounts_helpers import PASSWORD, MakeUser

from mercato.accounts import service as accounts
from mercato.accounts.model import UserView
from mercato.kernel.runtime import Runtime


@pytest.fixture
def make_user(rt: Runtime) -> MakeUser:
    def make(email: str = "li@example.com", *, password: str = PASSWORD, name: str = "Li Wei",
             operator: bool = False) -> UserView:
        if operator:
            return accounts.create_operator(rt, email, password, name)
        return accounts.register(rt, email, password, name)

    return make
