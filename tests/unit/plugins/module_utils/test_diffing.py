import pytest
from ansible_collections.refarch.aws.plugins.module_utils import diffing


@pytest.mark.parametrize(
    ("desired", "current", "expected"),
    [
        ({"a": 1}, {"a": 1}, []),
        ({"a": 1}, {"a": 2}, ["a"]),
        ({"a": None}, {"a": 2}, []),  # None: leave it alone
        ({"a": 1}, None, ["a"]),  # absent resource: everything differs
        ({"a": {"b": 1, "c": 2}}, {"a": {"b": 1, "c": 3, "d": 4}}, ["a.c"]),  # keys not asked for are ignored
        ({"a": [1, 2]}, {"a": [2, 1]}, ["a"]),  # lists compare whole, in order
        ({"a": {"b": 1}}, {"a": "x"}, ["a"]),
        ({"b": 1, "a": 2}, {}, ["a", "b"]),
    ],
)
def test_changed_keys(desired, current, expected):
    assert diffing.changed_keys(desired, current) == expected


def test_drop_none_removes_nested_nones_only():
    assert diffing.drop_none({"a": None, "b": {"c": None, "d": 0}, "e": [{"f": None}], "g": False}) == {
        "b": {"d": 0},
        "e": [{}],
        "g": False,
    }


def test_merged_applies_desired_over_current_without_mutating_it():
    current = {"a": {"b": 1, "c": 2}, "d": 3}
    after = diffing.merged(current, {"a": {"b": 5}, "d": None, "e": [1]})
    assert after == {"a": {"b": 5, "c": 2}, "d": 3, "e": [1]}
    assert current == {"a": {"b": 1, "c": 2}, "d": 3}


def test_diff_result_uses_empty_dicts_for_absent_resources():
    assert diffing.diff_result(None, {"x": 1}) == {"before": {}, "after": {"x": 1}}


@pytest.mark.parametrize(
    ("left", "right", "same"),
    [
        ('{"a": 1, "b": [1, 2]}', {"b": [1, 2], "a": 1}, True),
        ('{"a": 1}', '{ "a" : 1 }', True),
        ('{"a": [1, 2]}', '{"a": [2, 1]}', False),
    ],
)
def test_normalized_json(left, right, same):
    assert (diffing.normalized_json(left) == diffing.normalized_json(right)) is same


def test_with_text_apart_shows_the_value_decoded_as_a_diff_of_its_own():
    before = {"name": "t", "data": {"ImageId": "ami-1", "UserData": "b2xk"}}
    after = {"name": "t", "data": {"ImageId": "ami-1", "UserData": "bmV3"}}
    shown = diffing.with_text_apart(before, after, ("data", "UserData"), lambda v: "text of " + v, "user data")
    assert shown == [
        {
            "before": {"name": "t", "data": {"ImageId": "ami-1", "UserData": "(user data: the text diff below)"}},
            "after": {"name": "t", "data": {"ImageId": "ami-1", "UserData": "(user data: the text diff below)"}},
        },
        {
            "before": "text of b2xk",
            "after": "text of bmV3",
            "before_header": "user data",
            "after_header": "user data",
        },
    ]
    assert before["data"]["UserData"] == "b2xk"  # the resources themselves are left as they are


def test_with_text_apart_on_a_created_resource_and_one_without_the_value():
    created = diffing.with_text_apart(None, {"data": {"UserData": "eA=="}}, ("data", "UserData"), str.upper, "u")
    assert created[0] == {"before": {}, "after": {"data": {"UserData": "(u: the text diff below)"}}}
    assert (created[1]["before"], created[1]["after"]) == ("", "EA==")
    bare = diffing.with_text_apart({"data": {}}, {}, ("data", "UserData"), str.upper, "u")
    assert bare[0] == {"before": {"data": {}}, "after": {}} and (bare[1]["before"], bare[1]["after"]) == ("", "")
