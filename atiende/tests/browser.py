"""Steps the browser tests share."""

from atiende.accounts.tests.factories import PASSWORD


def log_in(page, base_url: str, email: str) -> None:  # type: ignore[no-untyped-def]
    """Log in through the login page, as a person would."""
    page.goto(base_url + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
