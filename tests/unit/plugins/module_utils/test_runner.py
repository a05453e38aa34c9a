"""The runner's flow, driven with a fake service: what each case calls and returns."""

import pytest
from ansible_collections.refarch.aws.plugins.module_utils import runner

OWNED = {"refarch:deployment": "refarch"}


class FakeService(runner.Service):
    kind = "Thing"
    result_key = "thing"
    waits = True

    def __init__(self, current=None):
        super().__init__({}, {})
        self.current = current
        self.calls = []

    def name(self):
        return "t"

    def read(self):
        self.calls.append("read")
        return self.current

    def desired(self, current, tags):
        return dict(name="t", size=self.params["size"], tags=tags)

    def create(self, desired):
        self.calls.append("create")
        return dict(desired, arn="arn:t")

    def update(self, desired, current, changes, tag_changes):
        self.calls.append(("update", changes, tag_changes.set, tag_changes.remove))
        return dict(current, size=desired["size"], tags=desired["tags"])

    def delete(self, current):
        self.calls.append("delete")

    def wait(self, resource, timeout):
        self.calls.append(("wait", timeout))
        return resource

    def wait_deleted(self, resource, timeout):
        self.calls.append(("wait_deleted", timeout))


def params(**overrides):
    return dict(
        dict(state="present", size=1, deployment="refarch", tags=None, purge_tags=True, wait=True, wait_timeout=9),
        **overrides,
    )


def run(service, check_mode=False, **overrides):
    service.params = params(**overrides)
    return runner.execute(service, service.params, check_mode)


def test_create_then_wait():
    service = FakeService()
    result = run(service)
    assert service.calls == ["read", "create", ("wait", 9)]
    assert result["changed"] and result["thing"] == {"name": "t", "size": 1, "tags": OWNED, "arn": "arn:t"}
    assert result["diff"] == {"before": {}, "after": result["thing"]}


def test_create_in_check_mode_predicts_without_calls():
    service = FakeService()
    result = run(service, check_mode=True)
    assert service.calls == ["read"]
    assert result["changed"] and result["thing"] == {"name": "t", "size": 1, "tags": OWNED}


def test_no_change_makes_no_mutating_call():
    current = {"name": "t", "size": 1, "tags": dict(OWNED, team="web")}
    service = FakeService(current)
    result = run(service)
    assert service.calls == ["read", ("wait", 9)]
    assert result == {
        "changed": False,
        "changed_keys": [],
        "diff": {"before": current, "after": current},
        "thing": current,
    }


def test_a_difference_is_updated_and_named():
    service = FakeService({"name": "t", "size": 1, "tags": OWNED})
    result = run(service, size=2, wait=False)
    assert service.calls == ["read", ("update", ["size"], {}, [])]
    assert result["changed_keys"] == ["size"] and result["thing"]["size"] == 2


def test_check_mode_update_predicts():
    service = FakeService({"name": "t", "size": 1, "tags": OWNED})
    result = run(service, check_mode=True, size=2)
    assert service.calls == ["read"]
    assert result["thing"]["size"] == 2 and result["diff"]["before"]["size"] == 1


def test_tags_are_purged_by_default_but_never_the_ownership_or_aws_tags():
    service = FakeService({"name": "t", "size": 1, "tags": dict(OWNED, old="x", **{"aws:cfn": "y"})})
    result = run(service, tags={"team": "web"}, wait=False)
    assert service.calls[-1] == ("update", ["tags"], {"team": "web"}, ["old"])
    assert result["thing"]["tags"] == dict(OWNED, team="web")


def test_purge_tags_false_keeps_other_tags():
    service = FakeService({"name": "t", "size": 1, "tags": dict(OWNED, old="x")})
    run(service, tags={"team": "web"}, purge_tags=False, wait=False)
    assert service.calls[-1] == ("update", ["tags"], {"team": "web"}, [])


def test_unset_tags_are_left_alone_but_the_ownership_tag_is_not():
    assert run(FakeService({"name": "t", "size": 1, "tags": dict(OWNED, old="x")}))["changed"] is False
    service = FakeService({"name": "t", "size": 1, "tags": {"refarch:deployment": "refarch", "a": "b"}})
    result = run(service, deployment="refarch", tags={"a": "b"})
    assert result["changed"] is False


