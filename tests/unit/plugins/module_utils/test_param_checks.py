import pytest
from ansible_collections.refarch.aws.plugins.module_utils import param_checks as checks


@pytest.mark.parametrize(
    ("value", "ok"),
    [(None, True), ("ami-0d27e0fb3bac4d724", True), ("ami-12345678", True), ("ami-xyz", False), ("not-an-ami", False)],
)
def test_check_pattern(value, ok):
    message = checks.check_pattern("image_id", value, r"ami-[0-9a-f]{8,17}")
    assert (message is None) is ok
    if not ok:
        assert message.startswith("image_id:")


@pytest.mark.parametrize(("value", "ok"), [(None, True), (0, True), (64, True), (-1, False), (65, False)])
def test_check_range(value, ok):
    assert (checks.check_range("metadata_hop_limit", value, 0, 64) is None) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("web-alb", True),
        ("a", True),
        ("x" * 32, True),
        ("x" * 33, False),
        ("-web", False),
        ("web-", False),
        ("web_alb", False),
    ],
)
def test_check_elb_name(value, ok):
    assert (checks.check_elb_name("name", value) is None) is ok


@pytest.mark.parametrize(("value", "ok"), [("web-lt", True), ("ab", False), ("a b c", False), ("web/lt(1).x_y", True)])
def test_check_launch_template_name(value, ok):
    assert (checks.check_launch_template_name("name", value) is None) is ok


def test_collect_drops_none():
    assert checks.collect(None, "a", None, "b") == ["a", "b"]
