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


class Untagged(FakeService):
    """A resource without tags of its own, ours when ``owner`` says so (a mapping of our function)."""

    tagged = False

    def __init__(self, current=None, owner="refarch"):
        super().__init__(current)
        self.owner = owner

    def owned(self, current):
        return self.owner == self.params["deployment"]

    def desired(self, current, tags):
        assert tags is None
        return dict(name="t", size=self.params["size"])

    def update(self, desired, current, changes, tag_changes):
        assert not tag_changes
        return dict(current, size=desired["size"])


def test_an_untagged_resource_compares_no_tags_and_is_owned_as_the_service_says():
    service = Untagged({"name": "t", "size": 1})
    assert run(service)["changed"] is False
    service = Untagged({"name": "t", "size": 1})
    result = run(service, size=2, wait=False)
    assert result["changed_keys"] == ["size"] and "tags" not in result["thing"]
    with pytest.raises(runner.Refused, match="Thing t exists but has no refarch:deployment=refarch tag"):
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