@pytest.mark.parametrize("state", ["present", "absent"])
def test_a_resource_without_our_tag_is_refused(state):
    service = FakeService({"name": "t", "size": 1, "tags": {"refarch:deployment": "other"}})
    with pytest.raises(runner.Refused, match="Thing t exists but has no refarch:deployment=refarch tag"):
        run(service, state=state)
    assert service.calls == ["read"]


def test_absent_deletes_then_waits_until_gone():
    service = FakeService({"name": "t", "size": 1, "tags": OWNED})
    result = run(service, state="absent")
    assert service.calls == ["read", "delete", ("wait_deleted", 9)]
    assert result["changed"] and result["thing"] == {} and result["diff"]["after"] == {}


def test_absent_and_missing_is_no_change():
    service = FakeService()
    assert run(service, state="absent")["changed"] is False
    assert service.calls == ["read"]


def test_check_mode_absent_calls_nothing():
    service = FakeService({"name": "t", "size": 1, "tags": OWNED})
    assert run(service, check_mode=True, state="absent")["changed"] is True
    assert service.calls == ["read"]


def test_info_filters_by_deployment_and_tags():
    class Things(runner.InfoService):
        result_key = "things"

        def list_all(self):
            return [{"tags": OWNED}, {"tags": dict(OWNED, team="web")}, {"tags": {"refarch:deployment": "x"}}, None]

    assert len(runner.execute_info(Things({}, {}), {"name": None, "deployment": "refarch", "tags": {}})["things"]) == 2
    assert runner.execute_info(Things({}, {}), {"name": None, "deployment": None, "tags": {"team": "web"}})[
        "things"
    ] == [{"tags": dict(OWNED, team="web")}]


def test_info_further_results_are_filtered_the_same_way():
    class Pairs(runner.InfoService):
        result_key = "firsts"

        def list_all(self):
            return [{"tags": OWNED}]

        def further_results(self):
            return {"seconds": [{"tags": OWNED}, {"tags": {}}]}

    result = runner.execute_info(Pairs({}, {}), {"name": None, "deployment": "refarch", "tags": {}})
    assert result == {"changed": False, "firsts": [{"tags": OWNED}], "seconds": [{"tags": OWNED}]}


class NamedFake(FakeService):
    many_key = "things"

    def __init__(self, name, current=None, **overrides):
        super().__init__(current)
        self.thing_name = name
        self.params = params(**overrides)

    def name(self):
        return self.thing_name


def test_many_plans_every_resource_before_any_change():
    """One resource not ours: nothing is created for the others either."""
    services = [NamedFake("a"), NamedFake("b", {"name": "b", "size": 1, "tags": {"refarch:deployment": "x"}})]
    with pytest.raises(runner.Refused, match="b"):
        runner.execute_many(NamedFake, services, False)
    assert services[0].calls == ["read"]


def test_many_results_are_keyed_by_name():
    services = [NamedFake("a"), NamedFake("b", {"name": "t", "size": 1, "tags": OWNED})]
    result = runner.execute_many(NamedFake, services, False)
    assert services[0].calls == ["read", "create", ("wait", 9)]
    assert services[1].calls == ["read", ("wait", 9)]
    assert result["changed"] is True
    assert result["changed_keys"] == {"a": [], "b": []}
    assert result["things"] == {"a": {"name": "t", "size": 1, "tags": OWNED, "arn": "arn:t"}, "b": services[1].current}
    assert result["diff"]["before"] == {"a": {}, "b": services[1].current}


def test_each_lays_an_element_over_the_module_options():
    class Each(runner.Service):
        many_key = "things"

    made = Each.each({}, {"things": [{"name": "a"}, {"name": "b"}], "state": "present", "name": None})
    assert [(s.params["name"], s.params["state"]) for s in made] == [("a", "present"), ("b", "present")]


def test_many_finish_sees_every_applied_step_and_adds_result_keys():
    class Finishing(NamedFake):
        @classmethod
        def finish(cls, steps, check_mode):
            return {"afters": [(step.service.name(), bool(step.after), check_mode) for step in steps]}

    result = runner.execute_many(Finishing, [Finishing("a"), Finishing("b")], True)
    assert result["afters"] == [("a", True, True), ("b", True, True)]
    assert runner.execute_many(Finishing, [], False)["things"] == {}


