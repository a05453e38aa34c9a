"""Errors Elastic Load Balancing v2 answers that moto does not define."""

from __future__ import annotations

from moto.elbv2.exceptions import ELBClientError


class ValidationError(ELBClientError):
    code = "ValidationError"
