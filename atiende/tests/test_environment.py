import pytest

from atiende.environment import ImproperlyConfiguredValue, env_bool, env_int, env_list, env_str


def test_unset_variables_take_their_documented_default():
    assert env_bool("DEBUG", False, environ={}) is False
    assert env_int("EMAIL_PORT", 25, environ={}) == 25
    assert env_list("ALLOWED_HOSTS", ["127.0.0.1"], environ={}) == ["127.0.0.1"]
    assert env_str("TIME_ZONE", "America/Bogota", environ={"TIME_ZONE": ""}) == "America/Bogota"


def test_booleans_accept_the_usual_spellings():
    assert env_bool("DEBUG", False, environ={"DEBUG": "Yes"}) is True
    assert env_bool("DEBUG", True, environ={"DEBUG": "0"}) is False


def test_a_typo_in_a_boolean_is_an_error_naming_the_variable():
    with pytest.raises(ImproperlyConfiguredValue, match="DEBUG must be one of"):
        env_bool("DEBUG", False, environ={"DEBUG": "ture"})


def test_numbers_are_checked():
    with pytest.raises(ImproperlyConfiguredValue, match="EMAIL_PORT must be a whole number"):
        env_int("EMAIL_PORT", 25, environ={"EMAIL_PORT": "25a"})
    with pytest.raises(ImproperlyConfiguredValue, match="at least 1"):
        env_int("EMAIL_PORT", 25, minimum=1, environ={"EMAIL_PORT": "0"})


def test_lists_are_comma_separated_and_trimmed():
    assert env_list("ALLOWED_HOSTS", [], environ={"ALLOWED_HOSTS": " a.example , b.example,"}) == [
        "a.example",
        "b.example",
    ]