class UsedByArn(FakeService):
    def used_as_is(self, current):
        return True


@pytest.mark.parametrize("state", ["present", "absent"])
def test_a_resource_used_as_is_is_neither_refused_nor_changed(state):
    current = {"name": "t", "size": 1, "tags": {"refarch:deployment": "other"}}
    service = UsedByArn(current)
    result = run(service, state=state, size=2, tags={"team": "web"})
    assert service.calls == ["read"]
    shown = current if state == "present" else {}
    assert result == {"changed": False, "changed_keys": [], "diff": {"before": shown, "after": shown}, "thing": shown}


def test_clients_are_made_when_first_used_with_their_extra_codes():
    made = []

    class Client(object):
        def list_buckets(self):
            return "buckets"

    class Module(object):
        def client(self, service, retry_decorator=None):
            made.append(service)
            return Client()

    clients = runner.Clients(Module(), {"s3": ["NoSuchBucket"]})
    s3 = clients["s3"]
    assert clients["s3"] is s3 and made == []  # one wrapper per service; no boto3 client yet
    assert s3.list_buckets() == "buckets" and s3.list_buckets() == "buckets"
    assert made == ["s3"]


def test_info_returns_the_services_further_keys():
    class Things(runner.InfoService):
        result_key = "things"

        def list_all(self):
            self.extra_result["others"] = [{"tags": OWNED}]
            return []

    result = runner.execute_info(Things({}, {}), {"name": None, "deployment": "refarch", "tags": {}})
    assert result == {"changed": False, "things": [], "others": [{"tags": OWNED}]}


class Settling(FakeService):
    """A resource an earlier run left in transition: settle() waits for it (not in check mode)."""

    def __init__(self, current, settled):
        super().__init__(current)
        self.settled = settled

    def settle(self, current, check_mode):
        self.calls.append(("settle", current["size"], check_mode))
        return self.settled


@pytest.mark.parametrize("check_mode", [False, True])
def test_settle_comes_after_the_ownership_check_and_is_planned_against(check_mode):
    service = Settling({"name": "t", "size": 1, "tags": OWNED}, {"name": "t", "size": 2, "tags": OWNED})
    result = run(service, check_mode=check_mode, size=2)
    assert service.calls[:2] == ["read", ("settle", 1, check_mode)]
    assert result["changed"] is False and result["diff"]["before"]["size"] == 2  # settled: nothing to update


def test_a_resource_settled_to_gone_is_created_anew_or_has_nothing_to_delete():
    created = Settling({"name": "t", "size": 1, "tags": OWNED}, None)
    assert run(created)["changed"] is True
    assert created.calls == ["read", ("settle", 1, False), "create", ("wait", 9)]
    gone = Settling({"name": "t", "size": 1, "tags": OWNED}, None)
    assert run(gone, state="absent") == {
        "changed": False,
        "changed_keys": [],
        "diff": {"before": {}, "after": {}},
        "thing": {},
    }
    assert gone.calls == ["read", ("settle", 1, False)]


def test_settle_is_neither_asked_about_a_missing_resource_nor_one_not_ours():
    missing = Settling(None, None)
    run(missing)
    assert missing.calls == ["read", "create", ("wait", 9)]
    other = Settling({"name": "t", "size": 1, "tags": {"refarch:deployment": "x"}}, None)
    with pytest.raises(runner.Refused):
        run(other)
    assert other.calls == ["read"]


class Versions(runner.InfoService):
    """What an unfiltered ``_info`` module lists: things without tags, plus warnings."""

    result_key = "versions"
    filtered = False

    def list_all(self):
        if self.params["branch"] == "bad":
            raise runner.Refused("branch: bad")
        self.extra_result["warnings"] = ["deprecated"]
        return ["1.0", "1.1"]


def info_module(branch, made):
    """What run_info needs of AnsibleAWSModule; each one made is appended to ``made``."""

    class Module(object):
        def __init__(self, argument_spec, supports_check_mode, **kwargs):
            self.argument_spec = argument_spec
            self.params = dict(branch=branch)
            self.warnings = []
            made.append(self)

        def warn(self, message):
            self.warnings.append(message)

        def fail_json(self, **kwargs):
            raise SystemExit(("failed", kwargs))

        def exit_json(self, **kwargs):
            raise SystemExit(("exited", kwargs))

    return Module


