import pytest
from ansible_collections.refarch.aws.plugins.module_utils import resource
from botocore.exceptions import ClientError

OWNED = {"refarch:deployment": "prod"}


class Exit(Exception):
    pass


class FakeModule:
    def __init__(self, check_mode=False, diff=True, **params):
        self.params = dict(dict(name="q", state="present", deployment="prod", tags={}), **params)
        self.check_mode = check_mode
        self._diff = diff
        self.result = None

    def exit_json(self, **result):
        self.result = dict(result, failed=False)
        raise Exit

    def fail_json(self, **result):
        self.result = dict(result, failed=True)
        raise Exit

    def fail_json_aws(self, error, msg):
        self.fail_json(msg="%s: %s" % (msg, error))


def run(module, *args):
    with pytest.raises(Exit):
        resource.run(module, "queue", "queue", *args)
    return module.result


def test_run_present_returns_the_resource_and_the_diff():
    result = run(FakeModule(), lambda: None, lambda current: (True, {"name": "q"}), None)
    assert result == dict(changed=True, queue={"name": "q"}, diff=dict(before={}, after={"name": "q"}), failed=False)


def test_run_without_diff_mode_returns_no_diff():
    result = run(FakeModule(diff=False), lambda: {"a": 1}, lambda current: (False, current), None)
    assert result == dict(changed=False, queue={"a": 1}, failed=False)


def test_run_reports_api_errors_with_the_resource_name():
    def read():
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "GetQueueUrl")

    result = run(FakeModule(), read, None, None)
    assert result["failed"] and result["msg"].startswith("failed to manage queue q")


def test_ensure_absent_deletes_only_owned_resources():
    deleted = []
    module = FakeModule(state="absent")
    assert resource.ensure_absent(module, "queue", "q", {"tags": OWNED}, deleted.append) == (True, None)
    assert deleted == [{"tags": OWNED}]
    assert resource.ensure_absent(module, "queue", "q", None, deleted.append) == (False, None)
    with pytest.raises(Exit):
        resource.ensure_absent(module, "queue", "q", {"tags": {"refarch:deployment": "other"}}, deleted.append)
    assert "not owned by deployment prod" in module.result["msg"] and "refusing to delete" in module.result["msg"]
    assert len(deleted) == 1


def test_ensure_absent_in_check_mode_deletes_nothing():
    deleted = []
    assert resource.ensure_absent(FakeModule(check_mode=True), "queue", "q", {"tags": OWNED}, deleted.append) == (
        True,
        None,
    )
    assert deleted == []


@pytest.mark.parametrize(
    ("tags", "deployment", "wanted", "matches"),
    [
        (OWNED, "prod", {}, True),
        (OWNED, "prod-2", {}, False),
        ({}, None, {}, True),
        (dict(OWNED, **{"refarch:stack": "s"}), "prod", {"refarch:stack": "s"}, True),
        (OWNED, "prod", {"refarch:stack": "s"}, False),
        (None, "prod", {}, False),
    ],
)
def test_tags_match(tags, deployment, wanted, matches):
    assert resource.tags_match(tags, deployment, wanted) is matches


def test_run_info_filters_by_ownership_and_tags():
    module = FakeModule(name=None, tags={"refarch:stack": "s"})
    resources = [
        {"name": "a", "tags": dict(OWNED, **{"refarch:stack": "s"})},
        {"name": "b", "tags": OWNED},
        {"name": "c", "tags": {"refarch:stack": "s"}},
        None,
    ]
    with pytest.raises(Exit):
        resource.run_info(module, "queues", "queues", None, lambda: resources)
    assert [r["name"] for r in module.result["queues"]] == ["a"]
    module = FakeModule(name="b", deployment=None)
    with pytest.raises(Exit):
        resource.run_info(module, "queues", "queues", lambda name: resources[1], None)
    assert module.result["queues"] == [resources[1]]
