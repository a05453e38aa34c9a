# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one way a resource module runs: read -> ownership -> plan -> apply -> wait -> result.

A module declares its options and a :class:`Service` (kubernetes.core's runner/service split): the
service knows its AWS API (read, create, update, delete, wait, all in ``module_utils``); the runner
alone owns what every module must do the same way — input refused before any API call, the
ownership refusal, check mode, tag purging, ``changed``/``changed_keys``/``diff`` from one
before/after pair, waits, and error reporting. :func:`execute` takes no ``module`` object, so unit
tests drive it with a fake service.
"""

from __future__ import absolute_import, division, print_function

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from ansible_collections.refarch.aws.plugins.module_utils import diffing, ownership
from ansible_collections.refarch.aws.plugins.module_utils.client import WaitTimeout, aws_client

TAGS_ARGUMENT_SPEC = dict(
    deployment=dict(type="str", default=ownership.DEFAULT_DEPLOYMENT),
    tags=dict(type="dict", aliases=["resource_tags"]),
    purge_tags=dict(type="bool", default=True),
)

WAIT_ARGUMENT_SPEC = dict(
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=600),
)

# The ``_info`` modules' one filter: a name, tags every result carries, and the owning deployment
# (no default: without it, every resource of the kind is listed).
INFO_ARGUMENT_SPEC = dict(
    name=dict(type="str"),
    tags=dict(type="dict", default={}),
    deployment=dict(type="str"),
)


class Refused(Exception):
    """The runner or a service declines to go on; the message says why (``fail_json``)."""


class TagChanges(object):
    """What to do to a resource's tags: ``set`` (dict) and ``remove`` (keys)."""

    def __init__(self, to_set, to_remove):
        self.set = to_set
        self.remove = to_remove

    def __bool__(self):
        return bool(self.set or self.remove)

    __nonzero__ = __bool__


class Service(object):
    """One AWS resource type, as a resource module manages it. Subclasses live in ``module_utils``.

    Resources are plain dicts in the module's result shape (snake_case, ``tags`` a dict); the
    runner compares and diffs those.
    """

    kind = "resource"  # names the resource in messages, e.g. "CodeBuild project"
    result_key = "resource"  # the result key the resource is returned under
    client_names = ()  # boto3 services the module calls, e.g. ("codebuild",)
    extra_error_codes = {}  # service -> further codes its client retries (aws_client's extra_error_codes)
    waits = False  # True: the module has wait/wait_timeout, and wait() is called after a change
    # The list option naming several resources of the kind in one task (e.g. "roles"), if the module has one.
    many_key = None
    # False for a resource without tags of its own, made of parts that have theirs (a load balancer and
    # its target group): the service checks each part's ownership (refusal), and plans and applies the
    # parts' tags itself; the runner neither compares nor predicts a ``tags`` key (tag_changes is None).
    tagged = True
    # False: the module takes no tags at all (an event source mapping, which is ours when its function
    # is), only ``deployment``; refusal() says whose the resource is.
    takes_tags = True

    def __init__(self, clients, params):
        self.clients = clients
        self.params = params
        self.extra_result = {}  # further result keys a service adds (e.g. attempts)

    @property
    def client(self):
        """The client when the module calls one service."""
        return self.clients[self.client_names[0]]

    @classmethod
    def each(cls, clients, params):
        """A service per element of ``params[many_key]``: the element's options over the module's."""
        return [cls(clients, dict(params, **item)) for item in params[cls.many_key]]

    @classmethod
    def finish(cls, steps, check_mode):
        """After every resource of a ``many_key`` task is applied: what needs all of them (the steps
        carry each ``service``, ``current`` and ``after``); further result keys, ``warnings`` a list."""
        return {}

    @staticmethod
    def validate(params):
        """Messages naming each bad parameter; checked before any API call."""
        return []

    def name(self):
        return self.params.get("name")

    def read(self):
        """The current resource, or None when it does not exist."""
        raise NotImplementedError

    def refusal(self, current, deployment):
        """Why the existing ``current`` is left alone (it is not ``deployment``'s), or None; the runner
        refuses with this message. A resource made of parts (``tagged = False``) checks each."""
        if ownership.is_owned(current.get("tags"), deployment):
            return None
        return ownership.not_ours_message(self.kind, self.name(), deployment)

    def being_deleted(self, current):
        """True when AWS is already deleting ``current`` (an earlier task started it): with
        ``state=absent`` the runner makes no delete call and reports no change, but still waits
        (``wait_deleted``) until it is gone."""
        return False

    def companions(self):
        """Further resources the task manages along with this one, each a service of its own
        ``result_key`` (a queue's dead-letter queue, a function's log group): ``(first, then)``, the
        services planned and applied before this one and after it. With any, every one is read,
        checked and planned before anything changes, and the result, ``changed_keys`` and ``diff``
        are keyed by result key (see :func:`execute_together`)."""
        return (), ()

    def used_as_is(self, current):
        """True when the existing ``current`` is only used, whoever owns it: the runner returns it
        unchanged (no refusal, no plan, no delete). A resource given by ARN, for example."""
        return False

    def settle(self, current, check_mode):
        """The existing resource to plan against, once the ownership check has passed: a service whose
        resources an earlier run may have left in transition (still launching, updating or being
        deleted, say after ``wait=false``) waits for it here (not in check mode), and may finish reading
        what only an owned resource needs. None when the resource is gone, or is going: then there is
        nothing to delete, and ``state=present`` creates it anew."""
        return current

    def desired(self, current, tags):
        """The resource as the parameters want it, with ``tags`` (the runner works them out)."""
        raise NotImplementedError

    def plan(self, desired, current):
        """Dotted keys that differ, tags aside (the runner compares those)."""
        wanted = dict((k, v) for k, v in desired.items() if k != "tags")
        return diffing.changed_keys(wanted, current)

    def predict(self, desired, current):
        """What the resource will look like once applied; the check-mode result."""
        return diffing.merged(current, desired) if current else dict(desired)

    def create(self, desired):
        raise NotImplementedError

    def update(self, desired, current, changes, tag_changes):
        """Apply ``changes`` (from plan) and ``tag_changes``; return the resource after."""
        raise NotImplementedError

    def delete(self, current):
        raise NotImplementedError

    def wait(self, resource, timeout):
        """Wait until ``resource`` (created or changed) is stable; return it as it then is."""
        return resource

    def wait_deleted(self, resource, timeout):
        """Wait until the deleted ``resource`` is gone."""

    def diff(self, before, after):
        """The ``diff`` result shown by ``--diff``: before and after as they are; a service may show a
        part another way (Ansible accepts a list of diffs, e.g. a text diff of decoded user data)."""
        return diffing.diff_result(before, after)

    def result_of(self, resource):
        """The result keys the resource after the run (None when absent) is returned under; a resource
        made of parts may return each part under a key of its own."""
        return {self.result_key: resource or {}}


def wanted_tags(params, current_tags):
    """The tags a resource should carry: the user's (or, unset, the current ones when not purging)
    plus the ownership tag."""
    tags = params.get("tags")
    if tags is None:
        tags = dict((k, v) for k, v in (current_tags or {}).items() if not k.startswith("aws:"))
    elif not params.get("purge_tags", True):
        tags = dict(current_tags or {}, **tags)
    return ownership.desired_tags(params["deployment"], tags)


class Step(object):
    """One resource's planned run: what it is, what it will be, and what changes."""

    def __init__(
        self,
        service,
        current,
        desired=None,
        changes=(),
        tag_changes=None,
        changed=False,
        after=None,
        as_is=False,
        deleting=False,
    ):
        self.service = service
        self.as_is = as_is  # used as it is (Service.used_as_is): nothing to apply or wait for
        self.deleting = deleting  # state=absent on a resource AWS is already deleting: only waited for
        self.current = current
        self.desired = desired
        self.changes = list(changes)
        self.tag_changes = tag_changes
        self.changed = changed
        self.after = after


def plan_step(service, params, check_mode=False):
    """Read, refuse what is not ours, settle, and plan (no mutating call); the after is predicted."""
    current = service.read()
    deployment = params["deployment"]
    if current is not None and service.used_as_is(current):
        shown = current if params.get("state", "present") != "absent" else None
        return Step(service, shown, changed=False, after=shown, as_is=True)
    refusal = service.refusal(current, deployment) if current is not None else None
    if refusal:
        raise Refused(refusal)
    if current is not None:
        current = service.settle(current, check_mode)
    if params.get("state", "present") == "absent":
        if current is not None and service.being_deleted(current):
            return Step(service, current, deleting=True)
        return Step(service, current, changed=current is not None)
    desired = service.desired(current, wanted_tags(params, (current or {}).get("tags")))
    if current is None:
        return Step(service, None, desired, changed=True, after=service.predict(desired, None))
    changes = service.plan(desired, current)
    tag_changes = None
    if service.tagged:
        to_set, to_remove = compare_aws_tags(current.get("tags") or {}, desired["tags"], purge_tags=True)
        tag_changes = TagChanges(to_set, to_remove)
        if tag_changes:
            changes = [*changes, "tags"]
    step = Step(service, current, desired, changes, tag_changes, changed=bool(changes), after=current)
    if step.changed:
        step.after = service.predict(desired, current)
        if service.tagged:
            step.after["tags"] = desired["tags"]
    return step


def apply_step(step, params, check_mode):
    """Make the planned change (not in check mode) and wait; the resource after."""
    service = step.service
    if step.as_is:
        return step.after
    waiting = service.waits and params.get("wait") and not check_mode
    if params.get("state", "present") == "absent":
        if step.changed and not check_mode:
            service.delete(step.current)
        if waiting and (step.changed or step.deleting):
            service.wait_deleted(step.current, params["wait_timeout"])
        return None
    after = step.after
    if step.changed and not check_mode:
        if step.current is None:
            after = service.create(step.desired)
        else:
            after = service.update(step.desired, step.current, step.changes, step.tag_changes)
    if waiting:
        after = service.wait(after, params["wait_timeout"])
    return after


def execute(service, params, check_mode, working_on=None):
    """The runner proper: returns the module result (``diff`` included) or raises :class:`Refused`."""
    first, then = service.companions()
    if first or then:
        return execute_together([*first, service, *then], check_mode, working_on)
    step = plan_step(service, params, check_mode)
    after = apply_step(step, params, check_mode)
    before = None if step.deleting else step.current  # a deletion AWS was already making is not this run's
    result = dict(changed=step.changed, changed_keys=step.changes, diff=service.diff(before, after))
    result.update(service.result_of(after))
    result.update(service.extra_result)
    return result


def plan_and_apply(services, check_mode, working_on=None):
    """Every service read, checked and planned, then each applied in turn: a refusal leaves all the
    resources as they were. The steps, each with its ``after``."""
    working_on = [] if working_on is None else working_on
    steps = []
    for service in services:
        working_on.append(service)
        steps.append(plan_step(service, service.params, check_mode))
    for step in steps:
        working_on.append(step.service)
        step.after = apply_step(step, step.service.params, check_mode)
    return steps


def execute_together(services, check_mode, working_on=None):
    """A resource and its companions (:meth:`Service.companions`), in the order given: planned all
    before any is applied. Each resource is returned under its service's ``result_key``;
    ``changed_keys`` and the ``diff`` are keyed the same way."""
    steps = plan_and_apply(services, check_mode, working_on)
    result = dict(
        changed=any(step.changed for step in steps),
        changed_keys=dict((step.service.result_key, step.changes) for step in steps),
        diff=diffing.diff_result(
            dict((step.service.result_key, (None if step.deleting else step.current) or {}) for step in steps),
            dict((step.service.result_key, step.after or {}) for step in steps),
        ),
    )
    for step in steps:
        result.update(step.service.result_of(step.after))
        result.update(step.service.extra_result)
    return result


def execute_many(service_class, services, check_mode, working_on=None):
    """Several resources of one kind in one task (``Service.many_key``): every one is read, checked and
    planned before anything changes, so a refusal leaves all of them as they were; then each is applied
    and ``service_class.finish`` does what needs all of them. Results, changed keys and the diff are
    keyed by name. ``working_on`` (a list) gets each service as it is worked on, for error messages."""
    steps = plan_and_apply(services, check_mode, working_on)
    before = dict((step.service.name(), (None if step.deleting else step.current) or {}) for step in steps)
    after = dict((step.service.name(), step.after or {}) for step in steps)
    result = dict(
        changed=any(step.changed for step in steps),
        changed_keys=dict((step.service.name(), step.changes) for step in steps),
        diff=diffing.diff_result(before, after),
    )
    result[service_class.many_key] = after
    result.update(service_class.finish(steps, check_mode))
    return result


class Clients(dict):
    """The module's boto3 clients, each made when first used: a module may need a service only for
    some parameters (an S3 upload, an ARN of an older service name)."""

    def __init__(self, module, extra_error_codes=None):
        super(Clients, self).__init__()
        self.module = module
        self.extra_error_codes = extra_error_codes or {}

    def __missing__(self, name):
        self[name] = aws_client(self.module, name, self.extra_error_codes.get(name))
        return self[name]


def argument_spec_for(service_class, options):
    spec = dict(options)
    spec.update(TAGS_ARGUMENT_SPEC if service_class.takes_tags else dict(deployment=TAGS_ARGUMENT_SPEC["deployment"]))
    if service_class.waits:
        spec.update(WAIT_ARGUMENT_SPEC)
    return spec


def run(service_class, options, **module_kwargs):
    """A resource module's ``main()``: ``options`` is its argument spec, tags/deployment/wait added."""
    module = AnsibleAWSModule(
        argument_spec=argument_spec_for(service_class, options), supports_check_mode=True, **module_kwargs
    )
    messages = service_class.validate(module.params)
    if messages:
        module.fail_json(msg="; ".join(messages))
    clients = Clients(module, service_class.extra_error_codes)
    working_on = []
    try:
        if service_class.many_key and module.params.get(service_class.many_key) is not None:
            services = service_class.each(clients, module.params)
            result = execute_many(service_class, services, module.check_mode, working_on)
        else:
            working_on.append(service_class(clients, module.params))
            result = execute(working_on[0], module.params, module.check_mode, working_on)
    except Refused as e:
        module.fail_json(msg=str(e))
    except WaitTimeout as e:
        module.fail_json(msg=str(e))
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        what = (working_on[-1].kind, working_on[-1].name()) if working_on else (service_class.kind, "(reading)")
        module.fail_json_aws(e, msg="%s %s" % what)
    if not module._diff:
        result.pop("diff")
    for warning in result.pop("warnings", []):
        module.warn(warning)
    module.exit_json(**result)


def matches_filter(resource, params):
    """The ``_info`` filter: owned by ``deployment`` (when given) and carrying every wanted tag."""
    tags = resource.get("tags") or {}
    if params.get("deployment") is not None and not ownership.is_owned(tags, params["deployment"]):
        return False
    return all(tags.get(k) == v for k, v in (params.get("tags") or {}).items())


class InfoService(object):
    """What an ``_info`` module supplies: one resource by name, or all of them."""

    kind = "resource"
    result_key = "resources"
    client_names = ()
    extra_error_codes = {}
    # False for a kind that carries no tags and has no owner (platform versions AWS publishes): the
    # module takes only its own options, its results are not filtered, and list_all() lists them.
    filtered = True

    def __init__(self, clients, params):
        self.clients = clients
        self.params = params
        self.extra_result = {}  # further result keys (e.g. a second kind listed alongside)

    @property
    def client(self):
        return self.clients[self.client_names[0]]

    def by_name(self, name):
        raise NotImplementedError

    def list_all(self):
        raise NotImplementedError

    def further_results(self):
        """Further result keys of another kind the same filter selects (e.g. ``alb_info``'s target
        groups): ``{key: [resources]}``, found by ``name`` when given."""
        return {}


def execute_info(service, params):
    if params.get("name"):
        found = service.by_name(params["name"])
        resources = [found] if found else []
    else:
        resources = service.list_all()
    result = {"changed": False}
    for key, found in dict(service.further_results(), **{service.result_key: resources}).items():
        result[key] = [r for r in found if r is not None and (not service.filtered or matches_filter(r, params))]
    result.update(service.extra_result)
    return result


def run_info(service_class, options=None, **module_kwargs):
    """An ``_info`` module's ``main()``: the shared filter spec (unless ``filtered`` is False) plus
    ``options``. A service may raise :class:`Refused` and add ``warnings`` (a list) to its result."""
    spec = dict(INFO_ARGUMENT_SPEC) if service_class.filtered else {}
    spec.update(options or {})
    module = AnsibleAWSModule(argument_spec=spec, supports_check_mode=True, **module_kwargs)
    service = service_class(Clients(module, service_class.extra_error_codes), module.params)
    try:
        result = execute_info(service, module.params)
    except Refused as e:
        module.fail_json(msg=str(e))
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg="failed to list %s" % service.kind)
    for warning in result.pop("warnings", []):
        module.warn(warning)
    module.exit_json(**result)