@pytest.mark.parametrize(
    ("branch", "ended"),
    [("good", ("exited", {"changed": False, "versions": ["1.0", "1.1"]})), ("bad", ("failed", {"msg": "branch: bad"}))],
)
def test_an_unfiltered_info_module_has_only_its_options_and_reports_warnings_and_refusals(monkeypatch, branch, ended):
    made = []
    monkeypatch.setattr(runner, "AnsibleAWSModule", info_module(branch, made))
    with pytest.raises(SystemExit) as exited:
        runner.run_info(Versions, dict(branch=dict(type="str")))
    assert exited.value.args[0] == ended
    assert sorted(made[0].argument_spec) == ["branch"]  # no name/tags/deployment filter
    assert made[0].warnings == (["deprecated"] if branch == "good" else [])


def test_a_filtered_info_module_gets_the_shared_filter(monkeypatch):
    class Filtered(Versions):
        filtered = True

        def list_all(self):
            return [{"tags": OWNED}]

    made = []
    monkeypatch.setattr(runner, "AnsibleAWSModule", info_module("good", made))
    with pytest.raises(SystemExit):
        runner.run_info(Filtered, dict(branch=dict(type="str")))
    assert sorted(made[0].argument_spec) == ["branch", "deployment", "name", "tags"]


class BeingDeleted(FakeService):
    def being_deleted(self, current):
        return current.get("status") == "deleting"


@pytest.mark.parametrize(("wait", "calls"), [(True, ["read", ("wait_deleted", 9)]), (False, ["read"])])
def test_a_resource_aws_is_already_deleting_is_only_waited_for(wait, calls):
    current = {"name": "t", "size": 1, "status": "deleting", "tags": OWNED}
    service = BeingDeleted(current)
    result = run(service, state="absent", wait=wait)
    assert service.calls == calls
    assert result == {"changed": False, "changed_keys": [], "diff": {"before": {}, "after": {}}, "thing": {}}


def test_a_resource_being_deleted_is_still_refused_when_not_ours():
    service = BeingDeleted({"name": "t", "status": "deleting", "tags": {"refarch:deployment": "other"}})
    with pytest.raises(runner.Refused, match="Thing t exists but has no"):
        run(service, state="absent")
    assert service.calls == ["read"]


class Parts(FakeService):
    """A resource made of two parts with tags of their own (a load balancer and its target group)."""

    tagged = False

    def refusal(self, current, deployment):
        for part in ("first", "second"):
            if current[part]["tags"].get("refarch:deployment") != deployment:
                return "%s of t is not ours" % part
        return None

    def desired(self, current, tags):
        self.tags_given = tags
        return dict((part, dict(size=self.params["size"], tags=tags)) for part in ("first", "second"))

    def plan(self, desired, current):
        keys = ("size", "tags")
        return ["%s.%s" % (p, k) for p in ("first", "second") for k in keys if desired[p][k] != current[p][k]]

    def predict(self, desired, current):
        return dict(desired)

    def update(self, desired, current, changes, tag_changes):
        self.calls.append(("update", changes, tag_changes))
        return dict(desired)

    def result_of(self, resource):
        return dict((part, (resource or {}).get(part) or {}) for part in ("first", "second"))


def parts(size=1, second_tags=None):
    return dict(
        first=dict(size=size, tags=OWNED), second=dict(size=1, tags=OWNED if second_tags is None else second_tags)
    )


def test_a_resource_of_parts_has_its_parts_as_result_keys_and_no_tags_of_its_own():
    service = Parts(parts(size=2, second_tags=dict(OWNED, old="x")))
    result = run(service, wait=False, tags={"team": "web"})
    assert service.calls == ["read", ("update", ["first.size", "first.tags", "second.tags"], None)]
    assert set(result) == {"changed", "changed_keys", "diff", "first", "second"}
    assert result["changed_keys"] == ["first.size", "first.tags", "second.tags"]
    assert result["first"] == {"size": 1, "tags": dict(OWNED, team="web")}
    assert "tags" not in result["diff"]["after"]


