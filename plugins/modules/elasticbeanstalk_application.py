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
seealso:
  - module: community.aws.elasticbeanstalk_app
    description: The stock module this one is written instead of (see the description for why).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - refarch.aws.common.tags
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
      bucket: refarch-webapp-artifacts-123456789012-us-east-1
  register: app

- name: Delete the application and its versions
  refarch.aws.elasticbeanstalk_application:
    name: refarch-webapp
    state: absent
"""

RETURN = r"""
changed_keys:
  description: What differed (C(description), C(tags), C(versions) when a new version is created); empty when nothing.
  returned: always
  type: list
  elements: str
  sample: [versions]
application:
  description: The application (predicted in check mode); empty when absent.
  returned: always
  type: dict
  sample:
    name: refarch-webapp
    arn: "arn:aws:elasticbeanstalk:us-east-1:123456789012:application/refarch-webapp"
    description: Sample web app shipped by the pipeline
    versions:
      - v-3f2a9c0d1e2b4a5f
      - v-8c1d2e3f4a5b6c7d
    tags:
      refarch:deployment: refarch
      refarch:stack: beanstalk_codepipeline
  contains:
    name:
      description: Name.
      returned: when present
      type: str
      sample: refarch-webapp
    arn:
      description: ARN (null in check mode before it is created).
      returned: when present
      type: str
      sample: arn:aws:elasticbeanstalk:us-east-1:123456789012:application/refarch-webapp
    description:
      description: Description (empty when none).
      returned: when present
      type: str
      sample: Sample web app shipped by the pipeline
    versions:
      description: Version labels, sorted.
      returned: when present
      type: list
      elements: str
      sample: [v-3f2a9c0d1e2b4a5f, v-8c1d2e3f4a5b6c7d]
    tags:
      description: Tags, the ownership tag included.
      returned: when present
      type: dict
      sample: {"refarch:deployment": "refarch", "refarch:stack": "beanstalk_codepipeline"}
version_label:
  description: Label of the version built from O(version.source_dir) (C(v-) and the bundle's hash).
  returned: when O(version) is set
  type: str
  sample: v-3f2a9c0d1e2b4a5f
source_bundle:
  description: Where the bundle is in S3.
  returned: when O(version) is set
  type: dict
  sample:
    bucket: "refarch-webapp-artifacts-123456789012-us-east-1"
    key: refarch-webapp/v-3f2a9c0d1e2b4a5f.zip
  contains:
    bucket:
      description: Bucket, O(version.bucket).
      returned: always
      type: str
      sample: refarch-webapp-artifacts-123456789012-us-east-1
    key:
      description: Key, C(<key_prefix or application name>/<version label>.zip).
      returned: always
      type: str
      sample: refarch-webapp/v-3f2a9c0d1e2b4a5f.zip
"""

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.beanstalk_application import ApplicationService


def main():
    options = dict(
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
    )
    runner.run(ApplicationService, options)


if __name__ == "__main__":
    main()
