#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: elasticbeanstalk_environment
short_description: An Elastic Beanstalk environment; create, update in place, terminate, wait until healthy
version_added: 0.1.0
description:
  - Creates an Elastic Beanstalk environment from a solution stack or a platform ARN, updates an
    existing one in place (version label, option settings, platform, description, tags) with one
    C(UpdateEnvironment) call when something differs and none when nothing does, or terminates it.
  - Only the option settings you list are compared with what the environment has; the hundreds of
    others AWS sets are left alone.
  - Waits with its own timeout until the environment is C(Ready) and its health C(Green)
    (real environments take 5-20 minutes; botocore's waiter gives up after 400 seconds), and on
    failure reports the environment's latest error events. A launch or an update that fails (AWS
    accepts the call, then records C(Failed to launch environment.) or C(Failed to deploy
    configuration.) and the environment is Ready again, with health Grey after a launch, as before
    after an update) is reported as soon as it is Ready, with its error events.
  - With O(wait=false) the module starts the launch, the update or the termination and returns; a
    later task on the same environment with O(wait=true) waits for it - an environment still
    C(Launching) or C(Updating) until it is Ready (and Green), one C(Terminating) until it is gone,
    without calling AWS to do it again - and handles a failed launch as above. A playbook can so
    make other resources while the environment launches or terminates (minutes on AWS).
  - Written because neither amazon.aws nor community.aws has an environment module.
  - The tier of an existing environment cannot change in place (AWS needs a new environment);
    the module fails and says so.
author:
  - refarch.aws maintainers (@refarch)
options:
  name:
    description: Name of the environment (4-40 characters).
    type: str
    required: true
  application_name:
    description: The application the environment belongs to.
    type: str
    required: true
  state:
    description: C(present) creates or updates; C(absent) terminates.
    type: str
    choices: [present, absent]
    default: present
  description:
    description: Description; left alone when not set.
    type: str
  solution_stack_name:
    description:
      - Solution stack, for example C(64bit Amazon Linux 2023 v4.3.0 running Python 3.11).
      - One of O(solution_stack_name) or O(platform_arn) is required to create an environment.
    type: str
  platform_arn:
    description:
      - Platform ARN, instead of O(solution_stack_name);
        M(refarch.aws.elasticbeanstalk_platform_info) finds the current one of a platform branch.
    type: str
  update_platform:
    description:
      - Whether an existing environment that runs another platform moves to O(platform_arn) or
        O(solution_stack_name) (a platform update replaces or reboots its instances).
      - With C(false) the platform applies at creation only, and a rerun keeps the environment on the
        platform it runs.
    type: bool
    default: true
  attempts:
    description:
      - How many times to launch a new environment, or to apply an update, that fails only because
        Elastic Beanstalk does not see its instance profile yet (the event C(The instance profile ...
        associated with the environment does not exist.), for a few seconds after IAM created it).
        A failed launch is terminated before the next one; AWS rolls a failed update back.
      - Any other failure (C(Failed to launch environment.), C(Failed to deploy configuration.)) is
        reported at once, with the environment's error events.
    type: int
    default: 3
  version_label:
    description: Application version to deploy; left alone when not set.
    type: str
  initial_version_label:
    description:
      - Application version to deploy when the environment is created; an existing environment keeps
        the version it runs (for example one a pipeline deployed since), so a rerun never rolls it back.
      - Mutually exclusive with O(version_label).
    type: str
  tier:
    description: C(WebServer) (behind a load balancer, with a CNAME) or C(Worker) (SQS).
    type: str
    choices: [WebServer, Worker]
    default: WebServer
  cname_prefix:
    description: CNAME prefix of a C(WebServer) environment, used at creation only.
    type: str
  option_settings:
    description: Option settings; only these are compared and changed.
    type: list
    elements: dict
    default: []
    suboptions:
      namespace:
        description: Namespace, for example C(aws:autoscaling:launchconfiguration).
        type: str
        required: true
      option_name:
        description: Option name, for example C(IamInstanceProfile).
        type: str
        required: true
      value:
        description: Value (compared as a string).
        type: str
        required: true
      resource_name:
        description: Resource name, for the few namespaces that take one.
        type: str
  wait_for_health:
    description: Also wait until the health is C(Green), not only the status C(Ready).
    type: bool
    default: true
  poll_interval:
    description: Seconds between two looks at the environment while waiting.
    type: int
    default: 15
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - refarch.aws.common.ownership
  - refarch.aws.common.wait
  - refarch.aws.common.managed_resource
notes:
  - O(wait_timeout) defaults to 600 seconds; allow 1800 for a first environment on AWS.
