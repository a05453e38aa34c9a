# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""CodeBuild projects: API calls and the pure build/compare functions.

``BatchGetProjects`` returns defaults AWS fills in (``insecureSsl``, ``privilegedMode``, ...), so a
project is compared key by key on what the user asked for only (``diffing.changed_keys``), with
tags compared as a dict.
"""

from __future__ import absolute_import, division, print_function

import re

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.transformation import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
)

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.client import paginate, retry_until_role_propagates
from ansible_collections.refarch.aws.plugins.module_utils.diffing import drop_none

# Attributes UpdateProject takes as a whole, in the API's names.
UPDATABLE = ("description", "source", "artifacts", "environment", "serviceRole", "timeoutInMinutes", "tags")
# CreateProject/UpdateProject while the service role is new or changed: AWS's answer, "CodeBuild is not
# authorized to perform: sts:AssumeRole on service role. Please verify that: …" (earlier "… on
# arn:aws:iam::…"); terraform-provider-aws retries it (internal/service/codebuild/project.go).
ROLE_PROPAGATING = {"InvalidInputException": ("CodeBuild is not authorized to perform: sts:AssumeRole",)}


def build_project(params, tags):
    """The desired project in the shape of ``CreateProject``; unset options are left out."""
    environment = dict(
        type=params["environment"]["type"],
        image=params["environment"]["image"],
        computeType=params["environment"]["compute_type"],
        privilegedMode=params["environment"].get("privileged_mode"),
        environmentVariables=[
            dict(name=k, value=str(v), type="PLAINTEXT")
            for k, v in sorted((params["environment"].get("variables") or {}).items())
        ]
        or None,
    )
    source = dict(type=params["source_type"], buildspec=params.get("buildspec"))
    return drop_none(
        dict(
            name=params["name"],
            description=params.get("description"),
            source=source,
            artifacts=dict(type=params["source_type"]),
            environment=environment,
            serviceRole=params["service_role"],
            timeoutInMinutes=params.get("timeout_in_minutes"),
            tags=tags,
        )
    )


def to_api(desired):
    """The desired project with tags as the API's list."""
    result = dict(desired)
    if "tags" in result:
        result["tags"] = ansible_dict_to_boto3_tag_list(result["tags"], "key", "value")
    return result


# The project as modules return it: snake_case, tags a dict; only what this collection manages.
NORMALIZED_KEYS = (
    "name",
    "arn",
    "description",
    "source",
    "artifacts",
    "environment",
    "serviceRole",
    "timeoutInMinutes",
)


def normalize_project(project):
    if project is None:
        return None
    view = dict((k, project[k]) for k in NORMALIZED_KEYS if k in project)
    result = camel_dict_to_snake_dict(view)
    result["tags"] = boto3_tag_list_to_ansible_dict(project.get("tags") or [])
    return result


class ProjectService(runner.Service):
    """The project a ``codebuild_project`` task describes, on the runner."""

    kind = "CodeBuild project"
    result_key = "project"
    client_names = ("codebuild",)

    @staticmethod
    def validate(params):
        messages = []
        if params["source_type"] == "NO_SOURCE" and params["state"] == "present" and not params["buildspec"]:
            messages.append("buildspec: required with source_type=NO_SOURCE")
        role = params["service_role"]
        if role is not None and not re.fullmatch(r"arn:[^:]+:iam::[0-9]{12}:role/.+", role):
            messages.append("service_role: %r is not an IAM role ARN" % role)
        timeout = params["timeout_in_minutes"]
        if timeout is not None and not 5 <= timeout <= 2160:
            messages.append("timeout_in_minutes: %s is not between 5 and 2160" % timeout)
        return messages

    def read(self):
        return normalize_project(get_project(self.client, self.name()))

    def desired(self, current, tags):
        self.api_desired = build_project(self.params, tags)
        return normalize_project(to_api(self.api_desired))

    def create(self, desired):
        return normalize_project(create_project(self.client, self.api_desired))

    def update(self, desired, current, changes, tag_changes):
        # UpdateProject replaces the tags it is given, so the whole desired set goes in one call.
        return normalize_project(update_project(self.client, self.api_desired))

    def delete(self, current):
        delete_project(self.client, current["name"])


def get_project(client, name):
    found = client.batch_get_projects(names=[name], aws_retry=True).get("projects") or []
    return found[0] if found else None


class ProjectsInfo(runner.InfoService):
    """The projects a ``codebuild_project_info`` task lists."""

    kind = "CodeBuild projects"
    result_key = "projects"
    client_names = ("codebuild",)

    def by_name(self, name):
        return normalize_project(get_project(self.client, name))

    def list_all(self):
        return [normalize_project(p) for p in get_projects(self.client, list_project_names(self.client))]


def list_project_names(client):
    return paginate(client, "list_projects").get("projects", [])


def get_projects(client, names):
    projects = []
    for start in range(0, len(names), 100):
        projects.extend(client.batch_get_projects(names=names[start : start + 100], aws_retry=True).get("projects", []))
    return projects


def create_project(client, desired):
    return retry_until_role_propagates(
        lambda: client.create_project(aws_retry=True, **to_api(desired))["project"], ROLE_PROPAGATING
    )


def update_project(client, desired):
    return retry_until_role_propagates(
        lambda: client.update_project(aws_retry=True, **to_api(desired))["project"], ROLE_PROPAGATING
    )


def delete_project(client, name):
    try:
        client.delete_project(name=name, aws_retry=True)
    except is_boto3_error_code("ResourceNotFoundException"):
        return False
    return True
