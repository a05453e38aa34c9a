# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Elastic Beanstalk applications on the runner: ``elasticbeanstalk_application`` (with a version
built from a directory) and ``elasticbeanstalk_info``. The API calls are in ``beanstalk``."""

from __future__ import absolute_import, division, print_function

import os

from ansible_collections.refarch.aws.plugins.module_utils import beanstalk, diffing, runner, s3
from ansible_collections.refarch.aws.plugins.module_utils.client import wait_for


class ApplicationService(runner.Service):
    """The application a task describes and, with ``version``, the version its directory makes: the
    bundle's content hash labels it, so unchanged code is no new version (``versions`` unchanged)."""

    kind = "Elastic Beanstalk application"
    result_key = "application"
    client_names = ("elasticbeanstalk",)
    waits = True

    @staticmethod
    def validate(params):
        version = params["version"]
        if version and params["state"] == "present" and not os.path.isdir(version["source_dir"]):
            return ["version.source_dir %s is not a directory" % version["source_dir"]]
        return []

    def read(self):
        app = beanstalk.describe_application(self.client, self.name())
        if app is None:
            return None
        arn = app.get("ApplicationArn")
        return beanstalk.normalize_application(app, beanstalk.list_tags(self.client, arn) if arn else {})

    def desired(self, current, tags):
        desired = dict(name=self.name(), description=self.params["description"], tags=tags)
        if current is None:
            desired.update(arn=None, description=self.params["description"] or "", versions=[])
        self.version, self.processing = self.params["version"], None
        if self.version:
            try:
                self.bundle, digest = beanstalk.build_bundle(self.version["source_dir"])
            except OSError as e:
                raise runner.Refused("version.source_dir: %s" % e) from e
            self.label = beanstalk.version_label(digest)
            self.key = "%s/%s.zip" % ((self.version.get("key_prefix") or self.name()).strip("/"), self.label)
            desired["versions"] = sorted(set((current or {}).get("versions", [])) | {self.label})
            self.extra_result.update(
                version_label=self.label, source_bundle=dict(bucket=self.version["bucket"], key=self.key)
            )
        return desired

    def plan(self, desired, current):
        changes = super(ApplicationService, self).plan(desired, current)
        # DescribeApplications may not list a version created moments ago: asked for by its label then.
        if "versions" in changes and beanstalk.application_version_exists(
            self.client, self.name(), self.label, current["versions"]
        ):
            changes.remove("versions")
        return changes

    def create(self, desired):
        app = beanstalk.create_application(self.client, self.name(), self.params["description"], desired["tags"])
        if self.version:
            self.create_version(desired["tags"])
        return dict(desired, arn=app.get("ApplicationArn"))

    def update(self, desired, current, changes, tag_changes):
        if "description" in changes:
            beanstalk.update_application(self.client, self.name(), desired["description"])
        if tag_changes:
            beanstalk.update_tags(self.client, current["arn"], tag_changes.set, tag_changes.remove)
        if "versions" in changes:
            self.create_version(desired["tags"])
        return diffing.merged(current, desired)

    def create_version(self, tags):
        """Upload the bundle (unless there) and create the version, processed when it has something
        AWS validates (``beanstalk.bundle_needs_processing``)."""
        bucket, s3_client = self.version["bucket"], self.clients["s3"]
        process = beanstalk.bundle_needs_processing(self.version["source_dir"])
        if not s3.object_exists(s3_client, bucket, self.key):
            s3.put_object(s3_client, bucket, self.key, self.bundle)
        beanstalk.create_application_version(
            self.client, self.name(), self.label, bucket, self.key, self.version.get("description"), tags, process
        )
        self.processing = self.label if process else None

    def wait(self, resource, timeout):
        """AWS validates a processed bundle; an environment can use the version once it is PROCESSED."""
        if self.processing:

            def failed(version):
                if (version or {}).get("Status") == "FAILED":
                    return "AWS could not process the bundle (is it a valid zip with the app at its root?)"
                return None

            wait_for(
                lambda: beanstalk.describe_application_version(self.client, self.name(), self.processing),
                lambda version: (version or {}).get("Status") in ("PROCESSED", "UNPROCESSED"),
                timeout,
                "application version %s of %s to be processed" % (self.processing, self.name()),
                delay=2,
                failed=failed,
            )
        return resource

    def delete(self, current):
        beanstalk.delete_application(self.client, self.name())


class ApplicationsInfo(runner.InfoService):
    """The applications an ``elasticbeanstalk_info`` task lists, and their live environments (as
    ``environments``, filtered the same way)."""

    kind = "Elastic Beanstalk applications"
    result_key = "applications"
    client_names = ("elasticbeanstalk",)

    def by_name(self, name):
        found = self.applications(name)
        return found[0] if found else None

    def list_all(self):
        return self.applications(None)

    def applications(self, name):
        kwargs = dict(ApplicationNames=[name]) if name else {}
        found = []
        for app in self.client.describe_applications(aws_retry=True, **kwargs)["Applications"]:
            found.append(beanstalk.normalize_application(app, self.tags(app.get("ApplicationArn"))))
        environments = []
        for env in beanstalk.describe_environments(self.client, name):
            shown = beanstalk.normalize_environment(env, tags=self.tags(env.get("EnvironmentArn")))
            if runner.matches_filter(shown, self.params):
                environments.append(shown)
        self.extra_result["environments"] = environments
        return found

    def tags(self, arn):
        return beanstalk.list_tags(self.client, arn) if arn else {}
