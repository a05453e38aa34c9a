# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""CodeBuild projects: API calls and the pure build/compare functions.

``BatchGetProjects`` returns defaults AWS fills in (``insecureSsl``, ``privilegedMode``, ...), so a
project is compared key by key on what the user asked for only (``diffing.changed_keys``), with
tags compared as a dict.
"""

from __future__ import absolute_import, division, print_function

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
)

from ansible_collections.refarch.aws.plugins.module_utils.client import retry_until_role_propagates
from ansible_collections.refarch.aws.plugins.module_utils.diffing import changed_keys, drop_none

# Attributes UpdateProject takes as a whole, in the API's names.
UPDATABLE = ("description", "source", "artifacts", "environment", "serviceRole", "timeoutInMinutes", "tags")
# CreateProject/UpdateProject while the service role is new or changed: AWS's answer, "CodeBuild is not
# authorized to perform: sts:AssumeRole on service role. Please verify that: …" (earlier "… on
# arn:aws:iam::…"); terraform-provider-aws retries it (internal/service/codebuild/project.go).
ROLE_PROPAGATING = {"InvalidInputException": ("CodeBuild is not authorized to perform: sts:AssumeRole",)}


def tags_to_dict(tags):
    return boto3_tag_list_to_ansible_dict(tags or [])


def dict_to_tags(tags):
    return ansible_dict_to_boto3_tag_list(tags or {}, "key", "value")


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


def project_changes(desired, current):
    """Dotted paths of what differs; tags as a dict (purged: the ownership tag and the user's are all)."""
    current_view = dict(current or {})
    current_view["tags"] = tags_to_dict(current_view.get("tags"))
    wanted = dict((k, v) for k, v in desired.items() if k != "tags")
    paths = changed_keys(wanted, current_view)
    if desired.get("tags") is not None and desired["tags"] != current_view["tags"]:
        paths.append("tags")
    return paths


def to_api(desired):
    """The desired project with tags as the API's list."""
    result = dict(desired)
    if "tags" in result:
        result["tags"] = dict_to_tags(result["tags"])
    return result


def normalize_project(project):
    if project is None:
        return None
    return dict(
        name=project["name"],
        arn=project.get("arn"),
        description=project.get("description", ""),
        source=project.get("source"),
        artifacts=project.get("artifacts"),
        environment=project.get("environment"),
        service_role=project.get("serviceRole"),
        timeout_in_minutes=project.get("timeoutInMinutes"),
        tags=tags_to_dict(project.get("tags")),
    )


def get_project(client, name):
    found = client.batch_get_projects(names=[name], aws_retry=True).get("projects") or []
    return found[0] if found else None


def list_project_names(client):
    names = []
    kwargs = {}
    while True:
        page = client.list_projects(aws_retry=True, **kwargs)
        names.extend(page.get("projects", []))
        if not page.get("nextToken"):
            return names
        kwargs["nextToken"] = page["nextToken"]


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
