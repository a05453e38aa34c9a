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
  - Platform versions are AWS's, with no tags and no owner, so this C(_info) module has none of the
    others' C(name), C(tags) and C(deployment) filter options.
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
  - amazon.aws.boto3
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
  sample:
    arn: arn:aws:elasticbeanstalk:us-east-1::platform/Python 3.11 running on 64bit Amazon Linux 2023/4.3.0
    branch: Python 3.11 running on 64bit Amazon Linux 2023
    version: 4.3.0
    status: Ready
    branch_lifecycle_state: Supported
    recommended: true
  contains:
    arn:
      description: Platform ARN.
      returned: always
      type: str
      sample: arn:aws:elasticbeanstalk:us-east-1::platform/Python 3.11 running on 64bit Amazon Linux 2023/4.3.0
    branch:
      description: Platform branch.
      returned: always
      type: str
      sample: Python 3.11 running on 64bit Amazon Linux 2023
    version:
      description: Platform version.
      returned: always
      type: str
      sample: 4.3.0
    status:
      description: C(Ready) (null for a pinned ARN the branch does not list).
      returned: always
      type: str
      sample: Ready
    branch_lifecycle_state:
      description: C(Supported), C(Beta), C(Deprecated) or C(Retired) (null for a pinned ARN the branch does not list).
      returned: always
      type: str
      sample: Supported
    recommended:
      description: Whether AWS marks it the recommended version of its branch.
      returned: always
      type: bool
      sample: true
latest:
  description: The newest Ready version of the branch (the same as RV(platform) unless pinned).
  returned: always
  type: dict
  sample:
    arn: arn:aws:elasticbeanstalk:us-east-1::platform/Python 3.11 running on 64bit Amazon Linux 2023/4.3.0
    branch: Python 3.11 running on 64bit Amazon Linux 2023
    version: 4.3.0
    status: Ready
    branch_lifecycle_state: Supported
    recommended: true
  contains:
    arn:
      description: Platform ARN.
      returned: always
      type: str
      sample: arn:aws:elasticbeanstalk:us-east-1::platform/Python 3.11 running on 64bit Amazon Linux 2023/4.3.0
    branch:
      description: Platform branch.
      returned: always
      type: str
      sample: Python 3.11 running on 64bit Amazon Linux 2023
    version:
      description: Platform version.
      returned: always
      type: str
      sample: 4.3.0
    status:
      description: C(Ready).
      returned: always
      type: str
      sample: Ready
    branch_lifecycle_state:
      description: C(Supported), C(Beta), C(Deprecated) or C(Retired).
      returned: always
      type: str
      sample: Supported
    recommended:
      description: Whether AWS marks it the recommended version of its branch.
      returned: always
      type: bool
      sample: true
versions:
  description: Every Ready version of the branch, oldest first.
  returned: always
  type: list
  elements: str
  sample: [4.2.1, 4.3.0]
"""

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.beanstalk_environment import PlatformVersionsInfo


def main():
    options = dict(branch=dict(type="str"), platform_arn=dict(type="str"))
    runner.run_info(PlatformVersionsInfo, options, required_one_of=[("branch", "platform_arn")])


if __name__ == "__main__":
    main()
