# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Elastic Beanstalk environments on the runner: ``elasticbeanstalk_environment``, and the platform
a new one runs (``elasticbeanstalk_platform_info``). The API calls are in ``beanstalk``."""

from __future__ import absolute_import, division, print_function

from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.refarch.aws.plugins.module_utils import beanstalk, runner
from ansible_collections.refarch.aws.plugins.module_utils.client import WaitTimeout, retry_while, wait_for

# What UpdateEnvironment changes in place: the result key and the API's parameter.
UPDATABLE = (
    ("description", "Description"),
    ("version_label", "VersionLabel"),
    ("solution_stack_name", "SolutionStackName"),
    ("platform_arn", "PlatformArn"),
)


class EnvironmentService(runner.Service):
    """The environment a task describes. Only the option settings the task lists are read back,
    compared and returned. A launch, an update or a termination an earlier run started (``wait=false``)
    is waited for before anything is planned (:meth:`settle`), never started again; a launch or an
    update that fails only because Elastic Beanstalk does not see the instance profile yet is made
    again, up to ``attempts`` times."""

    kind = "Elastic Beanstalk environment"
    result_key = "environment"
    client_names = ("elasticbeanstalk",)
    waits = True

    def __init__(self, clients, params):
        super(EnvironmentService, self).__init__(clients, params)
        self.settings = []  # the environment's option settings (the API's), read once it is known ours
        self.applied = False  # launched or updated by this run: wait() then reads it back

    @staticmethod
    def validate(params):
        messages = []
        if not 4 <= len(params["name"]) <= 40:
            messages.append("name must be 4 to 40 characters long, got %r" % params["name"])
        if params["poll_interval"] < 1 or params["wait_timeout"] < 1:
            messages.append("poll_interval and wait_timeout must be positive")
        if params["attempts"] < 1:
            messages.append("attempts must be at least 1, got %d" % params["attempts"])
        return messages

    # ------------------------------------------------------------------------ reading

    def fetch(self):
        """The live environment as the API describes it, or None."""
        return beanstalk.describe_environment(self.client, self.params["application_name"], self.name())

    def read(self):
        env = self.fetch()
        if env is None:
            return None
        arn = env.get("EnvironmentArn")
        return beanstalk.normalize_environment(env, tags=beanstalk.list_tags(self.client, arn) if arn else {})

    def wanted_settings(self):
        return beanstalk.build_option_settings(self.params["option_settings"])

    def read_settings(self):
        """The environment's option settings that the task lists (the API's shape)."""
        self.settings = beanstalk.describe_option_settings(self.client, self.params["application_name"], self.name())
        return beanstalk.listed_option_settings(self.settings, self.wanted_settings())

    def settle(self, current, check_mode):
        """Wait for a termination an earlier run started (None: nothing left to terminate, and
        ``present`` launches anew); with ``present``, for a launch or an update too (AWS refuses an
        update while one is in progress), then read the listed option settings."""
        present = self.params["state"] == "present"
        if current["status"] == "Terminating":
            if not check_mode and (present or self.params["wait"]):
                self.wait_gone()
            return None
        if not present:
            return current
        if not check_mode:
            current = self.finished(current)
            if current is None:
                return None
        return dict(current, option_settings=beanstalk.normalize_option_settings(self.read_settings()))

    def finished(self, current):
        """``current`` once a launch or an update under way is over. A launch that failed (Ready, health
        Grey, with the failure in its events) only because the instance profile was not visible yet is
        terminated, to be launched again (None); any other failed launch is refused, to be inspected."""
        status = current["status"]
        if status in ("Launching", "Updating"):
            current = beanstalk.normalize_environment(self.wait_ready(False), tags=current["tags"])
        if status == "Updating" or current["status"] != "Ready" or current["health"] != "Grey":
            return current
        errors = beanstalk.failure_messages(beanstalk.environment_error_events(self.client, current["id"]))
        if not errors:
            return current
        if beanstalk.OperationFailed(current["id"], errors).instance_profile_not_visible:
            beanstalk.terminate_environment(self.client, self.name())
            self.wait_gone()
            return None
        raise runner.Refused(
            "environment %s failed to launch: %s; terminate it (state: absent) to launch it again"
            % (self.name(), " | ".join(errors))
        )

    # ------------------------------------------------------------------------ planning

    def desired(self, current, tags):
        params = self.params
        if current is None and not (params["solution_stack_name"] or params["platform_arn"]):
            raise runner.Refused(
                "solution_stack_name or platform_arn is required to create environment %s" % self.name()
            )
        platform = current is None or params["update_platform"]  # else the platform applies at creation only
        return dict(
            name=self.name(),
            application_name=params["application_name"],
            description=params["description"],
            solution_stack_name=params["solution_stack_name"] if platform else None,
            platform_arn=params["platform_arn"] if platform else None,
            # initial_version_label: an existing environment keeps the version it runs (a pipeline's)
            version_label=params["version_label"] or (params["initial_version_label"] if current is None else None),
            tier=params["tier"],
            option_settings=beanstalk.normalize_option_settings(self.wanted_settings()),
            tags=tags,
        )

    def plan(self, desired, current):
        if desired["tier"] != current["tier"]:
            raise runner.Refused(
                "environment %s is a %s environment; the tier cannot change in place: terminate it first"
                % (self.name(), current["tier"])
            )
        return super(EnvironmentService, self).plan(desired, current)

    def predict(self, desired, current):
        if current is not None:
            return super(EnvironmentService, self).predict(desired, current)
        api = self.to_create(desired["tags"])
        launching = dict(api, Status="Launching", Health="Grey")
        return beanstalk.normalize_environment(launching, api["OptionSettings"], desired["tags"])

    def to_create(self, tags):
        """The CreateEnvironment parameters."""
        api = beanstalk.build_environment(self.params, ansible_dict_to_boto3_tag_list(tags))
        if self.params["initial_version_label"] and "VersionLabel" not in api:
            api["VersionLabel"] = self.params["initial_version_label"]
        return api

    # ------------------------------------------------------------------------ applying

    def create(self, desired):
        api = self.to_create(desired["tags"])
        self.applied = True
        if self.params["wait"]:  # launched and Ready, or failed; wait() waits for Green and reads it back
            env = self.until_profile_visible(lambda: self.launch_once(api), "launch")
            return beanstalk.normalize_environment(env, tags=desired["tags"])
        env = beanstalk.create_environment(self.client, api)  # the answer: the environment, Launching
        return beanstalk.normalize_environment(env, self.read_settings(), desired["tags"])

    def launch_once(self, api):
        """Create the environment and wait until it is Ready: launched, or failed (then OperationFailed,
        the failed environment terminated first when another attempt may succeed)."""
        created = beanstalk.create_environment(self.client, api)
        env = self.wait_ready(False)
        errors = beanstalk.failure_messages(beanstalk.environment_error_events(self.client, created["EnvironmentId"]))
        if not errors:
            return env
        failure = beanstalk.OperationFailed(created["EnvironmentId"], errors)
        if failure.instance_profile_not_visible:
            beanstalk.terminate_environment(self.client, self.name())
            self.wait_gone()
        raise failure

    def update(self, desired, current, changes, tag_changes):
        api = dict((api_key, desired[key]) for key, api_key in UPDATABLE if key in changes)
        if "option_settings" in changes:  # only the listed settings that differ
            api["OptionSettings"] = beanstalk.option_settings_changes(self.wanted_settings(), self.settings)
        if api and self.params["wait"]:
            self.until_profile_visible(lambda: self.update_once(api), "update")
        elif api:
            beanstalk.update_environment(self.client, self.params["application_name"], self.name(), api)
        if tag_changes:
            beanstalk.update_tags(self.client, current["arn"], tag_changes.set, tag_changes.remove)
        self.applied = True
        return dict(self.predict(desired, current), tags=desired["tags"])

    def update_once(self, api):
        """Update the environment and wait until it is Ready again: updated, or failed (OperationFailed;
        AWS has rolled the configuration back)."""
        updated = beanstalk.update_environment(self.client, self.params["application_name"], self.name(), api)
        self.wait_ready(False)
        events = beanstalk.environment_error_events(
            self.client, updated["EnvironmentId"], since=updated.get("DateUpdated")
        )
        errors = beanstalk.failure_messages(events)
        if errors:
            raise beanstalk.OperationFailed(updated["EnvironmentId"], errors)

    def until_profile_visible(self, operation, what):
        """``operation()``, again while it fails only because Elastic Beanstalk does not see the instance
        profile yet, up to ``attempts`` times in all; any other failure is refused with its events."""
        params = self.params
        tries = [0]

        def attempt():
            tries[0] += 1
            return operation()

        def retryable(code, message):
            return beanstalk.instance_profile_not_visible(code, message) and tries[0] < params["attempts"]

        try:
            return retry_while(attempt, retryable, timeout=params["wait_timeout"], delay=params["poll_interval"])
        except beanstalk.OperationFailed as e:
            raise runner.Refused(
                "environment %s: the %s failed (attempt %d of %d): %s"
                % (self.name(), what, tries[0], params["attempts"], " | ".join(e.messages))
            ) from e

    def delete(self, current):
        beanstalk.terminate_environment(self.client, self.name())

    # ------------------------------------------------------------------------ waiting

    def wait(self, resource, timeout):
        """Until Ready (and Green with ``wait_for_health``); what this run launched or updated is read
        back, one it found so (launched by an earlier run) is only looked at while it is not."""
        health = self.params["wait_for_health"]
        if self.applied:
            env = self.wait_ready(health)
            return beanstalk.normalize_environment(env, self.read_settings(), resource["tags"])
        if resource["status"] == "Ready" and (resource["health"] == "Green" or not health):
            return resource
        return dict(resource, **beanstalk.normalize_environment(self.wait_ready(health), tags=resource["tags"]))

    def wait_ready(self, require_health):
        """The environment (the API's) once Ready (and Green); a timeout names its status, health and
        latest error events."""
        name = self.name()

        def failed(env):
            return "environment %s disappeared (terminated)" % name if env is None else None

        try:
            return wait_for(
                self.fetch,
                lambda env: beanstalk.environment_ready(env, require_health),
                self.params["wait_timeout"],
                "environment %s to be Ready%s" % (name, " and Green" if require_health else ""),
                delay=self.params["poll_interval"],
                failed=failed,
            )
        except WaitTimeout as e:
            env = self.fetch() or {}
            events = beanstalk.recent_error_events(self.client, self.params["application_name"], name)
            raise WaitTimeout(
                "%s (status %s, health %s)%s"
                % (e, env.get("Status"), env.get("Health"), "; latest errors: " + " | ".join(events) if events else "")
            ) from e

    def wait_gone(self):
        wait_for(
            self.fetch,
            lambda env: env is None,
            self.params["wait_timeout"],
            "environment %s to be terminated" % self.name(),
            delay=self.params["poll_interval"],
        )

    def wait_deleted(self, resource, timeout):
        self.wait_gone()


class PlatformVersionsInfo(runner.InfoService):
    """The Ready versions of a platform branch (one ListPlatformVersions query) and the one a new
    environment gets: the newest by semantic version, or the pinned ``platform_arn``. Platform versions
    are AWS's, with no tags and no owner: the shared ``_info`` filter does not apply to them."""

    kind = "Elastic Beanstalk platform versions"
    result_key = "versions"
    client_names = ("elasticbeanstalk",)
    filtered = False

    def list_all(self):
        branch, pinned = self.params["branch"], self.params["platform_arn"]
        if pinned:
            parsed = beanstalk.parse_platform_arn(pinned)
            if parsed is None:
                raise runner.Refused("platform_arn %r is not an Elastic Beanstalk platform ARN" % pinned)
            branch = parsed[0]
        self.kind = "the versions of the Elastic Beanstalk platform branch %s" % branch  # in AWS's errors
        summaries = beanstalk.list_platform_versions(self.client, branch)
        try:
            platform, latest = beanstalk.choose_platform(summaries, branch, pinned)
        except beanstalk.PlatformChoiceError as e:
            raise runner.Refused(str(e)) from e
        self.extra_result.update(platform=platform, latest=latest)
        if latest["branch_lifecycle_state"] == beanstalk.DEPRECATED:
            self.extra_result["warnings"] = [
                "the Elastic Beanstalk platform branch %r is Deprecated: AWS will retire it; move to a Supported one"
                % branch
            ]
        listed = (s["PlatformVersion"] for s in summaries if s.get("PlatformBranchName") == branch)
        return sorted(listed, key=beanstalk.platform_version_key)