def test_a_resource_of_parts_in_check_mode_predicts_without_a_tags_key():
    service = Parts(parts(size=2))
    result = run(service, check_mode=True)
    assert service.calls == ["read"] and result["changed_keys"] == ["first.size"]
    assert result["diff"]["after"] == {"first": {"size": 1, "tags": OWNED}, "second": {"size": 1, "tags": OWNED}}


def test_a_resource_of_parts_unchanged_is_no_change():
    service = Parts(parts())
    result = run(service)
    assert result["changed"] is False and result["changed_keys"] == []
    assert result["diff"] == {"before": parts(), "after": parts()}
    assert result["first"] == parts()["first"]


def test_a_part_not_ours_refuses_the_whole_resource_with_the_services_message():
    service = Parts(parts(second_tags={}))
    with pytest.raises(runner.Refused, match=r"^second of t is not ours$"):
        run(service, state="absent")
    assert service.calls == ["read"]


class Untagged(FakeService):
    """A resource without tags of its own, ours when ``owner`` says so (a mapping of our function)."""

    tagged = False
    takes_tags = False

    def __init__(self, current=None, owner="refarch"):
        super().__init__(current)
        self.owner = owner

    def refusal(self, current, deployment):
        return None if self.owner == deployment else "Thing t belongs to %s" % self.owner

    def desired(self, current, tags):
        return dict(name="t", size=self.params["size"])

    def update(self, desired, current, changes, tag_changes):
        assert not tag_changes
        return dict(current, size=desired["size"])


def test_a_resource_taking_no_tags_has_only_the_deployment_option_and_is_owned_as_the_service_says():
    service = Untagged({"name": "t", "size": 1})
    assert run(service)["changed"] is False
    service = Untagged({"name": "t", "size": 1})
    result = run(service, size=2, wait=False)
    assert result["changed_keys"] == ["size"] and "tags" not in result["thing"]
    with pytest.raises(runner.Refused, match="Thing t belongs to other"):
        run(Untagged({"name": "t", "size": 1}, owner="other"))
    assert "tags" not in runner.argument_spec_for(Untagged, {}) and "deployment" in runner.argument_spec_for(
        Untagged, {}
    )
    assert "purge_tags" in runner.argument_spec_for(FakeService, {})


class Part(FakeService):
    waits = False

    def __init__(self, name, key, current=None, calls=None):
        super().__init__(current)
        self.part_name, self.result_key = name, key
        self.calls = [] if calls is None else calls
        self.first, self.then = (), ()

    def name(self):
        return self.part_name

    def read(self):
        self.calls.append(("read", self.part_name))
        return self.current

    def create(self, desired):
        self.calls.append(("create", self.part_name))
        return dict(desired, name=self.part_name)

    def delete(self, current):
        self.calls.append(("delete", self.part_name))

    def companions(self):
        return self.first, self.then


def together(current=None, companion=None, **overrides):
    calls = []
    main, extra = Part("m", "main", current, calls), Part("c", "companion", companion, calls)
    main.params = extra.params = params(**overrides)
    if main.params["state"] == "absent":
        main.then = (extra,)
    else:
        main.first = (extra,)
    return main, calls


def test_companions_are_planned_before_any_change_and_applied_in_order():
    main, calls = together()
    result = runner.execute(main, main.params, False)
    assert calls == [("read", "c"), ("read", "m"), ("create", "c"), ("create", "m")]
    assert result["changed"] and result["changed_keys"] == {"companion": [], "main": []}
    assert result["main"]["name"] == "m" and result["companion"]["name"] == "c"
    assert result["diff"] == {
        "before": {"companion": {}, "main": {}},
        "after": {"companion": result["companion"], "main": result["main"]},
    }


def test_a_companion_not_ours_stops_the_task_before_any_change():
    main, calls = together(companion={"name": "c", "size": 1, "tags": {"refarch:deployment": "x"}})
    with pytest.raises(runner.Refused, match="Thing c exists"):
        runner.execute(main, main.params, False)
    assert calls == [("read", "c")]


def test_a_companion_is_deleted_after_the_resource_even_when_the_resource_is_gone():
    main, calls = together(companion={"name": "c", "size": 1, "tags": OWNED}, state="absent")
    result = runner.execute(main, main.params, False)
    assert calls == [("read", "m"), ("read", "c"), ("delete", "c")]
    assert result["changed"] is True and result["main"] == {} and result["companion"] == {}
