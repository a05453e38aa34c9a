#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: elasticbeanstalk_application
short_description: An Elastic Beanstalk application and, optionally, an application version built from a directory
version_added: 0.1.0
description:
  - Creates, updates (description, tags) or deletes an Elastic Beanstalk application.
  - With O(version), zips O(version.source_dir) deterministically, labels the version with the
    bundle's content hash, uploads the bundle to O(version.bucket) and creates the application
    version; unchanged code gives the same label, so no upload and no new version.
  - Written because M(community.aws.elasticbeanstalk_app) has no application versions and calls
    C(UpdateApplication) whenever the stored description differs from an unset one.
  - Deleting the application deletes its versions (not the bundles in S3; the bucket's teardown does).
  - A bundle with configuration files (C(.ebextensions/)) or an environment manifest (C(env.yaml)) is
    created with C(Process=true), so AWS validates them before an environment uses the version, and
    with O(wait) the module waits until it is processed. A bundle without them has nothing to
    validate; its version is created unprocessed, which environments deploy as well, and no wait.
author:
  - refarch.aws maintainers (@refarch)
options:
  name:
    description: Name of the application.
    type: str
    required: true
  description:
    description: Description of the application; left alone when not set.
    type: str
  state:
    description: Whether the application should exist.
    type: str
    choices: [present, absent]
    default: present
  version:
    description: An application version built from a directory on the controller.
    type: dict
    suboptions:
      source_dir:
        description: Directory whose files make the source bundle (C(__pycache__) and C(.pyc) left out).
        type: path
        required: true
      bucket:
        description: S3 bucket for the bundle (the pipeline's artifact bucket).
        type: str
        required: true
      key_prefix:
        description: Key prefix of the bundle in the bucket; the application name when not set.
        type: str
      description:
        description: Description of the version.
        type: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - refarch.aws.common.ownership
  - refarch.aws.common.wait
  - refarch.aws.common.managed_resource
"""

EXAMPLES = r"""
- name: Application with the web app's current code as a version
  refarch.aws.elasticbeanstalk_application:
    name: refarch-webapp
    description: Sample web app shipped by the pipeline
    version:
      source_dir: "{{ role_path }}/files/webapp"
      bucket: refarch-pipeline-artifacts-123456789012
  register: app

- name: Delete the application and its versions
  refarch.aws.elasticbeanstalk_application:
    name: refarch-webapp
    state: absent
"""

RETURN = r"""
application:
  description: The application; empty when absent.
  returned: always
  type: dict
  contains:
    name: {description: Name., type: str, returned: when present}
    arn: {description: ARN., type: str, returned: when present}
    description: {description: Description., type: str, returned: when present}
    versions: {description: Version labels., type: list, elements: str, returned: when present}
    tags: {description: Tags., type: dict, returned: when present}
version_label:
  description: Label of the version built from O(version.source_dir) (C(v-) and the bundle's hash).
  returned: when O(version) is set
  type: str
  sample: v-3f2a9c0d1e2b4a5f
source_bundle:
  description: Where the bundle is in S3.
  returned: when O(version) is set
  type: dict
  contains:
    bucket: {description: Bucket., type: str}
    key: {description: Key., type: str}
"""

import os

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports it

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.refarch.aws.plugins.module_utils import beanstalk, s3
from ansible_collections.refarch.aws.plugins.module_utils.client import WaitTimeout, aws_client, wait_for
from ansible_collections.refarch.aws.plugins.module_utils.diffing import diff_result
from ansible_collections.refarch.aws.plugins.module_utils.ownership import (
    OWNERSHIP_ARGUMENT_SPEC,
    desired_tags,
    is_owned,
    not_ours_message,
    tag_changes,
)


def current_application(client, name):
    app = beanstalk.describe_application(client, name)
    if app is None:
        return None, None
    tags = beanstalk.list_tags(client, app["ApplicationArn"]) if app.get("ApplicationArn") else {}
    return app, beanstalk.normalize_application(app, tags)


def ensure_version(module, eb, s3_client, listed):
    """Upload the bundle and create the version when its label is new; returns (changed, result).
    ``listed``: the application's version labels (DescribeApplications), None without an application."""
    spec = module.params["version"]
    name = module.params["name"]
    data, digest = beanstalk.build_bundle(spec["source_dir"])
    label = beanstalk.version_label(digest)
    key = "%s/%s.zip" % ((spec.get("key_prefix") or name).strip("/"), label)
    result = dict(version_label=label, source_bundle=dict(bucket=spec["bucket"], key=key))
    if beanstalk.application_version_exists(eb, name, label, listed):
        return False, result
    if not module.check_mode:
        process = beanstalk.bundle_needs_processing(spec["source_dir"])
        if not s3.object_exists(s3_client, spec["bucket"], key):
            s3.put_object(s3_client, spec["bucket"], key, data)
        beanstalk.create_application_version(
            eb,
            name,
            label,
            spec["bucket"],
            key,
            spec.get("description"),
            desired_tags(module.params["deployment"], module.params["tags"]),
            process=process,
        )
        if process and module.params["wait"]:
            wait_processed(module, eb, label)
    return True, result


def wait_processed(module, eb, label):
    """AWS validates the bundle (``Process``); an environment can use the version once it is PROCESSED."""
    name = module.params["name"]

    def failed(version):
        if (version or {}).get("Status") == "FAILED":
            return "AWS could not process the bundle (is it a valid zip with the app at its root?)"
        return None

    try:
        wait_for(
            lambda: beanstalk.describe_application_version(eb, name, label),
            lambda version: (version or {}).get("Status") in ("PROCESSED", "UNPROCESSED"),
            module.params["wait_timeout"],
            "application version %s of %s to be processed" % (label, name),
            delay=2,
            failed=failed,
        )
    except WaitTimeout as e:
        module.fail_json(msg=str(e))


def run(module, eb, s3_client):
    params = module.params
    name = params["name"]
    app, before = current_application(eb, name)
    if before is not None and not is_owned(before["tags"], params["deployment"]):
        module.fail_json(msg=not_ours_message("Elastic Beanstalk application", name, params["deployment"]))
    if params["state"] == "absent":
        if before is None:
            return dict(changed=False, application={}, diff=diff_result(None, None))
        if not module.check_mode:
            beanstalk.delete_application(eb, name)
        return dict(changed=True, application={}, diff=diff_result(before, None))

    tags = desired_tags(params["deployment"], params["tags"])
    changed = False
    if before is None:
        changed = True
        after = dict(name=name, arn=None, description=params["description"] or "", versions=[], tags=tags)
        if not module.check_mode:
            app = beanstalk.create_application(eb, name, params["description"], tags)
            after["arn"] = app.get("ApplicationArn")
    else:
        after = dict(before)
        if params["description"] is not None and params["description"] != before["description"]:
            changed = True
            after["description"] = params["description"]
            if not module.check_mode:
                beanstalk.update_application(eb, name, params["description"])
        to_set, to_remove = tag_changes(before["tags"], tags, purge=True)
        if to_set or to_remove:
            changed = True
            after["tags"] = tags
            if not module.check_mode:
                beanstalk.update_tags(eb, before["arn"], to_set, to_remove)
    result = dict(application=after)
    if params["version"]:
        version_changed, version = ensure_version(module, eb, s3_client, None if before is None else before["versions"])
        result.update(version)
        if version_changed:
            changed = True
            after["versions"] = sorted(set(after["versions"]) | {version["version_label"]})
    result.update(changed=changed, diff=diff_result(before, after))
    return result


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        description=dict(type="str"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        version=dict(
            type="dict",
            options=dict(
                source_dir=dict(type="path", required=True),
                bucket=dict(type="str", required=True),
                key_prefix=dict(type="str", no_log=False),
                description=dict(type="str"),
            ),
        ),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=600),
        **OWNERSHIP_ARGUMENT_SPEC,
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    version = module.params["version"]
    if version and module.params["state"] == "present" and not os.path.isdir(version["source_dir"]):
        module.fail_json(msg="version.source_dir %s is not a directory" % version["source_dir"])
    eb = aws_client(module, "elasticbeanstalk")
    s3_client = aws_client(module, "s3") if module.params["version"] else None
    try:
        result = run(module, eb, s3_client)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Elastic Beanstalk application %s" % module.params["name"])
    except OSError as e:
        module.fail_json(msg="version.source_dir: %s" % e)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
