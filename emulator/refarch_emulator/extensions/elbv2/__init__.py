"""Elastic Load Balancing v2: SSL policies only on secure listeners, and load balancers' lingering network interfaces.

moto 5.2.5 accepts ``SslPolicy`` on any listener and even gives an HTTP listener the default policy
``ELBSecurityPolicy-2016-08``. AWS refuses a policy on a listener that is not HTTPS or TLS with
``ValidationError`` "An SSL policy cannot be specifed for HTTP listeners" (AWS's own spelling; the
protocol named is the listener's) and shows none on such a listener
(https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateListener.html:
"SslPolicy — [HTTPS and TLS listeners] The security policy").

A deleted load balancer's network interfaces go some time after it; until then they keep its
security groups in use. Each deletion is recorded in window ``elb-eni`` under every security group
of the load balancer; the ec2 extension refuses to delete such a group meanwhile (DependencyViolation).

AWS's clock (``awsclock``, scaled): a new load balancer is ``provisioning`` for ``elbv2-provisioning``,
then ``active`` (moto made it active at its first describe); a registered target is ``initial``
(``Elb.InitialHealthChecking``) until it has passed ``HealthyThresholdCount`` checks
``HealthCheckIntervalSeconds`` apart, then ``healthy`` (moto: healthy at once)
(https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html).

``models`` holds the backend side, ``responses`` the listener checks, ``exceptions`` the errors.
"""

from __future__ import annotations


def install() -> None:
    from moto.elbv2.models import ELBv2Backend, FakeLoadBalancer, FakeTargetGroup
    from moto.elbv2.responses import ELBV2Response

    from refarch_emulator.extensions.elbv2 import models, responses
    from refarch_emulator.extensions.patching import wrap

    wrap(ELBv2Backend, "create_load_balancer", models.create_load_balancer)
    wrap(ELBv2Backend, "delete_load_balancer", models.delete_load_balancer)
    wrap(FakeLoadBalancer, "activate", models.activate)
    wrap(FakeTargetGroup, "register", models.register)
    wrap(FakeTargetGroup, "health_for", models.health_for)
    wrap(ELBV2Response, "create_listener", responses.create_listener)
    wrap(ELBV2Response, "modify_listener", responses.modify_listener)