"""

EXAMPLES = r"""
- name: Web server environment running a version, behind a load balancer
  refarch.aws.elasticbeanstalk_environment:
    name: refarch-webapp-prod
    application_name: refarch-webapp
    solution_stack_name: 64bit Amazon Linux 2023 v4.3.0 running Python 3.11
    version_label: "{{ app.version_label }}"
    option_settings:
      - namespace: aws:autoscaling:launchconfiguration
        option_name: IamInstanceProfile
        value: refarch-webapp-ec2
      - namespace: aws:elasticbeanstalk:environment
        option_name: ServiceRole
        value: refarch-webapp-eb-service
    wait_timeout: 1800

- name: Terminate it and wait until it is gone
  refarch.aws.elasticbeanstalk_environment:
    name: refarch-webapp-prod
    application_name: refarch-webapp
    state: absent
"""

RETURN = r"""
environment:
  description: The environment after the run (predicted in check mode); empty when absent.
  returned: always
  type: dict
  contains:
    name: {description: Name., type: str, returned: when present}
    id: {description: Environment id., type: str, returned: when present}
    arn: {description: ARN., type: str, returned: when present}
    application_name: {description: Application., type: str, returned: when present}
    status: {description: "C(Launching), C(Updating), C(Ready), and so on.", type: str, returned: when present}
    health: {description: "C(Green), C(Yellow), C(Red) or C(Grey).", type: str, returned: when present}
    version_label: {description: Deployed version., type: str, returned: when present}
    platform_arn: {description: The platform version it runs., type: str, returned: when present}
    solution_stack_name: {description: Its solution stack name., type: str, returned: when present}
    cname: {description: CNAME of a web server environment., type: str, returned: when present}
    option_settings:
      description: The option settings you listed, as the environment has them.
      type: list
      returned: when present
    tags: {description: Tags., type: dict, returned: when present}
