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
seealso:
  - module: refarch.aws.elasticbeanstalk_platform_info
    description: Works with this module (the description says how).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - refarch.aws.common.tags
  - refarch.aws.common.wait
  - refarch.aws.common.managed_resource
notes:
  - O(wait_timeout) defaults to 600 seconds; allow 1800 for a first environment on AWS.
"""

EXAMPLES = r"""
- name: The application, with the web app's current code as a version
  refarch.aws.elasticbeanstalk_application:
    name: refarch-webapp
    version:
      source_dir: "{{ role_path }}/files/webapp"
      bucket: refarch-webapp-artifacts-123456789012-us-east-1
  register: app

- name: Web server environment running that version, behind a load balancer
  refarch.aws.elasticbeanstalk_environment:
    name: refarch-webapp-env
    application_name: refarch-webapp
    solution_stack_name: 64bit Amazon Linux 2023 v4.3.0 running Python 3.11
    version_label: "{{ app.version_label }}"
    option_settings:
      - namespace: aws:autoscaling:launchconfiguration
        option_name: IamInstanceProfile
        value: refarch-webapp-eb-ec2
      - namespace: aws:elasticbeanstalk:environment
        option_name: ServiceRole
        value: refarch-webapp-eb-service
    wait_timeout: 1800

- name: Terminate it and wait until it is gone
  refarch.aws.elasticbeanstalk_environment:
    name: refarch-webapp-env
    application_name: refarch-webapp
    state: absent
"""

RETURN = r"""
environment:
  description: The environment after the run (predicted in check mode); empty when absent.
  returned: always
  type: dict
  sample:
    name: refarch-webapp-env
    id: e-a1b2c3d4e5
    arn: "arn:aws:elasticbeanstalk:us-east-1:123456789012:environment/refarch-webapp/refarch-webapp-env"
    application_name: refarch-webapp
    description: ''
    tier: WebServer
    status: Ready
    health: Green
    health_status: Ok
    version_label: v-3f2a9c0d1e2b4a5f
    platform_arn: arn:aws:elasticbeanstalk:us-east-1::platform/Python 3.11 running on 64bit Amazon Linux 2023/4.3.0
    solution_stack_name: 64bit Amazon Linux 2023 v4.3.0 running Python 3.11
    cname: "refarch-webapp-env.eba-abcd1234.us-east-1.elasticbeanstalk.com"
    endpoint_url: "awseb-e-a-AWSEBLoa-1ABCDEF2GHIJK-1234567890.us-east-1.elb.amazonaws.com"
    option_settings:
      - namespace: aws:autoscaling:launchconfiguration
        option_name: IamInstanceProfile
        value: refarch-webapp-eb-ec2
    tags:
      refarch:deployment: refarch
      refarch:stack: beanstalk_codepipeline
  contains:
    name:
      description: Name.
      returned: when present
      type: str
      sample: refarch-webapp-env
    id:
      description: Environment id (null in check mode before it is created).
      returned: when present
      type: str
      sample: e-a1b2c3d4e5
    arn:
      description: ARN (null in check mode before it is created).
      returned: when present
      type: str
      sample: arn:aws:elasticbeanstalk:us-east-1:123456789012:environment/refarch-webapp/refarch-webapp-env
    application_name:
      description: Application.
      returned: when present
      type: str
      sample: refarch-webapp
    description:
      description: Description (empty when none).
      returned: when present
      type: str
      sample: ""
    tier:
      description: C(WebServer) or C(Worker).
      returned: when present
      type: str
      sample: WebServer
    status:
      description: C(Launching), C(Updating), C(Ready), C(Terminating), C(Terminated), ...
      returned: when present
      type: str
      sample: Ready
    health:
      description: C(Green), C(Yellow), C(Red) or C(Grey).
      returned: when present
      type: str
      sample: Green
    health_status:
      description: Enhanced health status (C(Ok), C(Info), C(Warning), C(Degraded), ...), when enhanced health is on.
      returned: when present
      type: str
      sample: Ok
    version_label:
      description: Deployed version.
      returned: when present
      type: str
      sample: v-3f2a9c0d1e2b4a5f
    platform_arn:
      description: The platform version it runs.
      returned: when present
      type: str
      sample: arn:aws:elasticbeanstalk:us-east-1::platform/Python 3.11 running on 64bit Amazon Linux 2023/4.3.0
    solution_stack_name:
      description: Its solution stack name.
      returned: when present
      type: str
      sample: 64bit Amazon Linux 2023 v4.3.0 running Python 3.11
    cname:
      description: CNAME of a web server environment (null in check mode before it is created).
      returned: when present
      type: str
      sample: refarch-webapp-env.eba-abcd1234.us-east-1.elasticbeanstalk.com
    endpoint_url:
      description: URL of its load balancer (or instance) (null in check mode before it is created).
      returned: when present
      type: str
      sample: awseb-e-a-AWSEBLoa-1ABCDEF2GHIJK-1234567890.us-east-1.elb.amazonaws.com
    option_settings:
      description: The option settings you listed, as the environment has them, sorted.
      returned: when present
      type: list
      elements: dict
      contains:
        namespace:
          description: Namespace.
          returned: always
          type: str
          sample: aws:autoscaling:launchconfiguration
        option_name:
          description: Option.
          returned: always
          type: str
          sample: IamInstanceProfile
        value:
          description: Value.
          returned: always
          type: str
          sample: refarch-webapp-eb-ec2
    tags:
      description: Tags, the ownership tag included.
      returned: when present
      type: dict
      sample: {"refarch:deployment": "refarch", "refarch:stack": "beanstalk_codepipeline"}
changed_keys:
  description:
    - The result keys that differed and were changed (or, in check mode, would be) in place, with
      C(tags) when the tags did; empty when nothing changed, when the environment is created or
      terminated.
    - One C(UpdateEnvironment) call changes them all (C(option_settings) sends only the listed settings
      that differ); tags change with C(UpdateTagsForResource).
  returned: always
  type: list
  elements: str
  sample: [option_settings, version_label]
"""

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.beanstalk_environment import EnvironmentService

OPTION_SETTING = dict(
    namespace=dict(type="str", required=True),
    option_name=dict(type="str", required=True),
    value=dict(type="str", required=True),
    resource_name=dict(type="str"),
)


def main():
    options = dict(
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
        option_settings=dict(type="list", elements="dict", default=[], options=OPTION_SETTING),
        wait_for_health=dict(type="bool", default=True),
        poll_interval=dict(type="int", default=15),
    )
    exclusive = [("solution_stack_name", "platform_arn"), ("version_label", "initial_version_label")]
    runner.run(EnvironmentService, options, mutually_exclusive=exclusive)


if __name__ == "__main__":
    main()
