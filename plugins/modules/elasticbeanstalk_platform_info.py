#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: elasticbeanstalk_platform_info
short_description: The Elastic Beanstalk platform version to run, chosen from a platform branch at deploy time
version_added: 0.1.0
description:
  - Elastic Beanstalk accepts only current platform versions for new environments, and AWS releases
    new ones every few weeks, so a fixed solution stack name stops working
    (C(No Solution Stack named '...' found.)). This module lists the Ready versions of a platform
    branch (one C(ListPlatformVersions) query) and returns the newest, by semantic version.
  - With O(platform_arn) that exact version is returned instead (as listed, or as its ARN says when
    the branch does not list it, AWS then decides whether it takes it), and RV(latest) still tells
    whether the branch has a newer one.
  - Fails when the branch has no Ready version or is C(Retired); warns when it is C(Deprecated).
author:
  - refarch.aws maintainers (@refarch)
options:
  branch:
    description:
      - Platform branch, for example C(Python 3.11 running on 64bit Amazon Linux 2023).
      - Required unless O(platform_arn) is given (its branch is then the one in the ARN).
    type: str
  platform_arn:
    description: Pin this platform version instead of the branch's newest.
    type: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - refarch.aws.common.read_only
"""

EXAMPLES = r"""
- name: The platform a new environment gets
  refarch.aws.elasticbeanstalk_platform_info:
    branch: Python 3.11 running on 64bit Amazon Linux 2023
  register: platform

- name: Create the environment on it
  refarch.aws.elasticbeanstalk_environment:
    name: refarch-webapp-env
    application_name: refarch-webapp
    platform_arn: "{{ platform.platform.arn }}"
"""

RETURN = r"""
platform:
  description: The platform version to use.
  returned: always
  type: dict
  contains:
    arn: {description: Platform ARN., type: str}
    branch: {description: Platform branch., type: str}
    version: {description: "Platform version, for example C(4.10.0).", type: str}
    status: {description: C(Ready) (empty for a pinned ARN the branch does not list)., type: str}
    branch_lifecycle_state: {description: "C(Supported), C(Beta), C(Deprecated) or C(Retired).", type: str}
    recommended: {description: Whether AWS marks it the recommended version of its branch., type: bool}
latest:
  description: The newest Ready version of the branch (the same as RV(platform) unless pinned); same keys.
  returned: always
  type: dict
versions:
  description: Every Ready version of the branch, oldest first.
  returned: always
  type: list
  elements: str
"""

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports it

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.refarch.aws.plugins.module_utils import beanstalk
from ansible_collections.refarch.aws.plugins.module_utils.client import aws_client


def resolve(client, branch, pinned_arn):
    """``(platform, latest, versions)`` for the module's result; raises PlatformChoiceError."""
    summaries = beanstalk.list_platform_versions(client, branch)
    platform, latest = beanstalk.choose_platform(summaries, branch, pinned_arn)
    versions = sorted(
        (s["PlatformVersion"] for s in summaries if s.get("PlatformBranchName") == branch),
        key=beanstalk.platform_version_key,
    )
    return platform, latest, versions


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(branch=dict(type="str"), platform_arn=dict(type="str")),
        required_one_of=[("branch", "platform_arn")],
        supports_check_mode=True,
    )
    branch, pinned = module.params["branch"], module.params["platform_arn"]
    if pinned:
        parsed = beanstalk.parse_platform_arn(pinned)
        if parsed is None:
            module.fail_json(msg="platform_arn %r is not an Elastic Beanstalk platform ARN" % pinned)
        branch = parsed[0]
    client = aws_client(module, "elasticbeanstalk")
    try:
        platform, latest, versions = resolve(client, branch, pinned)
    except beanstalk.PlatformChoiceError as e:
        module.fail_json(msg=str(e))
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="listing the versions of the Elastic Beanstalk platform branch %s" % branch)
    if latest["branch_lifecycle_state"] == beanstalk.DEPRECATED:
        module.warn(
            "the Elastic Beanstalk platform branch %r is Deprecated: AWS will retire it; move to a Supported one"
            % branch
        )
    module.exit_json(changed=False, platform=platform, latest=latest, versions=versions)


if __name__ == "__main__":
    main()