"""

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports it

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.refarch.aws.plugins.module_utils import beanstalk
from ansible_collections.refarch.aws.plugins.module_utils.client import WaitTimeout, aws_client, retry_while, wait_for
from ansible_collections.refarch.aws.plugins.module_utils.diffing import diff_result
from ansible_collections.refarch.aws.plugins.module_utils.ownership import (
    OWNERSHIP_ARGUMENT_SPEC,
    desired_tags,
    is_owned,
    not_ours_message,
)


def wait_ready(module, client, require_health):
    params = module.params
    name = params["name"]

    def fetch():
        return beanstalk.describe_environment(client, params["application_name"], name)

    def failed(env):
        if env is None:
            return "environment %s disappeared (terminated)" % name
        return None

    try:
        return wait_for(
            fetch,
            lambda env: beanstalk.environment_ready(env, require_health),
            params["wait_timeout"],
            "environment %s to be Ready%s" % (name, " and Green" if require_health else ""),
            delay=params["poll_interval"],
            failed=failed,
        )
    except WaitTimeout as e:
        env = fetch() or {}
        events = beanstalk.recent_error_events(client, params["application_name"], name)
        module.fail_json(
            msg="%s (status %s, health %s)%s"
            % (e, env.get("Status"), env.get("Health"), "; latest errors: " + " | ".join(events) if events else ""),
            environment=beanstalk.normalize_environment(env) if env else {},
        )


def wait_gone(module, client):
    params = module.params
    try:
        wait_for(
            lambda: beanstalk.describe_environment(client, params["application_name"], params["name"]),
            lambda env: env is None,
            params["wait_timeout"],
            "environment %s to be terminated" % params["name"],
            delay=params["poll_interval"],
        )
    except WaitTimeout as e:
        module.fail_json(msg=str(e))


def view(env, settings, tags, desired_settings):
    """The environment for diff/return: only the option settings the user listed."""
    wanted = set((s.get("ResourceName") or "", s["Namespace"], s["OptionName"]) for s in desired_settings)
    listed = [s for s in settings or [] if (s.get("ResourceName") or "", s["Namespace"], s["OptionName"]) in wanted]
    return beanstalk.normalize_environment(env, listed, tags)


def terminate(module, client, env, tags):
    if env is None:
        return dict(changed=False, environment={}, diff=diff_result(None, None))
    before = beanstalk.normalize_environment(env, tags=tags)
    changed = env.get("Status") != "Terminating"
    if changed and not module.check_mode:
        beanstalk.terminate_environment(client, module.params["name"])
    if module.params["wait"] and not module.check_mode:
        wait_gone(module, client)
    return dict(changed=changed, environment={}, diff=diff_result(before, None))


def create(module, client, desired, wanted_tags):
    params = module.params
    if not (params["solution_stack_name"] or params["platform_arn"]):
        module.fail_json(
            msg="solution_stack_name or platform_arn is required to create environment %s" % params["name"]
        )
    label = desired.get("VersionLabel") or params["initial_version_label"]
    after = beanstalk.normalize_environment(
        dict(desired, Status="Launching", Health="Grey", VersionLabel=label), desired["OptionSettings"], wanted_tags
    )
    if module.check_mode:
        return dict(changed=True, environment=after, diff=diff_result(None, after))
    if params["initial_version_label"] and "VersionLabel" not in desired:
        desired = dict(desired, VersionLabel=params["initial_version_label"])
    if params["wait"]:
        env = launch(module, client, desired)
        if params["wait_for_health"]:
            env = wait_ready(module, client, True)
    else:  # CreateEnvironment answers with the environment, Launching
        env = beanstalk.create_environment(client, desired)
    settings = beanstalk.describe_option_settings(client, params["application_name"], params["name"])
    return dict(
        changed=True,
        environment=view(env, settings, wanted_tags, desired["OptionSettings"]),
        diff=diff_result(None, after),
    )


def launch_once(module, client, desired):
    """Create the environment and wait until it is Ready: launched, or failed (then OperationFailed,
    the failed environment terminated first when another attempt may succeed)."""
    created = beanstalk.create_environment(client, desired)
    env = wait_ready(module, client, False)
    errors = beanstalk.failure_messages(beanstalk.environment_error_events(client, created["EnvironmentId"]))
    if not errors:
        return env
    failure = beanstalk.OperationFailed(created["EnvironmentId"], errors)
    if failure.instance_profile_not_visible:
        beanstalk.terminate_environment(client, module.params["name"])
        wait_gone(module, client)
    raise failure


def update_once(module, client, changes):
    """Update the environment and wait until it is Ready again: updated, or failed (OperationFailed;
    AWS has rolled the configuration back)."""
    params = module.params
    updated = beanstalk.update_environment(client, params["application_name"], params["name"], changes)
    env = wait_ready(module, client, False)
    events = beanstalk.environment_error_events(client, updated["EnvironmentId"], since=updated.get("DateUpdated"))
    errors = beanstalk.failure_messages(events)
    if errors:
        raise beanstalk.OperationFailed(updated["EnvironmentId"], errors)
    return env


def until_profile_visible(module, operation, what):
    """``operation()``, again while it fails only because Elastic Beanstalk does not see the instance
    profile yet, up to ``attempts`` times in all; any other failure ends the module with its events."""
    params = module.params
    tries = [0]

    def attempt():
        tries[0] += 1
        return operation()

    def retryable(code, message):
        return beanstalk.instance_profile_not_visible(code, message) and tries[0] < params["attempts"]

    try:
        return retry_while(attempt, retryable, timeout=params["wait_timeout"], delay=params["poll_interval"])
    except beanstalk.OperationFailed as e:
        module.fail_json(
            msg="environment %s: the %s failed (attempt %d of %d): %s"
            % (params["name"], what, tries[0], params["attempts"], " | ".join(e.messages)),
            environment_id=e.environment_id,
        )


def launch(module, client, desired):
    return until_profile_visible(module, lambda: launch_once(module, client, desired), "launch")


def settle(module, client, env):
    """The environment a run left behind, settled: None when it was being terminated (a relaunch or a
    teardown interrupted) or when its launch had failed only because the instance profile was not
    visible yet (terminated now, to be launched again); any other failed launch ends the module."""
    params = module.params
    if env.get("Status") == "Terminating":
        wait_gone(module, client)
        return None
    if env.get("Status") == "Launching":
        env = wait_ready(module, client, False)
    if env.get("Status") != "Ready" or env.get("Health") != "Grey":  # launched (or busy): nothing to read
        return env
    errors = beanstalk.failure_messages(beanstalk.environment_error_events(client, env["EnvironmentId"]))
    if not errors:
        return env
    if beanstalk.OperationFailed(env["EnvironmentId"], errors).instance_profile_not_visible:
        beanstalk.terminate_environment(client, params["name"])
        wait_gone(module, client)
        return None
    module.fail_json(
        msg="environment %s failed to launch: %s; terminate it (state: absent) to launch it again"
        % (params["name"], " | ".join(errors)),
        environment_id=env["EnvironmentId"],
    )


def update(module, client, env, tags, desired, wanted_tags):
    params = module.params
    name = params["name"]
    if env.get("Status") in ("Launching", "Updating") and not module.check_mode:
        env = wait_ready(module, client, False)  # AWS refuses updates while one is in progress
    settings = beanstalk.describe_option_settings(client, params["application_name"], name)
    before = view(env, settings, tags, desired["OptionSettings"])
    if not params["update_platform"]:  # the platform applies at creation only
        desired = dict((k, v) for k, v in desired.items() if k not in ("SolutionStackName", "PlatformArn"))
    changed, changes, (to_set, to_remove) = beanstalk.environment_changes(desired, env, settings, tags)
    if "replace:tier" in changed:
        module.fail_json(
            msg="environment %s is a %s environment; the tier cannot change in place: terminate it first"
            % (name, before["tier"])
        )
    if not changed:
        healthy = beanstalk.environment_ready(env, params["wait_for_health"])
        if params["wait"] and not module.check_mode and not healthy:
            env = wait_ready(module, client, params["wait_for_health"])
            before = view(env, settings, tags, desired["OptionSettings"])
        return dict(changed=False, environment=before, diff=diff_result(before, before))
    predicted = dict(env, **dict((k, v) for k, v in changes.items() if k != "OptionSettings"))
    predicted_settings = beanstalk.merge_option_settings(settings, changes.get("OptionSettings", []))
    after = view(predicted, predicted_settings, wanted_tags, desired["OptionSettings"])
    if module.check_mode:
        return dict(changed=True, environment=after, changed_attributes=changed, diff=diff_result(before, after))
    if changes and params["wait"]:
        until_profile_visible(module, lambda: update_once(module, client, changes), "update")
    elif changes:
        beanstalk.update_environment(client, params["application_name"], name, changes)
    if to_set or to_remove:
        beanstalk.update_tags(client, env["EnvironmentArn"], to_set, to_remove)
    if params["wait"]:
        env = wait_ready(module, client, params["wait_for_health"])
        settings = beanstalk.describe_option_settings(client, params["application_name"], name)
        after = view(env, settings, wanted_tags, desired["OptionSettings"])
    return dict(changed=True, environment=after, changed_attributes=changed, diff=diff_result(before, after))


def run(module, client):
    params = module.params
    env = beanstalk.describe_environment(client, params["application_name"], params["name"])
    tags = beanstalk.list_tags(client, env["EnvironmentArn"]) if env and env.get("EnvironmentArn") else {}
    if env is not None and not is_owned(tags, params["deployment"]):
        module.fail_json(msg=not_ours_message("Elastic Beanstalk environment", params["name"], params["deployment"]))
    if params["state"] == "absent":
        return terminate(module, client, env, tags)
    wanted_tags = desired_tags(params["deployment"], params["tags"])
    desired = beanstalk.build_environment(params, beanstalk.dict_to_tags(wanted_tags))
    if env is not None and not module.check_mode:
        env = settle(module, client, env)
    if env is None:
        return create(module, client, desired, wanted_tags)
    return update(module, client, env, tags, desired, wanted_tags)


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        application_name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        description=dict(type="str"),
        solution_stack_name=dict(type="str"),
        platform_arn=dict(type="str"),
        update_platform=dict(type="bool", default=True),
        attempts=dict(type="int", default=3),
        version_label=dict(type="str"),
        initial_version_label=dict(type="str"),
        tier=dict(type="str", choices=["WebServer", "Worker"], default="WebServer"),
        cname_prefix=dict(type="str"),
        option_settings=dict(
            type="list",
            elements="dict",
            default=[],
            options=dict(
                namespace=dict(type="str", required=True),
                option_name=dict(type="str", required=True),
                value=dict(type="str", required=True),
                resource_name=dict(type="str"),
            ),
        ),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=600),
        wait_for_health=dict(type="bool", default=True),
        poll_interval=dict(type="int", default=15),
        **OWNERSHIP_ARGUMENT_SPEC,
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[("solution_stack_name", "platform_arn"), ("version_label", "initial_version_label")],
    )
    if not 4 <= len(module.params["name"]) <= 40:
        module.fail_json(msg="name must be 4 to 40 characters long, got %r" % module.params["name"])
    if module.params["poll_interval"] < 1 or module.params["wait_timeout"] < 1:
        module.fail_json(msg="poll_interval and wait_timeout must be positive")
    if module.params["attempts"] < 1:
        module.fail_json(msg="attempts must be at least 1, got %d" % module.params["attempts"])
    client = aws_client(module, "elasticbeanstalk")
    try:
        result = run(module, client)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Elastic Beanstalk environment %s" % module.params["name"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
