import pytest
from ansible_collections.refarch.aws.plugins.module_utils import ownership


def test_desired_tags_always_carry_the_ownership_tag():
    tags = ownership.desired_tags("prod", {"team": "web", ownership.OWNERSHIP_TAG_KEY: "forged"})
    assert tags == {"team": "web", "refarch:deployment": "prod"}


@pytest.mark.parametrize(
    ("tags", "owned"),
    [
        ({"refarch:deployment": "prod"}, True),
        ({"refarch:deployment": "prod-2"}, False),  # a look-alike deployment is not ours
        ({"Name": "prod"}, False),
        (None, False),
    ],
)
def test_is_owned(tags, owned):
    assert ownership.is_owned(tags, "prod") is owned


@pytest.mark.parametrize(
    ("current", "desired", "purge", "to_set", "to_remove"),
    [
        ({"a": "1"}, {"a": "1"}, False, {}, []),
        ({"a": "1"}, {"a": "2"}, False, {"a": "2"}, []),
        ({"a": "1", "b": "2"}, {"a": "1"}, False, {}, []),
        ({"a": "1", "b": "2", "aws:cloudformation:x": "y"}, {"a": "1"}, True, {}, ["b"]),
        ({}, {"a": "1"}, True, {"a": "1"}, []),
    ],
)
def test_tag_changes(current, desired, purge, to_set, to_remove):
    assert ownership.tag_changes(current, desired, purge) == (to_set, to_remove)
